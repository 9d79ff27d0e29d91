// A tokenizer.json's normalizer and pre-tokenizer may carry regular expressions, which the tokenizer runs
// over every text with a backtracking engine: `(a+)+$` takes exponential time on "aaaa…a!", and predict
// hangs. Such a pattern (a quantified group that holds a quantifier of its own) is refused at load,
// naming the file and the field.

/** Does the pattern hold a quantified group with a quantifier inside it, (a+)+, (?:\w*\s)*, (x+){2,}? */
export function hasNestedQuantifier(pattern: string): boolean {
  // per open group: whether a quantifier occurred inside it
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") groups.push(false);
    else if (c === ")") {
      const inner = groups.pop() ?? false;
      const q = quantifierAt(pattern, i + 1);
      if (q && inner) return true;
      if (groups.length > 0 && (inner || q)) groups[groups.length - 1] = true;
    } else if (quantifierAt(pattern, i) && groups.length > 0) groups[groups.length - 1] = true;
  }
  return false;
}

/** Is there an unbounded or repeating quantifier at i (*, +, {n,}, {n,m} with m > 1; not ? alone)? */
function quantifierAt(p: string, i: number): boolean {
  if (p[i] === "*" || p[i] === "+") return true;
  const m = /^\{(\d*)(,(\d*))?\}/.exec(p.slice(i, i + 24));
  return !!m && (m[2] !== undefined ? m[3] === "" || Number(m[3]) > 1 : Number(m[1]) > 1);
}

/** Every regex a tokenizer.json's normalizer and pre_tokenizer carry, with the field it is in. */
function regexes(node: unknown, path: string, out: { path: string; pattern: string }[]): void {
  if (Array.isArray(node)) node.forEach((n, i) => regexes(n, `${path}[${i}]`, out));
  else if (typeof node === "object" && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === "Regex" && typeof v === "string") out.push({ path: `${path}.Regex`, pattern: v });
      else regexes(v, `${path}.${k}`, out);
    }
  }
}

/** The first regex of the normalizer or pre-tokenizer that could take exponential time, or undefined. */
export function slowTokenizerRegex(json: { normalizer?: unknown; pre_tokenizer?: unknown }): { path: string; pattern: string } | undefined {
  const found: { path: string; pattern: string }[] = [];
  regexes(json.normalizer, "normalizer", found);
  regexes(json.pre_tokenizer, "pre_tokenizer", found);
  return found.find((r) => hasNestedQuantifier(r.pattern));
}
