"""Whole words of the training corpus, for the neighbours view's word index.

A vocabulary entry such as " benef" is a leading space and letters, yet not a word: it only ever starts
longer words. The index keeps a vocabulary entry only when the training text uses it as a whole word
often enough, which this list records: one "word<TAB>count" line per word seen at least --min-count
times standalone (not inside a longer word, not part of a contraction), most frequent first.
"""
import argparse
import collections
import os
import re

WORD = re.compile(r"(?<![A-Za-z'])[A-Za-z]+(?![A-Za-z'])")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", required=True, help="folder with train/*.txt")
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-count", type=int, default=5)
    args = ap.parse_args()
    counts: collections.Counter = collections.Counter()
    for source in ("brown", "docs"):
        path = os.path.join(args.corpus, "train", f"{source}.txt")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                counts.update(WORD.findall(fh.read()))
    words = [(w, c) for w, c in counts.most_common() if c >= args.min_count]
    with open(args.out, "w", encoding="utf-8") as fh:
        for w, c in words:
            fh.write(f"{w}\t{c}\n")
    print(f"wordlist: {len(words):,} words seen at least {args.min_count} times -> {args.out}")


if __name__ == "__main__":
    main()
