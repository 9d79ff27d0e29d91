"""Pooled word vectors: each lexicon word's hidden state averaged over its occurrences in the training text.

The rows of the input embedding are poor word vectors for a small model (they mostly encode spelling and
what may follow); hidden states averaged over many contexts are far better (Bommasani, Davis and Cardie,
ACL 2020). For every word of words.txt (multi-token words included) and every layer, this reads about
--tokens training tokens in windows of the model's length and averages over the word's occurrences:

  before  the state just before the word: at the position that predicts its first token (what the
          context expects here; neighbours are words used in the same places)
  last    the state at the word's last token (knows the spelling, so it leans to shared endings)
  concat  both, each centred and scaled to unit length, side by side

Each variant can be centred (the mean vector over the words subtracted: hidden states share a large
common direction that makes every cosine high). The variant and layer are chosen on the *tuning* members
of word_groups.json: a tuning query scores when another tuning member of its group is among its 10
nearest words by cosine. The 18 held-out queries are measured only for the chosen variant (and for the
static embedding rows, for comparison), never used to choose.

Writes beside the model (MODEL_DIR):
  pooled.json  format, version, words (in words.txt order), counts, dims, layer, variant, centred,
               scale scheme, tokens read, min count, the tuning table and the held-out counts
  pooled.bin   int8 [count, dims] row-major, then float32 little-endian [count] per-row scales:
               value[i][j] = int8[i][j] * scale[i]
Words seen fewer than --min-count times are left out; if the file would pass --max-mb, the rarest are
left out too (words.txt is most frequent first).

  /usr/bin/python3 models/recipe/pooled.py --checkpoint models/recipe/checkpoints/lm-lens-5m.pt \
      --model-dir models/lm-lens-5m --tokens-dir models/recipe/.cache/work/tokens/train --tokens 3000000
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bpe import bytes_to_unicode  # noqa: E402
from model import GPT, GPTConfig  # noqa: E402

FORMAT = "lm-lens-pooled"
VERSION = 1
VARIANTS = ("before", "last", "concat")
K = 10
# the same word pattern as wordlist.py, over bytes decoded as latin-1 (one character per byte)
WORD = re.compile(r"(?<![A-Za-z'])[A-Za-z]+(?![A-Za-z'])")
# occurrences this close to a window's start have too little context before them to count
MIN_CONTEXT = 8


def token_bytes(tokenizer: dict) -> list[bytes]:
    """Each id's bytes; special tokens become a NUL, which no word pattern crosses."""
    u2b = {u: b for b, u in bytes_to_unicode().items()}
    vocab = tokenizer["model"]["vocab"]
    out = [b""] * (max(vocab.values()) + 1)
    for text, i in vocab.items():
        out[i] = bytes(u2b[c] for c in text) if all(c in u2b for c in text) else b"\0"
    for t in tokenizer.get("added_tokens", []):
        out[t["id"]] = b"\0"
    return out


def read_words(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.split("\t", 1)[0] for line in fh if line.strip()]


def windows(tokens_dir: str, budget: int, length: int) -> list[np.ndarray]:
    """Evenly spaced windows from every source file, each file's share in proportion to its size."""
    files = sorted(f for f in os.listdir(tokens_dir) if f.endswith(".bin"))
    if not files:
        raise SystemExit(f"pooled: no *.bin token files in {tokens_dir}")
    arrays = [np.fromfile(os.path.join(tokens_dir, f), dtype="<u2") for f in files]
    total = sum(len(a) for a in arrays)
    out = []
    for a in arrays:
        if len(a) < length:
            continue
        n = max(1, round(min(budget, total) * len(a) / total / length))
        n = min(n, len(a) // length)
        for s in np.linspace(0, len(a) - length, n).astype(np.int64):
            out.append(a[s:s + length].astype(np.int64))
    return out


class Pool:
    """Running sums of hidden states per word: before[l], last[l] (Nw, C) and static rows (Nw, C)."""

    def __init__(self, n_words: int, n_layers: int, dim: int):
        self.before = [torch.zeros(n_words, dim) for _ in range(n_layers)]
        self.last = [torch.zeros(n_words, dim) for _ in range(n_layers)]
        self.static = torch.zeros(n_words, dim)
        self.count = torch.zeros(n_words, dtype=torch.long)


def occurrences(ids: np.ndarray, tb: list[bytes], index: dict[str, int]) -> tuple[list[int], list[int], list[int]]:
    """(word row, first token, last token) of each lexicon word in a window whose tokens start and end
    with the word (a leading space may belong to the first token)."""
    pieces = [tb[i] for i in ids]
    lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    text = b"".join(pieces).decode("latin-1")
    rows, firsts, lasts = [], [], []
    for m in WORD.finditer(text):
        row = index.get(m.group())
        if row is None:
            continue
        s, e = m.start(), m.end()
        ft = int(np.searchsorted(ends, s, side="right"))
        lt = int(np.searchsorted(ends, e - 1, side="right"))
        if ends[lt] != e:
            continue
        if starts[ft] != s and not (starts[ft] == s - 1 and text[s - 1] == " "):
            continue
        if ft < MIN_CONTEXT:
            continue
        rows.append(row)
        firsts.append(ft)
        lasts.append(lt)
    return rows, firsts, lasts


@torch.no_grad()
def hidden_states(model: GPT, x: torch.Tensor) -> list[torch.Tensor]:
    """hidden_states.0 .. n_layer as the ONNX export gives them (the last after the final LayerNorm),
    without the output layer, which pooling does not need. [(B, T, C)] * (n_layer + 1)"""
    B, T = x.shape
    pos = torch.arange(T).unsqueeze(0).expand(B, T)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool)).unsqueeze(0).unsqueeze(0)  # (1, 1, T, T)
    h = model.wte(x) + model.wpe(pos)
    out = [h]
    for block in model.h:
        h = block(h, mask)[0]
        out.append(h)
    out[-1] = model.ln_f(h)
    return out


