#!/usr/bin/python3
"""An independent check of `lm-lens score --no-memory`: bits per byte of a text under the shipped ONNX
model, computed without the project's tokenizer, runtime or model code.

    OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 models/recipe/score_onnx.py [--model DIR]
        [--window N] [--stride S] [--max-tokens M] [--ids] FILE...

Needs numpy, onnx (numpy_helper only: no onnxruntime) and regex. It
  * encodes the text with its own byte-level BPE read from DIR/tokenizer.json (GPT-2's pre-tokenizer
    regex, the byte-to-unicode map, merges applied by rank; added tokens such as <|endoftext|> are
    matched in the raw text first, as Hugging Face tokenizers does);
  * reads the weights from DIR/onnx/model.onnx as plain arrays and runs GPT-2's forward pass in numpy
    (token + position embeddings; pre-LayerNorm blocks of causal self-attention and an MLP with
    gelu_new, the tanh approximation; a final LayerNorm; logits from the tied token embedding);
  * scores as lm-lens score does: the file's text with \\r\\n (and a lone \\r) made \\n, its first M tokens,
    <|endoftext|> in front; windows of N tokens moved by S, each run from position 0; the first window
    scores all its tokens after the first, a later one only its last S; bits per byte = total NLL in nats
    / ln 2 / UTF-8 bytes of the decoded M tokens.
Prints one JSON line per file and one for all files, with the CLI's fields (file, tokens, words, bytes,
bitsPerByte, wordPerplexity). --ids prints each file's token ids instead (one JSON list per line).
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import regex
import onnx
from onnx import numpy_helper

# GPT-2's pre-tokenizer pattern (Hugging Face ByteLevel with use_regex)
GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
# JavaScript's \s, so that the word count is the CLI's (covered.split(/\s+/))
JS_SPACE = regex.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class ByteLevelBPE:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        model = j["model"]
        if model.get("type") != "BPE":
            raise SystemExit(f"{path}: model type {model.get('type')!r}, expected BPE")
        pre = j.get("pre_tokenizer") or {}
        if pre.get("type") != "ByteLevel" or pre.get("use_regex", True) is not True:
            raise SystemExit(f"{path}: pre_tokenizer {pre!r}, expected ByteLevel with its regex")
        if j.get("normalizer"):
            raise SystemExit(f"{path}: a normalizer is not supported")
        if model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
            raise SystemExit(f"{path}: subword prefixes/suffixes are not supported")
        self.add_prefix_space = bool(pre.get("add_prefix_space", False))
        self.vocab = model["vocab"]
        self.ignore_merges = bool(model.get("ignore_merges", False))
        merges = model["merges"]
        self.ranks = {}
        for i, m in enumerate(merges):
            a, b = m.split(" ") if isinstance(m, str) else m
            self.ranks.setdefault((a, b), i)
        self.byte_encoder = bytes_to_unicode()
        self.byte_decoder = {c: b for b, c in self.byte_encoder.items()}
        self.added = {t["content"]: t["id"] for t in j.get("added_tokens", [])}
        self.special_ids = {t["id"] for t in j.get("added_tokens", []) if t.get("special", True)}
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        for t, i in self.added.items():
            self.id_to_token.setdefault(i, t)
        # added tokens are matched in the raw text before anything else, longest first
        self.added_re = regex.compile("|".join(regex.escape(t) for t in sorted(self.added, key=len, reverse=True))) if self.added else None
        self.cache = {}

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        if self.ignore_merges and word in self.vocab:
            out = [word]
        else:
            parts = list(word)
            while len(parts) > 1:
                best, best_rank = None, None
                for i in range(len(parts) - 1):
                    r = self.ranks.get((parts[i], parts[i + 1]))
                    if r is not None and (best_rank is None or r < best_rank):
                        best, best_rank = i, r
                if best is None:
                    break
                a, b = parts[best], parts[best + 1]
                # merge every occurrence of this pair, left to right
                merged, i = [], 0
                while i < len(parts):
                    if i < len(parts) - 1 and parts[i] == a and parts[i + 1] == b:
                        merged.append(a + b)
                        i += 2
                    else:
                        merged.append(parts[i])
                        i += 1
                parts = merged
            out = parts
        ids = []
        for p in out:
            if p not in self.vocab:
                raise SystemExit(f"BPE piece {p!r} is not in the vocabulary")
            ids.append(self.vocab[p])
        self.cache[word] = ids
        return ids

    def encode_plain(self, text):
        if self.add_prefix_space and text and not text.startswith(" "):
            text = " " + text
        ids = []
        for piece in GPT2_PATTERN.findall(text):
            word = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.bpe(word))
        return ids

    def encode(self, text):
        if self.added_re is None:
            return self.encode_plain(text)
        ids, pos = [], 0
        for m in self.added_re.finditer(text):
            ids.extend(self.encode_plain(text[pos : m.start()]))
            ids.append(self.added[m.group(0)])
            pos = m.end()
        ids.extend(self.encode_plain(text[pos:]))
        return ids

    def decode(self, ids):
        """The text of the ids, special tokens left out (as the CLI's decode), bad UTF-8 replaced."""
        data = bytearray()
        for i in ids:
            if i in self.special_ids:
                continue
            data.extend(self.byte_decoder[c] for c in self.id_to_token[i])
        return data.decode("utf-8", errors="replace")


class NumpyGPT2:
    """GPT-2 from the ONNX file's initializers; the graph was read to check the layout (see below)."""

    def __init__(self, onnx_path, config):
        m = onnx.load(onnx_path)
        w = {t.name: numpy_helper.to_array(t).astype(np.float32) for t in m.graph.initializer}
        # Which initializer plays which part, from the graph: wte/wpe feed the two Gathers; each Linear's
        # weight is [out, in] and goes through Transpose(perm 1,0) before its MatMul; c_attn's output is
        # Split into q, k, v (256 each) then heads; logits = ln_f output @ Transpose(wte) (tied, no bias).
        self.n_layer = config["n_layer"]
        self.n_head = config["n_head"]
        self.n_embd = config["n_embd"]
        self.eps = float(config.get("layer_norm_epsilon", 1e-5))
        if config.get("activation_function", "gelu_new") != "gelu_new":
            raise SystemExit(f"activation {config.get('activation_function')!r}: only gelu_new is implemented")
        self.transposed = set()
        for n in m.graph.node:
            if n.op_type == "Transpose" and n.input[0] in w:
                perm = [list(x.ints) for x in n.attribute if x.name == "perm"]
                if perm == [[1, 0]]:
                    self.transposed.add(n.input[0])
        p = self._prefix(w)
        self.wte = w[p + "wte.weight"]
        self.wpe = w[p + "wpe.weight"]
        self.layers = []
        for i in range(self.n_layer):
            h = f"{p}h.{i}."
            mlp_in = self._first(w, [h + "mlp.0.weight", h + "mlp.c_fc.weight"])
            mlp_out = self._first(w, [h + "mlp.2.weight", h + "mlp.c_proj.weight"])
            self.layers.append(
                dict(
                    ln1_w=w[h + "ln_1.weight"], ln1_b=w[h + "ln_1.bias"],
                    attn_w=self._as_in_out(w[h + "attn.c_attn.weight"], h + "attn.c_attn.weight"), attn_b=w[h + "attn.c_attn.bias"],
                    proj_w=self._as_in_out(w[h + "attn.c_proj.weight"], h + "attn.c_proj.weight"), proj_b=w[h + "attn.c_proj.bias"],
                    ln2_w=w[h + "ln_2.weight"], ln2_b=w[h + "ln_2.bias"],
                    fc_w=self._as_in_out(w[mlp_in], mlp_in), fc_b=w[mlp_in.replace(".weight", ".bias")],
                    out_w=self._as_in_out(w[mlp_out], mlp_out), out_b=w[mlp_out.replace(".weight", ".bias")],
                )
            )
        self.lnf_w = w[p + "ln_f.weight"]
        self.lnf_b = w[p + "ln_f.bias"]
        self.head = np.ascontiguousarray(self.wte.T)  # tied output layer [n_embd, vocab]

    @staticmethod
    def _prefix(w):
        for p in ("model.", "transformer.", ""):
            if p + "wte.weight" in w:
                return p
        raise SystemExit("no token embedding (wte.weight) among the ONNX initializers")

    @staticmethod
    def _first(w, names):
        for n in names:
            if n in w:
                return n
        raise SystemExit(f"none of {names} among the ONNX initializers")

    def _as_in_out(self, a, name):
        """A weight as [in, out]: the graph transposes nn.Linear's [out, in] (Transpose perm 1,0) before its MatMul."""
        return np.ascontiguousarray(a.T) if name in self.transposed else a

    def layer_norm(self, x, g, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * g + b

    @staticmethod
    def gelu_new(x):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))

    def logits(self, ids):
        T = len(ids)
        H, D = self.n_head, self.n_embd
        hd = D // H
        x = self.wte[ids] + self.wpe[np.arange(T)]
        mask = np.triu(np.ones((T, T), dtype=bool), 1)
        for L in self.layers:
            a = self.layer_norm(x, L["ln1_w"], L["ln1_b"])
            qkv = a @ L["attn_w"] + L["attn_b"]
            q, k, v = (qkv[:, i * D : (i + 1) * D].reshape(T, H, hd).transpose(1, 0, 2) for i in range(3))
            s = (q @ k.transpose(0, 2, 1)) / math.sqrt(hd)
            s = np.where(mask, -np.inf, s)
            s = s - s.max(-1, keepdims=True)
            e = np.exp(s)
            att = e / e.sum(-1, keepdims=True)
            y = (att @ v).transpose(1, 0, 2).reshape(T, D)
            x = x + y @ L["proj_w"] + L["proj_b"]
            a = self.layer_norm(x, L["ln2_w"], L["ln2_b"])
            x = x + self.gelu_new(a @ L["fc_w"] + L["fc_b"]) @ L["out_w"] + L["out_b"]
        x = self.layer_norm(x, self.lnf_w, self.lnf_b)
        return x @ self.head


