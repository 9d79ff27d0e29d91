"""Train the LM Lens model on the encoded corpus (CPU, PyTorch).

Batches are windows of block_size + 1 tokens drawn from the training split of each source with fixed
weights (prose first: the extension mostly completes English). The learning rate warms up and then
follows a cosine to a tenth of its peak; progress is max(step / max_steps, elapsed / time_budget), so a
run on a slower or busier machine still ends with a fully decayed learning rate inside its time budget.

--resume starts from a checkpoint (weights and the number of tokens already seen) and trains further
with a fresh optimiser and a short warm-up; the shipped checkpoint is models/recipe/checkpoints/NAME.pt.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import GPT, GPTConfig  # noqa: E402

WEIGHTS = {"brown": 0.5, "docs": 0.3, "code": 0.2}


def load_split(tokens_dir: str, split: str) -> dict[str, np.ndarray]:
    out = {}
    for source in WEIGHTS:
        path = os.path.join(tokens_dir, split, f"{source}.bin")
        if os.path.exists(path):
            out[source] = np.fromfile(path, dtype=np.uint16).astype(np.int64)
    return out


def batch(data: dict[str, np.ndarray], rng: random.Random, batch_size: int, block: int, n_positions: int, shift_p: float):
    """Windows of block + 1 tokens. With probability shift_p a window's positions start past 0, so that
    positions beyond the training block are learned too (windows start mid-document anyway)."""
    sources = list(data)
    weights = [WEIGHTS[s] for s in sources]
    rows, positions = [], []
    for _ in range(batch_size):
        arr = data[rng.choices(sources, weights)[0]]
        start = rng.randrange(0, len(arr) - block - 1)
        rows.append(arr[start : start + block + 1])
        offset = rng.randrange(1, n_positions - block + 1) if block < n_positions and rng.random() < shift_p else 0
        positions.append(np.arange(offset, offset + block))
    t = torch.from_numpy(np.stack(rows))
    return t[:, :-1], t[:, 1:], torch.from_numpy(np.stack(positions))


@torch.no_grad()
def evaluate(model: GPT, arr: np.ndarray, block: int, max_windows: int) -> float:
    """Mean token cross-entropy over consecutive non-overlapping windows from the start of arr."""
    model.eval()
    total, count = 0.0, 0
    n = min(max_windows, (len(arr) - 1) // block)
    for i in range(n):
        chunk = torch.from_numpy(arr[i * block : i * block + block + 1]).unsqueeze(0)
        logits, _ = model(chunk[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), chunk[:, 1:].reshape(-1), reduction="sum")
        total += loss.item()
        count += block
    model.train()
    return total / max(count, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", required=True, help="folder written by encode.mjs")
    ap.add_argument("--out", required=True, help="checkpoint path to write")
    ap.add_argument("--resume", help="checkpoint to start from")
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--n-embd", type=int, default=256)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-positions", type=int, default=512)
    ap.add_argument("--block", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--long-block", type=int, default=512, help="block size for the last --long-frac of training")
    ap.add_argument("--long-frac", type=float, default=0.1)
    ap.add_argument("--shift-p", type=float, default=0.25)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--warmup", type=int, default=150)
    ap.add_argument("--max-steps", type=int, default=2600)
    ap.add_argument("--time-budget-min", type=float, default=115.0)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--eval-windows", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train = load_split(args.tokens, "train")
    heldout = load_split(args.tokens, "heldout")
    tokens_seen = 0
    prior_seconds = 0.0
    prior_steps = 0
    history = []
    if args.resume:
        ck = torch.load(args.resume, map_location="cpu")
        cfg = GPTConfig(**ck["config"])
        cfg.dropout = args.dropout
        model = GPT(cfg)
        model.load_state_dict(ck["model"])
        tokens_seen = ck.get("tokens_seen", 0)
        prior_seconds = ck.get("train_seconds", 0.0)
        prior_steps = ck.get("step", 0)
        history = list(ck.get("history", []))
        print(f"train: resumed from {args.resume} ({prior_steps:,} steps, {tokens_seen:,} tokens seen)")
    else:
        cfg = GPTConfig(vocab_size=args.vocab_size, n_positions=args.n_positions, n_embd=args.n_embd,
                        n_layer=args.n_layer, n_head=args.n_head, dropout=args.dropout)
        model = GPT(cfg)
    print(f"train: {model.num_parameters():,} parameters, config {json.dumps(cfg.to_dict())}")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 or "wpe" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    budget = args.time_budget_min * 60
    start = time.time()
    last_log = start

    def save(step: int, final: bool) -> None:
        tmp = args.out + ".tmp"
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        torch.save({"config": cfg.to_dict(), "model": model.state_dict(), "step": prior_steps + step, "tokens_seen": tokens_seen,
                    "train_seconds": prior_seconds + time.time() - start, "history": history, "final": final}, tmp)
        os.replace(tmp, args.out)

    step = 0
    while True:
        elapsed = time.time() - start
        progress = max(step / args.max_steps, elapsed / budget)
        if progress >= 1.0:
            break
        if step < args.warmup:
            lr = args.lr * (step + 1) / args.warmup
        else:
            lr = args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        if progress >= 1.0 - args.long_frac and args.long_block > args.block:
            block, bsz = args.long_block, max(1, args.batch * args.block // args.long_block)
        else:
            block, bsz = args.block, args.batch
        x, y, pos = batch(train, rng, bsz, block, cfg.n_positions, args.shift_p)
        logits, _ = model(x, position_ids=pos)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens_seen += x.numel()
        now = time.time()
        if now - last_log > 30 or step == 1:
            rate = step * x.numel() / (now - start)
            print(f"train: step {step} loss {loss.item():.3f} lr {lr:.2e} {rate:,.0f} tok/s progress {progress:.1%}", flush=True)
            last_log = now
        if step % args.eval_every == 0:
            ev = {s: evaluate(model, a, args.block, args.eval_windows) for s, a in heldout.items()}
            history.append({"step": prior_steps + step, "tokens_seen": tokens_seen, "seconds": round(prior_seconds + now - start), "train_loss": loss.item(), "heldout": ev})
            print(f"eval: step {step} " + " ".join(f"{s} {v:.3f}" for s, v in ev.items()), flush=True)
            save(step, False)
    ev = {s: evaluate(model, a, args.block, args.eval_windows) for s, a in heldout.items()}
    history.append({"step": prior_steps + step, "tokens_seen": tokens_seen, "seconds": round(prior_seconds + time.time() - start), "heldout": ev})
    print(f"eval: final step {step} " + " ".join(f"{s} {v:.3f}" for s, v in ev.items()), flush=True)
    save(step, True)
    print(f"train: done, {step} steps, {tokens_seen:,} tokens, {time.time() - start:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
