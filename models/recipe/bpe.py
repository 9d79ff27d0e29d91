"""Train a byte-level BPE tokenizer (GPT-2 pre-tokenization) and save it as a Hugging Face tokenizer.json.

No Debian package provides Hugging Face `tokenizers` for Python, so the merges are learned here with the
classic algorithm (Sennrich et al. 2016 over GPT-2's byte alphabet): count pre-tokenized words, then merge
the most frequent adjacent pair again and again, keeping pair counts up to date incrementally. The file we
write is read at run time by @huggingface/tokenizers, and the corpus is encoded by that same library
(encode.mjs), so training and inference split text identically.
"""
from __future__ import annotations

import argparse
import collections
import heapq
import json
import os

import regex

GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
EOT = "<|endoftext|>"


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def count_words(paths: list[str]) -> collections.Counter:
    b2u = bytes_to_unicode()
    counts: collections.Counter = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        for doc in text.split("\n\x1e\n"):
            for piece in GPT2_PATTERN.findall(doc):
                counts["".join(b2u[b] for b in piece.encode("utf-8"))] += 1
    return counts


def train(counts: collections.Counter, vocab_size: int, min_frequency: int = 2) -> tuple[list[str], list[tuple[str, str]]]:
    b2u = bytes_to_unicode()
    alphabet = [b2u[b] for b in range(256)]
    words = [list(w) for w in counts]
    freqs = list(counts.values())
    pair_counts: collections.Counter = collections.Counter()
    where: dict[tuple[str, str], set[int]] = collections.defaultdict(set)
    for i, (w, f) in enumerate(zip(words, freqs)):
        for a, b in zip(w, w[1:]):
            pair_counts[(a, b)] += f
            where[(a, b)].add(i)
    # max-heap with lazy deletion; ties broken by the pair itself so the result is deterministic
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    merges: list[tuple[str, str]] = []
    n_special = 1
    target = vocab_size - len(alphabet) - n_special
    while len(merges) < target and heap:
        neg, pair = heapq.heappop(heap)
        current = pair_counts.get(pair, 0)
        if current != -neg:
            if current > 0:
                heapq.heappush(heap, (-current, pair))
            continue
        if current < min_frequency:
            break
        merges.append(pair)
        a, b = pair
        merged = a + b
        changed: collections.Counter = collections.Counter()
        for i in list(where[pair]):
            w = words[i]
            f = freqs[i]
            j = 0
            new: list[str] = []
            while j < len(w):
                if j < len(w) - 1 and w[j] == a and w[j + 1] == b:
                    new.append(merged)
                    j += 2
                else:
                    new.append(w[j])
                    j += 1
            for x, y in zip(w, w[1:]):
                changed[(x, y)] -= f
            for x, y in zip(new, new[1:]):
                changed[(x, y)] += f
                where[(x, y)].add(i)
            words[i] = new
        del where[pair]
        for p, d in changed.items():
            if d == 0:
                continue
            pair_counts[p] += d
            if pair_counts[p] <= 0:
                del pair_counts[p]
            else:
                heapq.heappush(heap, (-pair_counts[p], p))
        pair_counts.pop(pair, None)
    vocab = [EOT] + alphabet + [a + b for a, b in merges]
    return vocab, merges


def tokenizer_json(vocab: list[str], merges: list[tuple[str, str]]) -> dict:
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": 0, "content": EOT, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {tok: i for i, tok in enumerate(vocab)},
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", required=True, help="folder with train/*.txt")
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--out", required=True, help="path of tokenizer.json to write")
    args = ap.parse_args()
    train_dir = os.path.join(args.corpus, "train")
    paths = sorted(os.path.join(train_dir, f) for f in os.listdir(train_dir) if f.endswith(".txt"))
    counts = count_words(paths)
    print(f"bpe: {sum(counts.values()):,} pre-tokens, {len(counts):,} distinct")
    vocab, merges = train(counts, args.vocab_size)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(tokenizer_json(vocab, merges), fh, ensure_ascii=False)
    print(f"bpe: vocabulary {len(vocab)} ({len(merges)} merges) -> {args.out}")


if __name__ == "__main__":
    main()
