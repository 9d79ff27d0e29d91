"""Held-out cross-entropy of checkpoints side by side, on more of the held-out split than training's
quick evaluations (--windows consecutive windows of 256 tokens from the start of each held-out file).

  python3 models/recipe/compare.py --tokens models/recipe/.cache/work/tokens OLD.pt NEW.pt [--json OUT]

Each checkpoint's "model" weights (the cooled, shipped ones) are scored; the table is markdown.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import GPT, GPTConfig  # noqa: E402
from train import evaluate, load_split  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--windows", type=int, default=200)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--json")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    heldout = load_split(args.tokens, "heldout")
    results = {}
    for path in args.checkpoints:
        ck = torch.load(path, map_location="cpu")
        model = GPT(GPTConfig(**ck["config"]))
        model.load_state_dict(ck["model"])
        results[path] = {"step": ck.get("step"), "tokens_seen": ck.get("tokens_seen"),
                         "heldout": {s: round(evaluate(model, a, args.block, args.windows), 4) for s, a in heldout.items()}}
        print(f"compare: {path} done", file=sys.stderr, flush=True)
    windows = {s: min(args.windows, (len(a) - 1) // args.block) for s, a in heldout.items()}
    print("| source | windows | " + " | ".join(os.path.basename(p) for p in args.checkpoints) + " |")
    print("|---|---:|" + "---:|" * len(args.checkpoints))
    for s in heldout:
        print(f"| {s} | {windows[s]} | " + " | ".join(f"{results[p]['heldout'][s]:.3f}" for p in args.checkpoints) + " |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"windows": windows, "block": args.block, "results": results}, fh, indent=2)


if __name__ == "__main__":
    main()
