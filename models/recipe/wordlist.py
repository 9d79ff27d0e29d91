"""Whole words of the training corpus, for the neighbours view's word index.

A vocabulary entry such as " benef" or " con" is a leading space and letters, yet mostly not a word: it
usually starts longer words. This list records, for each word seen at least --min-count times
standalone (not inside a longer word, not part of a contraction), one line "word<TAB>count<TAB>share",
most frequent first, where share = its standalone count / the count of all words that start with it
("con": 135 / (con + contain + continue + ...)). The neighbours index keeps vocabulary entries whose
share is high enough; the suggestion engine's lexicon uses every word.
"""
import argparse
import collections
import os
import bisect
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
    # counts of all words that start with a given string, through a sorted list and prefix sums
    keys = sorted(counts)
    sums = [0]
    for k in keys:
        sums.append(sums[-1] + counts[k])
    def starting_with(w: str) -> int:
        lo = bisect.bisect_left(keys, w)
        hi = bisect.bisect_left(keys, w + "\U0010ffff")
        return sums[hi] - sums[lo]
    with open(args.out, "w", encoding="utf-8") as fh:
        for w, c in words:
            fh.write(f"{w}\t{c}\t{c / starting_with(w):.3f}\n")
    print(f"wordlist: {len(words):,} words seen at least {args.min_count} times -> {args.out}")


if __name__ == "__main__":
    main()
