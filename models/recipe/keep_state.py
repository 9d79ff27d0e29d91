"""Keep a run's training without shipping its weights: a checkpoint whose exported weights ("model") are the
shipped checkpoint's, byte for byte, and whose constant-rate state ("resume": weights and both optimisers'
states), held-out curve ("history") and runs ("runs") are the new run's. `train.sh --resume` then continues
from where the new run's constant rate ended, so that training accumulates from run to run even when a
run's cooled weights are not shipped, while the shipped model, its card and every test stay as they are.

  python3 models/recipe/keep_state.py --shipped models/recipe/checkpoints/lm-lens-5m.pt \\
      --run models/recipe/.cache/work/ckpt.pt --out models/recipe/checkpoints/lm-lens-5m.pt [--why TEXT]
"""
from __future__ import annotations

import argparse
import os

import torch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shipped", required=True, help="the checkpoint whose cooled weights are shipped")
    ap.add_argument("--run", required=True, help="the new run's checkpoint (train.py --out)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--why", default="its cooled weights were not shipped", help="the note on the new run's entry")
    ap.add_argument("--number", type=int, help="the new run's number, where the card counts runs the checkpoint never held (train.py numbers it one past the checkpoint's last)")
    args = ap.parse_args()
    shipped = torch.load(args.shipped, map_location="cpu")
    run = torch.load(args.run, map_location="cpu")
    if shipped["config"] != run["config"]:
        raise SystemExit(f"keep_state.py: {args.run} has another model shape than {args.shipped}: {run['config']} against {shipped['config']}")
    if run.get("resume") is None:
        raise SystemExit(f"keep_state.py: {args.run} holds no constant-rate state to continue from")
    runs = [dict(r) for r in run["runs"]]
    history = [dict(h) for h in run["history"]]
    resume = dict(run["resume"])
    if args.number is not None:
        was = runs[-1]["run"]
        if any(r["run"] >= args.number for r in runs[:-1]):
            raise SystemExit(f"keep_state.py: --number {args.number} is not past the checkpoint's earlier runs")
        runs[-1]["run"] = args.number
        resume["run"] = args.number
        # the new run's evaluations are the last ones, after the shipped checkpoint's
        for h in history[len(shipped["history"]):]:
            if h.get("run") == was:
                h["run"] = args.number
    runs[-1]["shipped"] = False
    runs[-1]["note"] = args.why
    # the shipped weights' lineage: which run they are, and where their own numbers were counted
    shipped_run = shipped.get("shipped_run") or shipped["runs"][-1]["run"]
    out = {
        "config": run["config"],
        "model": shipped["model"],
        "shipped_run": shipped_run,
        # step, tokens and seconds describe the weights exported ("model": export.py writes them into
        # config.json); the time spent on every run, kept ones included, is train_seconds_all
        "step": shipped["step"],
        "tokens_seen": shipped["tokens_seen"],
        "train_seconds": shipped["train_seconds"],
        "train_seconds_all": run.get("train_seconds_all", run["train_seconds"]),
        "history": history,
        "runs": runs,
        "resume": resume,
    }
    tmp = args.out + ".tmp"
    torch.save(out, tmp)
    os.replace(tmp, args.out)
    r = resume
    print(f"keep_state: {args.out}: shipped weights of run {shipped_run}; continues from run {runs[-1]['run']}'s constant-rate state (step {r['step']:,}, {r['tokens_seen']:,} tokens)")


if __name__ == "__main__":
    main()