def score(model, tok, bos, text, window, stride, max_tokens):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = tok.encode(text)
    if max_tokens is not None:
        tokens = tokens[:max_tokens]
    ids = ([bos] if bos is not None else []) + tokens
    nll, count, scored_up_to, start = 0.0, 0, 1, 0
    while scored_up_to < len(ids):
        win = ids[start : start + window]
        if len(win) < 2:
            break
        logits = model.logits(np.array(win)).astype(np.float64)
        for j in range(1, len(win)):
            pos = start + j
            if pos < scored_up_to:
                continue
            row = logits[j - 1]
            mx = row.max()
            log_z = mx + math.log(np.exp(row - mx).sum())
            nll -= max(row[win[j]] - log_z, math.log(1e-30))
            count += 1
            scored_up_to = pos + 1
        if start + window >= len(ids):
            break
        start += stride
    covered = tok.decode(tokens)
    return dict(tokens=count, bytes=len(covered.encode("utf-8")), words=len([w for w in JS_SPACE.split(covered) if w]), nll=nll)


def line(name, s):
    bpb = s["nll"] / math.log(2) / max(1, s["bytes"])
    ppl = math.exp(s["nll"] / max(1, s["words"]))
    return dict(file=name, tokens=s["tokens"], words=s["words"], bytes=s["bytes"], bitsPerByte=round(bpb, 5), wordPerplexity=round(ppl, 2))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=os.path.join(here, "..", "lm-lens-5m"))
    ap.add_argument("--window", type=int, default=256)
    ap.add_argument("--stride", type=int, default=None)
    ap.add_argument("--max-tokens", type=int, default=None)
    ap.add_argument("--ids", action="store_true", help="print each file's token ids (no model run)")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    stride = a.stride if a.stride is not None else min(128, a.window)
    if a.window < 1 or not 1 <= stride <= a.window or (a.max_tokens is not None and a.max_tokens < 1):
        raise SystemExit("need 1 <= stride <= window and max-tokens >= 1")
    tok = ByteLevelBPE(os.path.join(a.model, "tokenizer.json"))
    texts = []
    for f in a.files:
        with open(f, "rb") as fh:
            texts.append((f, fh.read().decode("utf-8", errors="replace")))
    if a.ids:
        for _, text in texts:
            print(json.dumps(tok.encode(text)))
        return
    with open(os.path.join(a.model, "config.json"), encoding="utf-8") as fh:
        config = json.load(fh)
    if a.window > config.get("n_positions", 1 << 30):
        raise SystemExit(f"--window must be at most the model's {config['n_positions']} positions")
    bos = tok.added.get("<|endoftext|>", config.get("bos_token_id"))
    model = NumpyGPT2(os.path.join(a.model, "onnx", "model.onnx"), config)
    total = dict(tokens=0, bytes=0, words=0, nll=0.0)
    for f, text in texts:
        s = score(model, tok, bos, text, a.window, stride, a.max_tokens)
        for k in total:
            total[k] += s[k]
        print(json.dumps(line(f, s)), flush=True)
    print(json.dumps(line(f"all ({len(texts)} file{'' if len(texts) == 1 else 's'}, no memory)", total)))


if __name__ == "__main__":
    main()