@torch.no_grad()
def pool(model: GPT, wins: list[np.ndarray], tb: list[bytes], index: dict[str, int], batch: int, log_every: float = 30.0) -> Pool:
    L = model.cfg.n_layer + 1
    C = model.cfg.n_embd
    p = Pool(len(index), L, C)
    t0 = last_log = time.time()
    for b0 in range(0, len(wins), batch):
        chunk = wins[b0:b0 + batch]
        rows, flat_before, flat_last, static_sets = [], [], [], []
        T = len(chunk[0])
        for bi, ids in enumerate(chunk):
            r, f, l = occurrences(ids, tb, index)
            rows += r
            flat_before += [bi * T + t - 1 for t in f]
            flat_last += [bi * T + t for t in l]
            static_sets += [(bi, a, b) for a, b in zip(f, l)]
        if not rows:
            continue
        x = torch.from_numpy(np.stack(chunk))
        hs = hidden_states(model, x)
        r = torch.tensor(rows)
        fb = torch.tensor(flat_before)
        fl = torch.tensor(flat_last)
        for l in range(L):
            h = hs[l].reshape(-1, C)
            p.before[l].index_add_(0, r, h[fb])
            p.last[l].index_add_(0, r, h[fl])
        # static: the mean of the word's input embedding rows, as the neighbours view's static space embeds a word
        emb = model.wte.weight
        st = torch.stack([emb[x[bi, a:b + 1]].mean(0) for bi, a, b in static_sets])
        p.static.index_add_(0, r, st)
        p.count.index_add_(0, r, torch.ones_like(r))
        if time.time() - last_log > log_every:
            last_log = time.time()
            done = b0 + len(chunk)
            print(f"pooled: {done:,}/{len(wins):,} windows, {time.time() - t0:.0f} s", flush=True)
    return p


