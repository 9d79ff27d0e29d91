"""Export a trained checkpoint as a model folder that LM Lens and transformers.js load.

models/NAME/
  config.json              GPT-2 fields (model_type "gpt2", vocab_size, n_positions, n_embd, n_layer, n_head, token ids)
  generation_config.json   greedy by default
  tokenizer.json           the byte-level BPE from bpe.py
  tokenizer_config.json
  onnx/model.onnx          Hugging Face GPT-2 decoder I/O, plus attentions.{i} and hidden_states.{i}
  golden.json              PyTorch reference numbers for fixed prompts (checked by the TypeScript tests)
  words.txt                whole words of the training text with counts (the neighbours view's word index)

--plain writes the same weights with only the Hugging Face / Optimum GPT-2 outputs (logits, present.*),
which is what a downloaded transformers.js model looks like; --plain --no-cache the oldest form (input_ids and
attention_mask in, logits out: no key/value cache, no position_ids).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from model import GPT, GPTConfig  # noqa: E402

GOLDEN_PROMPTS = [
    "the hair was still",
    "The jury said that the",
    "She opened the door and",
    "def read_file(path):\n    with open(path) as",
    "git commit -m",
]


class Exported(torch.nn.Module):
    """Flat positional I/O for torch.onnx.export."""

    def __init__(self, model: GPT, plain: bool):
        super().__init__()
        self.model = model
        self.plain = plain

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        n = self.model.cfg.n_layer
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(n)]
        logits, presents, attentions, hidden = self.model(input_ids, attention_mask, position_ids, past, want_extras=True)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        if not self.plain:
            out += attentions
            out += hidden
        return tuple(out)


class NoCache(torch.nn.Module):
    """The oldest export form: input_ids and attention_mask in, logits out; no cache, no position_ids."""

    def __init__(self, model: GPT):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        logits, _ = self.model(input_ids, attention_mask)
        return logits


def io_names(n_layer: int, plain: bool) -> tuple[list[str], list[str]]:
    inputs = ["input_ids", "attention_mask", "position_ids"]
    for i in range(n_layer):
        inputs += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
    outputs = ["logits"]
    for i in range(n_layer):
        outputs += [f"present.{i}.key", f"present.{i}.value"]
    if not plain:
        outputs += [f"attentions.{i}" for i in range(n_layer)]
        outputs += [f"hidden_states.{i}" for i in range(n_layer + 1)]
    return inputs, outputs


def export_onnx(model: GPT, path: str, plain: bool, no_cache: bool = False) -> None:
    cfg = model.cfg
    if no_cache:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ids = torch.randint(0, cfg.vocab_size, (1, 5))
        torch.onnx.export(NoCache(model), (ids, torch.ones(1, 5, dtype=torch.long)), path, input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                                                 "logits": {0: "batch", 1: "sequence"}},
                          opset_version=14, do_constant_folding=False)
        return
    inputs, outputs = io_names(cfg.n_layer, plain)
    B, P, T = 1, 2, 3
    hd = cfg.n_embd // cfg.n_head
    args = [
        torch.randint(0, cfg.vocab_size, (B, T)),
        torch.ones(B, P + T, dtype=torch.long),
        torch.arange(P, P + T).unsqueeze(0),
    ]
    for _ in range(cfg.n_layer):
        args += [torch.zeros(B, cfg.n_head, P, hd), torch.zeros(B, cfg.n_head, P, hd)]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "total_sequence"},
            "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    for name in inputs[3:]:
        axes[name] = {0: "batch", 2: "past_sequence"}
    for name in outputs[1:]:
        if name.startswith("present."):
            axes[name] = {0: "batch", 2: "total_sequence"}
        elif name.startswith("attentions."):
            axes[name] = {0: "batch", 2: "sequence", 3: "total_sequence"}
        else:
            axes[name] = {0: "batch", 1: "sequence"}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(Exported(model, plain), tuple(args), path, input_names=inputs, output_names=outputs,
                      dynamic_axes=axes, opset_version=14, do_constant_folding=False)  # keep one copy of the tied embedding: onnxruntime folds the transpose at load


def tokenize(tokenizer_path: str, texts: list[str]) -> list[list[int]]:
    script = (
        "import('@huggingface/tokenizers').then(({Tokenizer}) => {"
        " const fs = require('fs');"
        " const t = new Tokenizer(JSON.parse(fs.readFileSync(process.argv[1], 'utf8')), {});"
        " const texts = JSON.parse(fs.readFileSync(0, 'utf8'));"
        " console.log(JSON.stringify(texts.map((s) => t.encode(s, { add_special_tokens: false }).ids)));"
        "})"
    )
    res = subprocess.run(["node", "-e", script, tokenizer_path], input=json.dumps(texts), capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(res.stdout)


@torch.no_grad()
def golden(model: GPT, tokenizer_path: str) -> dict:
    model.eval()
    ids_list = tokenize(tokenizer_path, GOLDEN_PROMPTS)
    cases = []
    for text, ids in zip(GOLDEN_PROMPTS, ids_list):
        x = torch.tensor([ids])
        logits, _, attentions, hidden = model(x, want_extras=True)
        last = logits[0, -1]
        top = torch.topk(last, 5)
        greedy = list(ids)
        past = None
        step_in = x
        for _ in range(8):  # greedy continuation through the KV cache, as the extension decodes
            lg, presents = model(step_in, past=past, position_ids=torch.arange(len(greedy) - step_in.shape[1], len(greedy)).unsqueeze(0))
            nxt = int(lg[0, -1].argmax())
            greedy.append(nxt)
            past = presents
            step_in = torch.tensor([[nxt]])
        cases.append({
            "text": text,
            "input_ids": ids,
            "greedy_ids": greedy[len(ids):],
            "logits_last_first16": [round(float(v), 5) for v in last[:16]],
            "top5_ids": [int(i) for i in top.indices],
            "top5_logits": [round(float(v), 5) for v in top.values],
            # [layer][head] the attention row of the last query, and every row's sum
            "attention_last_row": [[[round(float(v), 6) for v in a[0, h, -1]] for h in range(a.shape[1])] for a in attentions],
            "attention_row_sums_min": min(float(a.sum(-1).min()) for a in attentions),
            "attention_row_sums_max": max(float(a.sum(-1).max()) for a in attentions),
            "hidden_last_norm": [round(float(h[0, -1].norm()), 4) for h in hidden],
        })
    return {"prompts": cases, "tolerance": 1e-3}


def write_folder(model: GPT, ck: dict, tokenizer_path: str, out: str, plain: bool, name: str, no_cache: bool = False) -> None:
    cfg = model.cfg
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    export_onnx(model, os.path.join(out, "onnx", "model.onnx"), plain, no_cache)
    config = {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "_name_or_path": name,
        "vocab_size": cfg.vocab_size,
        "n_positions": cfg.n_positions,
        "n_ctx": cfg.n_positions,
        "n_embd": cfg.n_embd,
        "n_layer": cfg.n_layer,
        "n_head": cfg.n_head,
        "n_inner": 4 * cfg.n_embd,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": cfg.layer_norm_epsilon,
        "bos_token_id": 0,
        "eos_token_id": 0,
        "tie_word_embeddings": True,
        "use_cache": True,
        "lm_lens": {
            "attentions": not plain,
            "hidden_states": not plain,
            "hidden_states_note": "hidden_states.0 is the embedding output, .i the residual stream after block i, the last one after the final LayerNorm",
            "training_tokens": ck.get("tokens_seen"),
            "training_seconds": round(ck.get("train_seconds", 0)),
        },
    }
    with open(os.path.join(out, "config.json"), "w") as fh:
        json.dump(config, fh, indent=2)
    with open(os.path.join(out, "generation_config.json"), "w") as fh:
        json.dump({"bos_token_id": 0, "eos_token_id": 0, "do_sample": False, "max_length": cfg.n_positions}, fh, indent=2)
    shutil.copyfile(tokenizer_path, os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "tokenizer_config.json"), "w") as fh:
        json.dump({"tokenizer_class": "GPT2Tokenizer", "model_max_length": cfg.n_positions, "bos_token": "<|endoftext|>",
                   "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "add_prefix_space": False,
                   "add_bos_token": False, "clean_up_tokenization_spaces": False}, fh, indent=2)
    if not plain:
        with open(os.path.join(out, "golden.json"), "w") as fh:
            json.dump(golden(model, tokenizer_path), fh)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True, help="model folder to write")
    ap.add_argument("--words", help="words.txt from wordlist.py, copied beside the model for the neighbours index")
    ap.add_argument("--plain", action="store_true", help="only logits and present.* outputs, as an Optimum export")
    ap.add_argument("--no-cache", action="store_true", help="with --plain: input_ids and attention_mask in, logits out (no past_key_values, no position_ids)")
    args = ap.parse_args()
    ck = torch.load(args.checkpoint, map_location="cpu")
    model = GPT(GPTConfig(**ck["config"]))
    model.load_state_dict(ck["model"])
    model.eval()
    if args.no_cache and not args.plain:
        ap.error("--no-cache needs --plain")
    write_folder(model, ck, args.tokenizer, args.out, args.plain, os.path.basename(os.path.abspath(args.out)), args.no_cache)
    if args.words:
        shutil.copyfile(args.words, os.path.join(args.out, "words.txt"))
    size = os.path.getsize(os.path.join(args.out, "onnx", "model.onnx"))
    print(f"export: {args.out} ({'plain' if args.plain else 'full'}), onnx/model.onnx {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
