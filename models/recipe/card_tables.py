"""Markdown tables for the model card from a checkpoint: every run, and every held-out evaluation.

  python3 models/recipe/card_tables.py models/recipe/checkpoints/lm-lens-5m.pt

All numbers are training's own evaluations (the first 40 windows of 256 tokens of each held-out file),
so every run is measured on the same split.
"""
from __future__ import annotations

import sys

import torch

OLD = ["brown", "docs", "code"]


def main() -> None:
    ck = torch.load(sys.argv[1], map_location="cpu")
    history, runs = ck["history"], ck.get("runs", [])
    new = [s for s in (history[-1]["heldout"] if history else {}) if s not in OLD]
    print("| run | optimiser | schedule | steps | tokens | seconds | tokens/s | brown | docs | code |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        h = r.get("heldout") or {}
        print(f"| {r['run']} | {r['optimizer']} | {r['schedule']} | {r['steps']:,} | {r['tokens'] / 1e6:.1f} M | {r['seconds']:,} | "
              f"{r['tokens'] / max(r['seconds'], 1):,.0f} | " + " | ".join(f"{h[s]:.3f}" if s in h else "" for s in OLD) + " |")
    print()
    print(f"| run | step | tokens | brown | docs | code | the {len(new)} newer files, mean |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for h in history:
        ev = h["heldout"]
        mark = " (end)" if "train_loss" not in h else ""
        mean = sum(ev[s] for s in new) / len(new) if new and all(s in ev for s in new) else None
        print(f"| {h.get('run', run_of(h, runs))} | {h['step']}{mark} | {h['tokens_seen'] / 1e6:.1f} M | "
              + " | ".join(f"{ev[s]:.3f}" for s in OLD) + f" | {'' if mean is None else f'{mean:.3f}'} |")


def run_of(h: dict, runs: list[dict]) -> int:
    """Runs before issue 20 did not tag their evaluations: the first run whose end is at or after it."""
    for r in runs:
        if h["step"] <= r["end_step"]:
            return r["run"]
    return len(runs)

if __name__ == "__main__":
    main()
