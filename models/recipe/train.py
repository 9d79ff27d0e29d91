"""Train the LM Lens model on the encoded corpus (CPU, PyTorch).

Batches are windows of block_size + 1 tokens drawn from the training split of each source with fixed
weights (WEIGHTS: prose, dictionaries, manuals and code in chosen shares; the model card says why).

Optimiser (--optimizer muon, the default since issue 20): Muon (muon.py) for the 2-D weight matrices
inside the transformer blocks, AdamW for the token embedding (tied to the output layer), the position
embedding, LayerNorm gains and all biases. --optimizer adamw is the earlier recipe's AdamW for everything.

Schedule (warmup, constant, linear decay; Cramming's rule of decaying exactly at the end of the budget):
the rate warms up over --warmup steps, stays constant, and decays linearly to zero over the last
--decay-frac of the run, where progress is max(step / max_steps, elapsed / time_budget) so that a slower
or busier machine still ends cooled inside its budget. When the decay begins, the constant-rate state
(weights and both optimisers' states) is kept, and written into the checkpoint under "resume" beside the
cooled weights ("model", what export.py ships).

--resume CKPT continues from a checkpoint. If it holds a "resume" state, training continues from the
constant-rate weights with their optimiser states (no new warm-up: --resume-warmup, default 0); an
older checkpoint without one starts fresh optimisers from its weights with the full warm-up.
Every evaluation is appended to the checkpoint's "history", and each run to its "runs".
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
from muon import Muon  # noqa: E402

# Share of training windows per source file: prose 40 % (Brown, State of the Union, Bible), dictionaries
# 9 %, documentation 31 % (the first docs corpus and the new manuals), code 20 %. Within a group roughly
# by unique text, with Brown and the first docs corpus kept larger: the extension mostly completes English
# and code, and they are the held-out sets every run compares on. Code keeps its earlier 20 %: no new code
# came with issue 20. (Run 4 started with code 15 %, dictionaries 12 %; see RUN4_WEIGHTS and the card.)
# Issue 29's six manuals (0.56 M training words, 0.98 M tokens) take 3 of documentation's 31 points,
# roughly by size, Bash's manual a little more for what the extension completes: debian-handbook 1,
# tcl-doc 0.8, bash-doc 0.4, debian-policy 0.4, developers-reference 0.25, maint-guide 0.15; the points
# come from linux-doc (5 -> 3.5: driver internals), perl-doc and postgresql-doc (3 -> 2.5 each) and
# sqlite-doc (2.5 -> 2); docs keeps 15 (its python-doc grew by 0.34 M words) and rust-doc 2.5.
WEIGHTS = {
    "brown": 0.25, "sotu": 0.11, "bible": 0.04,
    "wordnet": 0.04, "foldoc": 0.03, "jargon": 0.02,
    "docs": 0.15, "linux-doc": 0.035, "perl-doc": 0.025, "postgresql-doc": 0.025, "sqlite-doc": 0.02, "rust-doc": 0.025,
    "debian-handbook": 0.01, "tcl-doc": 0.008, "bash-doc": 0.004, "debian-policy": 0.004,
    "developers-reference": 0.0025, "maint-guide": 0.0015,
    "code": 0.20,
}
RUN4_WEIGHTS = {
    "brown": 0.22, "sotu": 0.12, "bible": 0.06,
    "wordnet": 0.05, "foldoc": 0.04, "jargon": 0.03,
    "docs": 0.13, "linux-doc": 0.06, "perl-doc": 0.04, "postgresql-doc": 0.035, "sqlite-doc": 0.03, "rust-doc": 0.035,
    "code": 0.15,
}
OLD_WEIGHTS = {"brown": 0.5, "docs": 0.3, "code": 0.2}  # runs 1-3
RUN_SCHEDULES = {1: "warmup 150 steps, cosine from 1.5e-3 to 1.5e-4", 2: "warmup 100 steps, cosine from 8e-4 to 8e-5",
                 3: "warmup 100 steps, cosine from 7e-4 to 7e-5"}  # runs 1-3, before checkpoints kept "runs"


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
def evaluate(model: GPT, arr: np.ndarray, block: int, max_windows: int, chunk: int = 8) -> float:
    """Mean token cross-entropy over consecutive non-overlapping windows from the start of arr
    (the same windows in every run, so runs compare; computed `chunk` windows at a time)."""
    model.eval()
    total, count = 0.0, 0
    n = min(max_windows, (len(arr) - 1) // block)
    for i in range(0, n, chunk):
        k = min(chunk, n - i)
        rows = torch.from_numpy(np.stack([arr[(i + j) * block : (i + j) * block + block + 1] for j in range(k)]))
        logits, _ = model(rows[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), rows[:, 1:].reshape(-1), reduction="sum")
        total += loss.item()
        count += k * block
    model.train()
    return total / max(count, 1)


def param_groups(model: GPT):
    """(Muon params with their split, AdamW decay params, AdamW no-decay params), by name."""
    muon, adam_decay, adam_plain = [], [], []
    for name, p in model.named_parameters():
        if name.startswith("h.") and p.dim() == 2:
            muon.append((name, p, 3 if name.endswith("attn.c_attn.weight") else 1))
        elif p.dim() >= 2 and "wpe" not in name:
            adam_decay.append((name, p))  # the token embedding, tied to the output layer
        else:
            adam_plain.append((name, p))
    return muon, adam_decay, adam_plain


def make_optimizers(model: GPT, args) -> list[torch.optim.Optimizer]:
    muon, adam_decay, adam_plain = param_groups(model)
    if args.optimizer == "adamw":
        decay = [p for _, p, _ in muon] + [p for _, p in adam_decay]
        return [torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": [p for _, p in adam_plain], "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.95), eps=1e-8)]
    adam = torch.optim.AdamW([{"params": [p for _, p in adam_decay], "weight_decay": 0.1}, {"params": [p for _, p in adam_plain], "weight_decay": 0.0}],
                             lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    groups = {}
    for _, p, split in muon:
        groups.setdefault(split, []).append(p)
    opt = Muon([{"params": ps, "split": k} for k, ps in groups.items()], lr=args.muon_lr, momentum=args.muon_momentum,
               weight_decay=args.muon_wd)
    for g in opt.param_groups:
        g["base_lr"] = args.muon_lr
    for g in adam.param_groups:
        g["base_lr"] = args.lr
    return [adam, opt]


def optimizer_state(model: GPT, opts) -> dict:
    """Optimiser states by parameter name, in bfloat16 (the checkpoint stays small; resuming from a
    bfloat16 moment loses far less than a fresh warm-up does)."""
    names = {id(p): n for n, p in model.named_parameters()}
    out = {}
    for opt in opts:
        for p, st in opt.state.items():
            out[names[id(p)]] = {k: (v.to(torch.bfloat16) if torch.is_tensor(v) and v.dim() > 0 else (float(v) if torch.is_tensor(v) else v)) for k, v in st.items()}
    return out


def load_optimizer_state(model: GPT, opts, saved: dict) -> int:
    params = dict(model.named_parameters())
    owned = {id(p): opt for opt in opts for g in opt.param_groups for p in g["params"]}
    n = 0
    for name, st in saved.items():
        p = params.get(name)
        if p is None or id(p) not in owned:
            continue
        owned[id(p)].state[p] = {k: (v.float() if torch.is_tensor(v) else (torch.tensor(v) if k == "step" else v)) for k, v in st.items()}
        n += 1
    return n


def earlier_runs(history: list[dict]) -> list[dict]:
    """Runs before the checkpoint kept a "runs" list: each ends with a history entry without train_loss."""
    runs, prev = [], {"step": 0, "tokens_seen": 0, "seconds": 0}
    for h in history:
        if "train_loss" not in h:
            runs.append({"run": len(runs) + 1, "optimizer": "adamw", "schedule": RUN_SCHEDULES.get(len(runs) + 1, "cosine to 0.1 of its peak"),
                         "weights": OLD_WEIGHTS, "steps": h["step"] - prev["step"], "tokens": h["tokens_seen"] - prev["tokens_seen"],
                         "seconds": h["seconds"] - prev["seconds"], "end_step": h["step"], "heldout": h["heldout"]})
            prev = h
    return runs


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
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--long-block", type=int, default=512, help="block size for the last --long-frac of training")
    ap.add_argument("--long-frac", type=float, default=0.1)
    ap.add_argument("--shift-p", type=float, default=0.25)
    ap.add_argument("--optimizer", choices=["muon", "adamw"], default="muon")
    ap.add_argument("--lr", type=float, default=5e-4, help="AdamW's rate (embeddings, gains, biases; everything with --optimizer adamw)")
    ap.add_argument("--muon-lr", type=float, default=0.005, help="0.02 (the speedrun's rate) jolted the trained model: held-out Brown 4.90 nats after 40 steps from the checkpoint, against 4.55 at 0.005 (10 windows)")
    ap.add_argument("--muon-momentum", type=float, default=0.95)
    ap.add_argument("--muon-wd", type=float, default=0.0)
    ap.add_argument("--warmup", type=int, default=50, help="warm-up steps with fresh optimisers")
    ap.add_argument("--resume-warmup", type=int, default=0, help="warm-up steps when the checkpoint has optimiser states")
    ap.add_argument("--decay-frac", type=float, default=0.3, help="share of the run, at its end, over which the rate decays to zero")
    ap.add_argument("--max-steps", type=int, default=100_000)
    ap.add_argument("--time-budget-min", type=float, default=100.0)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--eval-every", type=int, default=150)
    ap.add_argument("--eval-windows", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--weights", help="sampling shares instead of WEIGHTS, e.g. brown=0.25,code=0.2 (unnamed sources keep theirs; all are renormalised)")
    args = ap.parse_args()
    if args.weights:
        for item in args.weights.split(","):
            name, share = item.split("=")
            if name not in WEIGHTS:
                ap.error(f"--weights: unknown source {name}")
            WEIGHTS[name] = float(share)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    train = load_split(args.tokens, "train")
    heldout = load_split(args.tokens, "heldout")
    print("train: sources " + ", ".join(f"{s} {len(a):,}" for s, a in train.items()), flush=True)
    tokens_seen = 0
    prior_seconds = 0.0
    prior_steps = 0
    history: list[dict] = []
    runs: list[dict] = []
    saved_opt = None
    if args.resume:
        ck = torch.load(args.resume, map_location="cpu")
        cfg = GPTConfig(**ck["config"])
        cfg.dropout = args.dropout
        model = GPT(cfg)
        history = list(ck.get("history", []))
        runs = list(ck.get("runs") or earlier_runs(history))
        state = ck.get("resume")
        if state is not None:
            model.load_state_dict({k: v.float() for k, v in state["model"].items()})
            saved_opt = state["optimizer"] if state.get("optimizer_kind") == args.optimizer else None
            what = f"its constant-rate state at step {state['step']:,}"
        else:
            model.load_state_dict(ck["model"])
            what = "its weights (no optimiser state)"
        tokens_seen = ck.get("tokens_seen", 0)
        # wall time spent, the discarded cool-down included (and runs kept without their weights: keep_state.py)
        prior_seconds = ck.get("train_seconds_all", ck.get("train_seconds", 0.0))
        prior_steps = ck.get("step", 0)
        if state is not None:
            # the cooled branch is left behind: count steps and tokens of the weights actually trained on
            prior_steps, tokens_seen = state["step"], state["tokens_seen"]
        print(f"train: resumed from {args.resume}, {what} ({prior_steps:,} steps, {tokens_seen:,} tokens seen)")
    else:
        cfg = GPTConfig(vocab_size=args.vocab_size, n_positions=args.n_positions, n_embd=args.n_embd,
                        n_layer=args.n_layer, n_head=args.n_head, dropout=args.dropout)
        model = GPT(cfg)
    print(f"train: {model.num_parameters():,} parameters, config {json.dumps(cfg.to_dict())}")
    opts = make_optimizers(model, args)
    for opt in opts:
        for g in opt.param_groups:
            g.setdefault("base_lr", args.lr)
    warmup = args.warmup
    if saved_opt is not None:
        print(f"train: optimiser states restored for {load_optimizer_state(model, opts, saved_opt)} parameters")
        warmup = args.resume_warmup
    # one past the last run the checkpoint holds (a run that was trained and never kept leaves a gap)
    run_no = max((int(r["run"]) for r in runs), default=0) + 1
    rng.seed(args.seed + 1000 * (run_no - 1))  # each run its own windows (run 1 keeps the seed it had)
    run_info = {"run": run_no, "optimizer": args.optimizer, "lr_adamw": args.lr,
                "lr_muon": args.muon_lr if args.optimizer == "muon" else None, "muon_momentum": args.muon_momentum,
                "schedule": f"warmup {warmup} steps, constant, linear decay to 0 over the last {args.decay_frac:.0%} of {args.time_budget_min:g} min",
                "batch": args.batch, "block": args.block, "weights": {s: WEIGHTS[s] for s in train}, "start_step": prior_steps}
    budget = args.time_budget_min * 60
    start = time.time()
    last_log = start
    resume_state = None  # the constant-rate state, once the decay has begun
    decay_begins = 1.0 - args.decay_frac

    def snapshot(step: int) -> dict:
        return {"model": {k: v.detach().to(torch.float16) for k, v in model.state_dict().items()},
                "optimizer": optimizer_state(model, opts), "optimizer_kind": args.optimizer, "step": prior_steps + step,
                "tokens_seen": tokens_seen, "run": run_no}

    def save(step: int, final: bool) -> None:
        tmp = args.out + ".tmp"
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        info = dict(run_info, steps=step, tokens=tokens_seen - run_start_tokens, seconds=round(time.time() - start),
                    end_step=prior_steps + step, heldout=history[-1]["heldout"] if history else None, final=final)
        torch.save({"config": cfg.to_dict(), "model": model.state_dict(), "step": prior_steps + step, "tokens_seen": tokens_seen,
                    "train_seconds": prior_seconds + time.time() - start, "history": history, "runs": runs + [info],
                    "resume": resume_state if resume_state is not None else snapshot(step), "final": final}, tmp)
        os.replace(tmp, args.out)

    run_start_tokens = tokens_seen
    step = 0
    while True:
        elapsed = time.time() - start
        progress = max(step / args.max_steps, elapsed / budget)
        if progress >= 1.0:
            break
        if progress >= decay_begins and resume_state is None:
            resume_state = snapshot(step)
            print(f"train: decay begins at step {step}; constant-rate state kept", flush=True)
        if step < warmup:
            factor = (step + 1) / warmup
        elif progress < decay_begins:
            factor = 1.0
        else:
            factor = max(0.0, (1.0 - progress) / args.decay_frac)
        for opt in opts:
            for g in opt.param_groups:
                g["lr"] = g["base_lr"] * factor
        if progress >= 1.0 - args.long_frac and args.long_block > args.block:
            block, bsz = args.long_block, max(1, args.batch * args.block // args.long_block)
        else:
            block, bsz = args.block, args.batch
        x, y, pos = batch(train, rng, bsz, block, cfg.n_positions, args.shift_p)
        logits, _ = model(x, position_ids=pos)
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        for opt in opts:
            opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for opt in opts:
            opt.step()
        step += 1
        tokens_seen += x.numel()
        now = time.time()
        if now - last_log > 30 or step == 1:
            rate = (tokens_seen - run_start_tokens) / (now - start)
            print(f"train: step {step} loss {loss.item():.3f} lr x{factor:.3f} {rate:,.0f} tok/s progress {progress:.1%}", flush=True)
            last_log = now
        if step % args.eval_every == 0:
            ev = {s: evaluate(model, a, args.block, args.eval_windows) for s, a in heldout.items()}
            history.append({"step": prior_steps + step, "tokens_seen": tokens_seen, "seconds": round(prior_seconds + now - start), "train_loss": loss.item(), "heldout": ev, "run": run_no})
            print(f"eval: step {step} " + " ".join(f"{s} {v:.3f}" for s, v in ev.items()), flush=True)
            save(step, False)
    ev = {s: evaluate(model, a, args.block, args.eval_windows) for s, a in heldout.items()}
    history.append({"step": prior_steps + step, "tokens_seen": tokens_seen, "seconds": round(prior_seconds + time.time() - start), "heldout": ev, "run": run_no})
    print(f"eval: final step {step} " + " ".join(f"{s} {v:.3f}" for s, v in ev.items()), flush=True)
    save(step, True)
    rate = (tokens_seen - run_start_tokens) / (time.time() - start)
    print(f"train: done, {step} steps, {tokens_seen - run_start_tokens:,} tokens this run ({rate:,.0f} tok/s), {tokens_seen:,} in all, {time.time() - start:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
