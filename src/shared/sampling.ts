// How the suggestion samples its first word, as shares: one function that the model host's sampleIndex
// draws from and that the attention webview's "Why this word?" draws as bars, so that the panel's figures
// are the suggestion's own. PURE (it lives in src/shared/, as colorScale.ts and tokenDisplay.ts do,
// because a webview may import nothing else of src/).

/**
 * The chance that a sampled suggestion is each word of a list ranked by probability, given the words'
 * log-probabilities (or any logs of numbers proportional to them: a shift cancels): a softmax of the
 * first `topK` of them divided by the temperature; the words after them get 0. Temperature 0 (or below)
 * is greedy: the first word gets 1. A temperature of 1 gives the words' own probabilities renormalised
 * over the top k; a higher one flattens them, a lower one sharpens them. A `topK` below 1 (or above the
 * list) takes the whole list. The shares sum to 1 (an empty list gives none).
 */
export function samplingShares(logps: readonly number[], temperature: number, topK: number): number[] {
  const shares: number[] = logps.map(() => 0);
  if (logps.length === 0) return shares;
  if (!(temperature > 0)) {
    shares[0] = 1;
    return shares;
  }
  const n = Math.max(1, Math.min(topK >= 1 ? Math.floor(topK) : logps.length, logps.length));
  const scaled = logps.slice(0, n).map((l) => l / temperature);
  const max = Math.max(...scaled);
  // a word of probability 0 (log -Infinity) gets share 0, never NaN
  const w = scaled.map((s) => (s === -Infinity ? 0 : Math.exp(s - max)));
  const total = w.reduce((a, b) => a + b, 0);
  if (!(total > 0) || !Number.isFinite(total)) {
    shares[0] = 1;
    return shares;
  }
  for (let i = 0; i < n; i++) shares[i] = w[i] / total;
  return shares;
}

/**
 * The index that a uniform draw r in [0, 1) picks from the shares (their cumulative sum passes r); -1
 * for an empty list. The last word with a share > 0 catches the rounding of a draw close to 1.
 */
export function pickByShare(shares: readonly number[], r: number): number {
  let last = -1;
  for (let i = 0; i < shares.length; i++) {
    if (!(shares[i] > 0)) continue;
    last = i;
    r -= shares[i];
    if (r < 0) return i;
  }
  return last < 0 && shares.length > 0 ? 0 : last;
}
