"""Pooled word vectors: each lexicon word's hidden state averaged over its occurrences in the training text.

The rows of the input embedding are poor word vectors for a small model (they mostly encode spelling and
what may follow); hidden states averaged over many contexts are far better (Bommasani, Davis and Cardie,
ACL 2020). For every word of words.txt (multi-token words included) and every layer, this reads about
--tokens training tokens in windows of the model's length and averages over the word's occurrences:

  before  the state just before the word: at the position that predicts its first token (what the
          context expects here; neighbours are words used in the same places)
  last    the state at the word's last token (knows the spelling, so it leans to shared endings)
  concat  both, each centred and scaled to unit length, side by side; "before" may come from another
          layer than "last" (beforeLayer in pooled.json)

Each variant can be centred (the mean vector over the words subtracted: hidden states share a large
common direction that makes every cosine high), and can lose its top principal directions as well
("all-but-the-top", Mu and Viswanath, ICLR 2018: they carry frequency and what all words share). Every
row is then scaled to unit length, so that a sum such as "woman - man + brother" weighs its words equally
(3CosAdd; the extension adds the rows as they are).

The space is chosen on the *tuning* part of two sets, never on their held-out part:
  word_groups.json  a tuning query scores when another tuning member of its group is among its 10 nearest
                    words by cosine
  analogies.json    a tuning analogy a:b::c:d scores when `b - a + c` has d among its 5 nearest words
                    (the query's words left out in every case, as the neighbours view leaves them out)
The score is the analogy top-5 share per category, averaged over the categories, plus the share of
tuning group queries. The 18 held-out group queries and the 30 held-out analogies are measured only for
the chosen space, on the int8 rows that ship (and for the static embedding rows, for comparison); the
held-out analogy counts go into pooled.json, where test/unit/analogies.test.ts reads its floor.
analogies.py prints every candidate's figures (tuning and held out) from sums saved with --sums.

Writes beside the model (MODEL_DIR):
  pooled.json  format, version, words (in words.txt order), counts, dims, layer (beforeLayer), variant,
               centred, dropTop, unitRows, scale scheme, tokens read, min count, the tuning table and the
               held-out counts (word groups; analogies top-1 and top-5)
  pooled.bin   int8 [count, dims] row-major, then float32 little-endian [count] per-row scales:
               value[i][j] = int8[i][j] * scale[i]
Words seen fewer than --min-count times are left out; if the file would pass --max-mb, the rarest are
left out too (words.txt is most frequent first).

  nice -n 10 /usr/bin/python3 models/recipe/pooled.py --checkpoint models/recipe/checkpoints/lm-lens-5m.pt \
      --model-dir models/lm-lens-5m --tokens-dir models/recipe/.cache/work/tokens/train --tokens 3000000 \
      --sums models/recipe/.cache/pooled-sums.npz
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


def save_sums(path: str, p: Pool, tokens: int, seconds: float) -> None:
    """The pooled sums, so that the recipe can be chosen again (analogies.py) without pooling again."""
    np.savez(path, before=np.stack([b.numpy() for b in p.before]), last=np.stack([b.numpy() for b in p.last]),
             static=p.static.numpy(), count=p.count.numpy(), tokens=tokens, seconds=seconds)


def load_sums(path: str) -> tuple[Pool, int]:
    z = np.load(path)
    L, N, C = z["before"].shape
    p = Pool(N, L, C)
    p.before = [torch.from_numpy(z["before"][i]) for i in range(L)]
    p.last = [torch.from_numpy(z["last"][i]) for i in range(L)]
    p.static = torch.from_numpy(z["static"])
    p.count = torch.from_numpy(z["count"])
    return p, int(z["tokens"])


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


def drop_top(m: np.ndarray, d: int) -> np.ndarray:
    """"All-but-the-top" (Mu and Viswanath, ICLR 2018): remove the projections on the d top principal
    directions of the rows (centred). Those directions carry what every word shares and its frequency
    (and, for the state at the word's last token, much of its spelling); what is left is more of its use."""
    if d <= 0:
        return m
    _, _, vt = np.linalg.svd(m - m.mean(0), full_matrices=False)
    top = vt[:d]
    return m - (m @ top.T) @ top


def variant_matrix(p: Pool, keep: np.ndarray, layer: int, variant: str, centred: bool, drop: int = 0, unit_rows: bool = False, before_layer: int | None = None, cache: dict | None = None) -> np.ndarray:
    """The rows of one variant at one layer; a concat takes its "before" half from before_layer (default:
    the same layer). drop: top principal directions removed (each half of a concat on its own);
    unit_rows: every row scaled to length 1, so that a sum "b - a + c" weighs its words equally (3CosAdd).
    cache: a dict kept between calls over the same keep, which saves each part and its principal directions."""
    c = p.count.numpy()[keep][:, None].astype(np.float64)
    cache = {} if cache is None else cache

    def part(sums: list[torch.Tensor], at: int) -> np.ndarray:
        key = (id(sums), at, centred)
        if key not in cache:
            m = sums[at].numpy()[keep].astype(np.float64) / c
            m = m - m.mean(0) if centred else m
            cache[key] = (m, None)
        m, vt = cache[key]
        if drop <= 0:
            return m
        if vt is None:
            vt = np.linalg.svd(m - m.mean(0), full_matrices=False)[2]
            cache[key] = (m, vt)
        return m - (m @ vt[:drop].T) @ vt[:drop]

    if variant == "before":
        m = part(p.before, layer)
    elif variant == "last":
        m = part(p.last, layer)
    else:
        m = np.concatenate([unit(part(p.before, layer if before_layer is None else before_layer)), unit(part(p.last, layer))], axis=1)
    return unit(m) if unit_rows else m


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


def analogy_sets(path: str) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """(tuning, held out) analogies of analogies.json: [(category, [a, b, c, d])]."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    return ([(x["category"], list(x["analogy"])) for x in doc[part]] for part in ("tuning", "heldout"))  # type: ignore[return-value]


def best_rows(sims: np.ndarray, n: int) -> np.ndarray:
    """The n rows of highest similarity, highest first (ties to the lower row)."""
    n = min(n, len(sims))
    idx = np.argpartition(-sims, n - 1)[:n]
    return idx[np.lexsort((idx, -sims[idx]))]


def analogy_ranks(m: np.ndarray, words: list[str], analogies: list[tuple[str, list[str]]], row_of, by_lower, counts, k: int = 5) -> list[tuple[str, list[str], list[str] | None]]:
    """3CosAdd as `lm-lens neighbours "b - a + c"` answers: the rows of b and c added and a's subtracted
    as they are (so unit rows weigh the words equally), cosine to every row, the query's words left out
    in every case. [(category, analogy, the k nearest words or None when a word is not in the index)]"""
    u = unit(m)
    lower = [w.lower() for w in words]
    out = []
    for cat, (a, b, c, d) in analogies:
        rows = [resolve(w, row_of, by_lower, counts) for w in (a, b, c, d)]
        if any(r is None for r in rows):
            out.append((cat, [a, b, c, d], None))
            continue
        ra, rb, rc, _ = rows
        sims = u @ (m[rb] - m[ra] + m[rc])
        left_out = {lower[r] for r in (ra, rb, rc)}
        near = []
        for n in (k + 32, len(sims)):
            near = [words[i] for i in best_rows(sims, n) if lower[i] not in left_out][:k]
            if len(near) == k:
                break
        out.append((cat, [a, b, c, d], near))
    return out


def analogy_counts(ranks) -> dict:
    """{queries, found, top1, top5, byCategory: {category: [top1, top5, found]}}"""
    top1 = top5 = found = 0
    cats: dict[str, list[int]] = {}
    for cat, (_, _, _, d), near in ranks:
        cc = cats.setdefault(cat, [0, 0, 0])
        if near is None:
            continue
        found += 1
        cc[2] += 1
        low = [w.lower() for w in near]
        d = d.lower()
        if low[:1] == [d]:
            top1 += 1
            cc[0] += 1
        if d in low[:5]:
            top5 += 1
            cc[1] += 1
    return {"queries": len(ranks), "found": found, "top1": top1, "top5": top5, "byCategory": cats}


def quantise(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row symmetric int8: scale = max |x| / 127."""
    peak = np.abs(m).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(m / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def group_hits(m: np.ndarray, words: list[str], queries, row_of, by_lower, counts, k: int = K) -> tuple[int, int]:
    """score's (hits, found), every query in one product."""
    u = unit(m)
    lower = [w.lower() for w in words]
    rows, mates = [], []
    for q, ms in queries:
        r = resolve(q, row_of, by_lower, counts)
        if r is not None:
            rows.append(r)
            mates.append(ms)
    if not rows:
        return 0, 0
    sims = u @ u[rows].T
    hits = 0
    for j, r in enumerate(rows):
        near = []
        for n in (k + 32, len(sims)):
            near = [lower[i] for i in best_rows(sims[:, j], n) if lower[i] != lower[r]][:k]
            if len(near) == k:
                break
        hits += any(w in mates[j] for w in near)
    return hits, len(rows)


def macro_top5(counts: dict) -> float:
    """Analogy top-5 share per category, averaged over the categories (each weighs the same)."""
    cats = [c for c in counts["byCategory"].values() if c[2] > 0]
    return sum(c[1] / c[2] for c in cats) / len(cats) if cats else 0.0


def candidates(n_layers: int, drops: tuple[int, ...]) -> list[dict]:
    """Every space the recipe chooses from: before and last at each layer, and concat of "before" and
    "last" at the same layer or neighbouring ones (not the input layer 0); uncentred, centred, and centred
    less the top principal directions."""
    out = []
    for v in VARIANTS:
        pairs = [(l, l) for l in range(n_layers)] if v != "concat" else [(lb, l) for l in range(1, n_layers) for lb in range(1, n_layers) if abs(lb - l) <= 1]
        for before_layer, layer in pairs:
            for centred, drop in [(False, 0)] + [(True, d) for d in drops]:
                out.append({"variant": v, "layer": layer, "beforeLayer": before_layer, "centred": centred, "drop": drop})
    return out


def space_name(r: dict) -> str:
    layer = f"{r['beforeLayer']}+{r['layer']}" if r["variant"] == "concat" else str(r["layer"])
    return f"{r['variant']} {layer}{', centred' if r['centred'] else ''}{(', top ' + str(r['drop']) + ' removed') if r['drop'] else ''}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True, help="a checkpoint with 'config' and 'model' (train.py)")
    ap.add_argument("--model-dir", required=True, help="the model folder: tokenizer.json, words.txt in; pooled.json, pooled.bin out")
    ap.add_argument("--tokens-dir", help="encoded training tokens: *.bin, uint16 little-endian (encode.mjs); not needed with --from-sums")
    ap.add_argument("--tokens", type=int, default=3_000_000, help="training tokens to read")
    ap.add_argument("--groups", default=os.path.join(HERE, "word_groups.json"))
    ap.add_argument("--analogies", default=os.path.join(HERE, "analogies.json"))
    ap.add_argument("--drops", default="0,1,2,3", help="numbers of top principal directions to try removing from the centred rows")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--max-mb", type=float, default=9.0, help="largest pooled.bin, in MB (10^6 bytes)")
    ap.add_argument("--batch", type=int, default=8, help="windows per forward pass")
    ap.add_argument("--window", type=int, default=512, help="tokens per window (at most the model's n_positions)")
    ap.add_argument("--sums", help="also save the pooled sums here (.npz), for analogies.py or --from-sums")
    ap.add_argument("--from-sums", help="read the pooled sums saved by --sums from this checkpoint instead of pooling again")
    ap.add_argument("--only", default="", help="choose among the candidate spaces whose name starts with one of these (comma separated, e.g. \"concat 4+3,concat 3+3\"): a quicker run; the default is every candidate")
    ap.add_argument("--show", default="tuesday,father,function,zenith,apex,queen", help="words whose neighbours to print")
    args = ap.parse_args()
    t_start = time.time()

    ck = torch.load(args.checkpoint, map_location="cpu")
    model = GPT(GPTConfig(**ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    with open(os.path.join(args.model_dir, "tokenizer.json"), encoding="utf-8") as fh:
        tok_text = fh.read()
    tokenizer = json.loads(tok_text)
    words = read_words(os.path.join(args.model_dir, "words.txt"))
    index = {w: i for i, w in enumerate(words)}
    if args.from_sums:
        p, tokens_read = load_sums(args.from_sums)
        if p.count.shape[0] != len(words) or len(p.before) != model.cfg.n_layer + 1 or p.before[0].shape[1] != model.cfg.n_embd:
            raise SystemExit(f"pooled: {args.from_sums} holds sums for another word list or model")
        pool_s = 0.0
        print(f"pooled: {args.from_sums}: sums over {tokens_read:,} tokens", flush=True)
    else:
        if not args.tokens_dir:
            ap.error("--tokens-dir is needed (or --from-sums)")
        # the token files must be the model's own ids: encode.mjs runs with the tokenizer beside tokens/
        beside = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.tokens_dir))), "tokenizer.json")
        if os.path.exists(beside):
            with open(beside, encoding="utf-8") as fh:
                if hashlib.sha256(fh.read().encode()).digest() != hashlib.sha256(tok_text.encode()).digest():
                    raise SystemExit(f"pooled: {args.tokens_dir} was encoded with {beside}, which is not {args.model_dir}/tokenizer.json")
        tb = token_bytes(tokenizer)
        length = min(args.window, model.cfg.n_positions)
        wins = windows(args.tokens_dir, args.tokens, length)
        tokens_read = sum(len(w) for w in wins)
        print(f"pooled: {len(words):,} words, {len(wins):,} windows of {length} = {tokens_read:,} tokens from {args.tokens_dir}", flush=True)
        torch.manual_seed(0)
        t0 = time.time()
        p = pool(model, wins, tb, index, args.batch)
        pool_s = time.time() - t0
        if args.sums:
            save_sums(args.sums, p, tokens_read, pool_s)
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
    a_tuning, a_heldout = analogy_sets(args.analogies)

    # choose on the tuning members and tuning analogies only: analogy top-5 per category (averaged over the
    # categories) plus the share of tuning group queries with a group mate among their K nearest
    drops = tuple(int(d) for d in args.drops.split(",") if d.strip())
    table = []
    cache: dict = {}
    print(f"\npooled: tuning group queries with a mate among their {K} nearest (of {len(tuning)}), tuning analogies top-1/top-5 (of {len(a_tuning)}), score", flush=True)
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    for cand in candidates(model.cfg.n_layer + 1, drops):
        if only and not any(space_name(cand).startswith(o) for o in only):
            continue
        m = variant_matrix(p, keep, cand["layer"], cand["variant"], cand["centred"], cand["drop"], True, cand["beforeLayer"], cache)
        hits, found = group_hits(m, kept_words, tuning, row_of, by_lower, counts)
        an = analogy_counts(analogy_ranks(m, kept_words, a_tuning, row_of, by_lower, counts))
        row = {**cand, "hits": hits, "found": found, "analogyTop1": an["top1"], "analogyTop5": an["top5"], "analogyFound": an["found"],
               "score": round(macro_top5(an) + (hits / found if found else 0.0), 4)}
        table.append(row)
        print(f"  {space_name(row):<42} {hits:>3}  {an['top1']:>3}/{an['top5']:<3}  {row['score']:.3f}", flush=True)
    # best score; ties to fewer dimensions, then fewer directions removed, then the order above
    best = max(table, key=lambda r: (r["score"], r["variant"] != "concat", -r["drop"]))
    chosen = variant_matrix(p, keep, best["layer"], best["variant"], best["centred"], best["drop"], True, best["beforeLayer"], cache)
    cache.clear()
    print(f"pooled: chosen {space_name(best)}: {best['hits']}/{best['found']} tuning group queries, analogies {best['analogyTop1']}/{best['analogyTop5']} of {best['analogyFound']}, score {best['score']}")

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
    analogy = {"k": 5, "method": "3CosAdd: b - a + c, cosine, the query's words left out in every case"}
    for part, an in (("tuning", a_tuning), ("heldout", a_heldout)):
        ranks = analogy_ranks(dequant, kept_words, an, row_of, by_lower, counts)
        n = analogy_counts(ranks)
        sn = analogy_counts(analogy_ranks(unit(static), kept_words, an, row_of, by_lower, counts))
        analogy[part] = {"queries": n["queries"], "found": n["found"], "top1": n["top1"], "top5": n["top5"], "byCategory": n["byCategory"],
                         "static": {"found": sn["found"], "top1": sn["top1"], "top5": sn["top5"]}}
        print(f"pooled: {part} analogies: top-1 {n['top1']}, top-5 {n['top5']} of {n['queries']} ({n['found']} with every word in the index); static rows {sn['top1']}/{sn['top5']}")
        if part == "heldout":
            for _, (a, b, c, d), near in ranks:
                ok = near is not None and d.lower() in [w.lower() for w in near]
                print(f"  {'+' if ok else '-'} {b} - {a} + {c} = {d}: {', '.join(near or ['(not in the index)'])}")
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
        **({"beforeLayer": best["beforeLayer"]} if best["variant"] == "concat" else {}),
        "variant": best["variant"],
        "centred": best["centred"],
        "dropTop": best["drop"],
        "unitRows": True,
        "nLayer": model.cfg.n_layer,
        "scale": "row",
        "scaleNote": "pooled.bin: int8 [count, dims] row-major, then float32 little-endian [count]; value = int8 * scale of its row",
        "tokensRead": tokens_read,
        "minCount": args.min_count,
        "checkpointTokensSeen": int(ck.get("tokens_seen", 0)),
        "tuning": {"k": K, "queries": len(tuning), "analogies": len(a_tuning), "score": "analogy top-5 share per category, averaged, plus the share of group queries", "table": table},
        "heldout": {"k": K, "queries": len(heldout), "pooled": h_hits, "static": s_hits},
        "analogies": analogy,
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