def unit(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(n > 0, n, 1)


def variant_matrix(p: Pool, keep: np.ndarray, layer: int, variant: str, centred: bool) -> np.ndarray:
    c = p.count.numpy()[keep][:, None].astype(np.float64)

    def part(sums: list[torch.Tensor]) -> np.ndarray:
        m = sums[layer].numpy()[keep].astype(np.float64) / c
        return m - m.mean(0) if centred else m

    if variant == "before":
        return part(p.before)
    if variant == "last":
        return part(p.last)
    return np.concatenate([unit(part(p.before)), unit(part(p.last))], axis=1)


def resolve(word: str, row_of: dict[str, int], by_lower: dict[str, list[int]], counts: np.ndarray) -> int | None:
    """The word as written if the index holds it, else its most frequent case variant."""
    if word in row_of:
        return row_of[word]
    rows = by_lower.get(word.lower())
    return max(rows, key=lambda r: (counts[r], -r)) if rows else None


def nearest(m: np.ndarray, q: int, words: list[str], k: int = K) -> list[int]:
    """The k rows nearest to row q by cosine, leaving out q and every case variant of its word."""
    u = unit(m)
    sims = u @ u[q]
    order = np.argsort(-sims, kind="stable")
    lower = words[q].lower()
    return [int(i) for i in order if words[i].lower() != lower][:k]


def score(m: np.ndarray, words: list[str], queries: list[tuple[str, set[str]]], row_of, by_lower, counts) -> tuple[int, int, list[tuple[str, list[str], bool]]]:
    """How many queries have a mate among their K nearest; (hits, queries found, details)."""
    hits = found = 0
    details = []
    for q, mates in queries:
        r = resolve(q, row_of, by_lower, counts)
        if r is None:
            details.append((q, [], False))
            continue
        found += 1
        near = [words[i] for i in nearest(m, r, words)]
        ok = any(w.lower() in mates for w in near)
        hits += ok
        details.append((q, near, ok))
    return hits, found, details


def group_queries(groups: dict) -> tuple[list[tuple[str, set[str]]], list[tuple[str, set[str]]]]:
    tuning, heldout = [], []
    for g in groups.values():
        t = [w.lower() for w in g["tuning"]]
        h = [w.lower() for w in g["heldout"]]
        tuning += [(w, set(t) - {w}) for w in t]
        heldout += [(w, set(t + h) - {w}) for w in h]
    return tuning, heldout


def quantise(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row symmetric int8: scale = max |x| / 127."""
    peak = np.abs(m).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(m / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="a checkpoint with 'config' and 'model' (train.py)")
    ap.add_argument("--model-dir", required=True, help="the model folder: tokenizer.json, words.txt in; pooled.json, pooled.bin out")
    ap.add_argument("--tokens-dir", required=True, help="encoded training tokens: *.bin, uint16 little-endian (encode.mjs)")
    ap.add_argument("--tokens", type=int, default=3_000_000, help="training tokens to read")
    ap.add_argument("--groups", default=os.path.join(HERE, "word_groups.json"))
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--max-mb", type=float, default=9.0, help="largest pooled.bin, in MB (10^6 bytes)")
    ap.add_argument("--batch", type=int, default=8, help="windows per forward pass")
    ap.add_argument("--window", type=int, default=512, help="tokens per window (at most the model's n_positions)")
    ap.add_argument("--show", default="tuesday,father,function,zenith,apex", help="words whose neighbours to print")
    args = ap.parse_args()
    t_start = time.time()

    ck = torch.load(args.checkpoint, map_location="cpu")
    model = GPT(GPTConfig(**ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    with open(os.path.join(args.model_dir, "tokenizer.json"), encoding="utf-8") as fh:
        tok_text = fh.read()
    tokenizer = json.loads(tok_text)
    # the token files must be the model's own ids: encode.mjs runs with the tokenizer beside tokens/
    beside = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.tokens_dir))), "tokenizer.json")
    if os.path.exists(beside):
        with open(beside, encoding="utf-8") as fh:
            if hashlib.sha256(fh.read().encode()).digest() != hashlib.sha256(tok_text.encode()).digest():
                raise SystemExit(f"pooled: {args.tokens_dir} was encoded with {beside}, which is not {args.model_dir}/tokenizer.json")
    tb = token_bytes(tokenizer)
    words = read_words(os.path.join(args.model_dir, "words.txt"))
    index = {w: i for i, w in enumerate(words)}
    length = min(args.window, model.cfg.n_positions)
    wins = windows(args.tokens_dir, args.tokens, length)
    tokens_read = sum(len(w) for w in wins)
    print(f"pooled: {len(words):,} words, {len(wins):,} windows of {length} = {tokens_read:,} tokens from {args.tokens_dir}", flush=True)

    torch.manual_seed(0)
    t0 = time.time()
    p = pool(model, wins, tb, index, args.batch)
    pool_s = time.time() - t0
    counts_all = p.count.numpy()
    keep = np.flatnonzero(counts_all >= args.min_count)
    kept_words = [words[i] for i in keep]
    counts = counts_all[keep]
    print(f"pooled: {pool_s:.0f} s; {len(keep):,} of {len(words):,} words seen at least {args.min_count} times", flush=True)

    row_of = {w: i for i, w in enumerate(kept_words)}
    by_lower: dict[str, list[int]] = {}
    for i, w in enumerate(kept_words):
        by_lower.setdefault(w.lower(), []).append(i)
    with open(args.groups, encoding="utf-8") as fh:
        groups = json.load(fh)["groups"]
    tuning, heldout = group_queries(groups)

    # choose on the tuning members only
    L = model.cfg.n_layer + 1
    table = []
    print(f"\npooled: tuning queries with a group mate among their {K} nearest (of {len(tuning)})")
    print(f"{'layer':>5}  " + "  ".join(f"{v + (' c' if c else ''):>9}" for c in (False, True) for v in VARIANTS))
    for layer in range(L):
        cells = []
        for centred in (False, True):
            for v in VARIANTS:
                hits, found, _ = score(variant_matrix(p, keep, layer, v, centred), kept_words, tuning, row_of, by_lower, counts)
                table.append({"layer": layer, "variant": v, "centred": centred, "hits": hits, "found": found})
                cells.append(f"{hits:>9}")
        print(f"{layer:>5}  " + "  ".join(cells))
    # best hits; ties to the fewer dimensions, then the lower layer, then uncentred (the order above)
    best = max(table, key=lambda r: (r["hits"], r["variant"] != "concat", -r["layer"], not r["centred"]))
    chosen = variant_matrix(p, keep, best["layer"], best["variant"], best["centred"])
    print(f"pooled: chosen layer {best['layer']}, {best['variant']}{', centred' if best['centred'] else ''}: {best['hits']}/{len(tuning)} tuning")

    # the file's size limit: the rarest words go first
    dims = chosen.shape[1]
    max_rows = int(args.max_mb * 1e6 // (dims + 4))
    if len(kept_words) > max_rows:
        print(f"pooled: {len(kept_words):,} rows of {dims} would pass {args.max_mb} MB; keeping the {max_rows:,} most frequent in words.txt")
        chosen, kept_words, counts = chosen[:max_rows], kept_words[:max_rows], counts[:max_rows]
        row_of = {w: i for i, w in enumerate(kept_words)}
        by_lower = {}
        for i, w in enumerate(kept_words):
            by_lower.setdefault(w.lower(), []).append(i)
    q, scale = quantise(chosen.astype(np.float32))
    dequant = q.astype(np.float32) * scale[:, None]

    # held out: measured once, on what ships (the int8 rows), and on the static rows over the same words
    h_hits, h_found, h_details = score(dequant, kept_words, heldout, row_of, by_lower, counts)
    static = p.static.numpy()[keep][: len(kept_words)] / counts[:, None]
    s_hits, s_found, s_details = score(static, kept_words, heldout, row_of, by_lower, counts)
    print(f"\npooled: held-out queries with a group mate among their {K} nearest: {h_hits}/{len(heldout)} pooled (shipped int8 rows), {s_hits}/{len(heldout)} static embedding rows")
    for (qw, near, ok), (_, snear, sok) in zip(h_details, s_details):
        print(f"  {'+' if ok else '-'} {qw:<10} {', '.join(near) or '(not in the index)'}")
        print(f"    {'+' if sok else '-'} static {', '.join(snear)}")
    for w in [s for s in args.show.split(",") if s]:
        r = resolve(w, row_of, by_lower, counts)
        near = [kept_words[i] for i in nearest(dequant, r, kept_words)] if r is not None else []
        print(f"  {w:<10} {', '.join(near) if near else '(not in the pooled word index)'}")

    meta = {
        "format": FORMAT,
        "version": VERSION,
        "about": "Pooled word vectors (models/recipe/pooled.py): each word's hidden state averaged over its occurrences in the training text",
        "count": len(kept_words),
        "dims": int(dims),
        "layer": best["layer"],
        "variant": best["variant"],
        "centred": best["centred"],
        "nLayer": model.cfg.n_layer,
        "scale": "row",
        "scaleNote": "pooled.bin: int8 [count, dims] row-major, then float32 little-endian [count]; value = int8 * scale of its row",
        "tokensRead": tokens_read,
        "minCount": args.min_count,
        "checkpointTokensSeen": int(ck.get("tokens_seen", 0)),
        "tuning": {"k": K, "queries": len(tuning), "table": table},
        "heldout": {"k": K, "queries": len(heldout), "pooled": h_hits, "static": s_hits},
        "seconds": round(pool_s),
        "words": kept_words,
        "counts": [int(c) for c in counts],
    }
    with open(os.path.join(args.model_dir, "pooled.bin"), "wb") as fh:
        fh.write(q.tobytes(order="C"))
        fh.write(scale.astype("<f4").tobytes())
    with open(os.path.join(args.model_dir, "pooled.json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, separators=(",", ":"))
        fh.write("\n")
    size = os.path.getsize(os.path.join(args.model_dir, "pooled.bin"))
    print(f"pooled: wrote {args.model_dir}/pooled.json and pooled.bin ({len(kept_words):,} x {dims}, {size / 1e6:.1f} MB) in {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
