"""Word analogies and word groups for every candidate pooled space: the table that chose pooled.py's recipe.

Reads pooled sums saved by `pooled.py --sums FILE` (the pooling is the slow part; this is seconds per
space) and, for each space, scores
  analogies   3CosAdd top-1 and top-5 on the tuning and held-out analogies of analogies.json, as
              `lm-lens neighbours "b - a + c"` searches (rows added as they are, cosine, the query's
              words left out in every case); with the rows as pooled, and scaled to unit length
  groups      tuning and held-out queries of word_groups.json with a group mate among their 10 nearest
and the choice pooled.py makes: the most tuning hits (analogy top-5 per category, averaged over the
categories, plus the share of tuning group queries). Held-out figures are printed for the record only.

Spaces: static (the mean input-embedding row of the word's tokens), and pooled.py's candidates:
hidden_states.0..n_layer x before / last, concat of before and last at the same or neighbouring layers
("concat 4+3": before at 4, last at 3), x uncentred, centred, centred with the top 1..3 principal
directions removed ("all-but-the-top", Mu and Viswanath 2018).

  nice -n 10 env OMP_NUM_THREADS=1 /usr/bin/python3 models/recipe/analogies.py --sums models/recipe/.cache/pooled-sums.npz \\
      --model-dir models/lm-lens-5m [--markdown]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pooled as P  # noqa: E402

DROPS = (0, 1, 2, 3)


def through_cli(args) -> None:
    """The figures a user gets: each analogy as `lm-lens neighbours --json --k 5 "b - a + c"`."""
    cli = os.path.join(os.path.dirname(os.path.dirname(HERE)), "dist", "cli.js")
    for part, an in zip(("tuning", "held out"), P.analogy_sets(args.analogies)):
        if args.heldout_only and part == "tuning":
            continue
        ranks = []
        for cat, (a, b, c, d) in an:
            r = subprocess.run(["node", cli, "neighbours", "--json", "--k", "5", "--model", args.model_dir, f"{b} - {a} + {c}"], capture_output=True, text=True)
            if r.returncode != 0:
                if "is not in the pooled word index" not in r.stderr:
                    raise SystemExit(r.stderr)
                ranks.append((cat, [a, b, c, d], None))
                continue
            ranks.append((cat, [a, b, c, d], [n["word"] for n in json.loads(r.stdout)["neighbours"]]))
        n = P.analogy_counts(ranks)
        print(f"analogies through the CLI, {part}: top-1 {n['top1']}, top-5 {n['top5']} of {n['queries']} ({n['found']} with every word in the index); {n['byCategory']}")
        for cat, (a, b, c, d), near in ranks:
            ok = near is not None and d.lower() in [w.lower() for w in near]
            print(f"  {'+' if ok else '-'} {b} - {a} + {c} = {d}: {', '.join(near or ['(not in the index)'])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sums", help="pooled sums saved by pooled.py --sums")
    ap.add_argument("--cli", action="store_true", help="instead: ask `node dist/cli.js neighbours --k 5` (npm run build first) in --model-dir's default space, "
                    "and print each analogy and the counts")
    ap.add_argument("--model-dir", required=True, help="the model folder (words.txt)")
    ap.add_argument("--analogies", default=os.path.join(HERE, "analogies.json"))
    ap.add_argument("--groups", default=os.path.join(HERE, "word_groups.json"))
    ap.add_argument("--heldout-only", action="store_true", help="with --cli: the 30 held-out analogies only")
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--layers", default="", help="only these layers (comma separated)")
    ap.add_argument("--markdown", action="store_true", help="print the table as markdown")
    ap.add_argument("--details", default="", help="a space to print every held-out analogy of, as its name is printed, e.g. \"concat 4+3, centred\"")
    args = ap.parse_args()
    if args.cli:
        return through_cli(args)
    if not args.sums:
        ap.error("--sums is needed (or --cli)")

    p, tokens = P.load_sums(args.sums)
    words = P.read_words(os.path.join(args.model_dir, "words.txt"))
    keep = np.flatnonzero(p.count.numpy() >= args.min_count)
    kw = [words[i] for i in keep]
    counts = p.count.numpy()[keep]
    row_of = {w: i for i, w in enumerate(kw)}
    by_lower: dict[str, list[int]] = {}
    for i, w in enumerate(kw):
        by_lower.setdefault(w.lower(), []).append(i)
    with open(args.groups, encoding="utf-8") as fh:
        g_tun, g_held = P.group_queries(json.load(fh)["groups"])
    a_tun, a_held = P.analogy_sets(args.analogies)
    print(f"analogies: {tokens:,} tokens, {len(kw):,} words seen at least {args.min_count} times; "
          f"{len(a_tun)} tuning and {len(a_held)} held-out analogies, {len(g_tun)} tuning and {len(g_held)} held-out group queries", flush=True)

    spaces = [("static", lambda: p.static.numpy()[keep] / counts[:, None])]
    layers = {int(x) for x in args.layers.split(",")} if args.layers else set(range(len(p.before)))
    cache: dict = {}
    for cand in P.candidates(len(p.before), DROPS):
        if cand["layer"] in layers and cand["beforeLayer"] in layers:
            spaces.append((P.space_name(cand), lambda cand=cand: P.variant_matrix(p, keep, cand["layer"], cand["variant"], cand["centred"], cand["drop"], False, cand["beforeLayer"], cache)))

    rows = []
    head = f"{'space':<42} {'tun raw 1/5':>12} {'tun unit 1/5':>13} {'groups tun':>10} {'score':>6} | {'held raw 1/5':>12} {'held unit 1/5':>13} {'groups held':>11}"
    print(head, flush=True)
    for name, make in spaces:
        m = make()
        gt, gtf = P.group_hits(m, kw, g_tun, row_of, by_lower, counts)
        gh, ghf = P.group_hits(m, kw, g_held, row_of, by_lower, counts)
        cells = {}
        for norm in ("raw", "unit"):
            mm = P.unit(m) if norm == "unit" else m
            for part, an in (("tun", a_tun), ("held", a_held)):
                cells[part, norm] = P.analogy_counts(P.analogy_ranks(mm, kw, an, row_of, by_lower, counts))
        score = P.macro_top5(cells["tun", "unit"]) + gt / gtf
        r = {"space": name, "cells": cells, "groups": (gt, gtf, gh, ghf), "score": score}
        rows.append(r)
        f = lambda c: f"{c['top1']:>3}/{c['top5']:<3}"  # noqa: E731
        print(f"{name:<42} {f(cells['tun', 'raw']):>12} {f(cells['tun', 'unit']):>13} {gt:>4}/{gtf:<5} {score:>6.3f} | "
              f"{f(cells['held', 'raw']):>12} {f(cells['held', 'unit']):>13} {gh:>5}/{ghf:<5}", flush=True)
        if args.details and name == args.details:
            mm = P.unit(m)
            for part, an in (("tuning", a_tun), ("held out", a_held)):
                ranks = P.analogy_ranks(mm, kw, an, row_of, by_lower, counts)
                print(f"  {part}: {P.analogy_counts(ranks)['byCategory']}")
                if part == "held out":
                    for cat, (a, b, c, d), near in ranks:
                        ok = near is not None and d.lower() in [w.lower() for w in near]
                        print(f"  {'+' if ok else '-'} {b} - {a} + {c} = {d}: {', '.join(near or ['(not in the index)'])}")
    best = max(rows, key=lambda r: r["score"])
    print(f"\nanalogies: best on tuning: {best['space']} (score {best['score']:.3f})")
    if args.markdown:
        print("\n| space | tuning top-1 / top-5 (of %d) | held-out top-1 / top-5 (of %d) | groups tuning (of %d) | groups held out (of %d) |" % (
            rows[0]["cells"]["tun", "unit"]["found"], rows[0]["cells"]["held", "unit"]["found"], rows[0]["groups"][1], rows[0]["groups"][3]))
        print("|---|---|---|---|---|")
        for r in rows:
            c = r["cells"]
            print(f"| {r['space']} | {c['tun', 'unit']['top1']} / {c['tun', 'unit']['top5']} | {c['held', 'unit']['top1']} / {c['held', 'unit']['top5']} | {r['groups'][0]} | {r['groups'][2]} |")


if __name__ == "__main__":
    main()
