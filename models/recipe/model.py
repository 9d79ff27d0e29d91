"""A GPT-2-style decoder, written so that every number LM Lens shows can be exported.

Pre-LayerNorm blocks, learned positions, input and output embeddings tied, and attention computed
explicitly (softmax of scaled scores), so the attention probabilities exist as tensors and become graph
outputs in the ONNX export. The forward pass takes and returns a key/value cache in the Hugging Face GPT-2
layout: past key and value [batch, heads, past, head_dim].
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 8192
    n_positions: int = 512
    n_embd: int = 256
    n_layer: int = 4
    n_head: int = 4
    dropout: float = 0.0
    layer_norm_epsilon: float = 1e-5

    def to_dict(self) -> dict:
        return asdict(self)


class _ConstReshape(torch.autograd.Function):
    """x.view(x.shape[0], x.shape[1], a[, b]), exported as ONNX Reshape to the constant shape [0, 0, a, -1] or [0, 0, -1]
    (a 0 keeps that dimension of the input). torch.onnx would otherwise work the shape out at run time with
    Shape, Gather, Unsqueeze and Concat nodes in every layer. Only used while exporting; b = 0 means none."""

    @staticmethod
    def forward(ctx, x, a: int, b: int):
        return x.reshape(x.shape[0], x.shape[1], a, b) if b else x.reshape(x.shape[0], x.shape[1], a)

    @staticmethod
    def symbolic(g, x, a: int, b: int):
        shape = [0, 0, a, -1] if b else [0, 0, -1]  # -1: what is left (torch.onnx needs one beside the zeros)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # torch 1.13 warns about g.op, its own documented API
            return g.op("Reshape", x, g.op("Constant", value_t=torch.tensor(shape, dtype=torch.int64)))


def _view_bt(x, a: int, b: int = 0):
    """Reshape [B, T, ...] to [B, T, a] or [B, T, a, b]."""
    if torch.onnx.is_in_onnx_export():
        return _ConstReshape.apply(x, a, b)
    return x.view(x.shape[0], x.shape[1], a, b) if b else x.view(x.shape[0], x.shape[1], a)


class SelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        assert cfg.n_embd % cfg.n_head == 0
        self.n_head = cfg.n_head
        self.head_dim = cfg.n_embd // cfg.n_head
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.attn_drop = nn.Dropout(cfg.dropout)
        self.resid_drop = nn.Dropout(cfg.dropout)

    def forward(self, x, mask, past_k=None, past_v=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        # (B, nh, T, hs)
        q = _view_bt(q, self.n_head, self.head_dim).transpose(1, 2)
        k = _view_bt(k, self.n_head, self.head_dim).transpose(1, 2)
        v = _view_bt(v, self.n_head, self.head_dim).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)  # (B, nh, P+T, hs)
            v = torch.cat([past_v, v], dim=2)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))  # (B, nh, T, P+T)
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        probs = F.softmax(scores, dim=-1)  # each row sums to 1; zero above the causal diagonal
        y = self.attn_drop(probs) @ v  # (B, nh, T, hs)
        y = _view_bt(y.transpose(1, 2).contiguous(), self.n_head * self.head_dim)
        return self.resid_drop(self.c_proj(y)), k, v, probs


class TanhGelu(nn.Module):
    """GPT-2's GELU (the tanh approximation). Trained with PyTorch's fused kernel; exported as the explicit
    formula 0.5x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) in the shape onnxruntime's FastGeluFusion
    recognises, so the exported graph runs one FastGelu node per layer instead of eight elementwise ones."""

    def forward(self, x):
        if torch.onnx.is_in_onnx_export():
            return (0.5 * x) * (1.0 + torch.tanh(0.7978845608028654 * (x + 0.044715 * torch.pow(x, 3.0))))
        return F.gelu(x, approximate="tanh")


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.attn = SelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd),
            TanhGelu(),
            nn.Linear(4 * cfg.n_embd, cfg.n_embd),
            nn.Dropout(cfg.dropout),
        )

    def forward(self, x, mask, past_k=None, past_v=None):
        a, k, v, probs = self.attn(self.ln_1(x), mask, past_k, past_v)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, k, v, probs


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.apply(self._init)
        # GPT-2's scaled init of the projections that write into the residual stream
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight") or name.endswith("mlp.2.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None, want_extras=False):
        """input_ids (B, T); attention_mask (B, P+T) of 0/1; position_ids (B, T); past: list of (k, v).

        Returns logits (B, T, V), presents [(k, v)] per layer, and when want_extras the attention
        probabilities [(B, nh, T, P+T)] and hidden states [(B, T, C)] * (n_layer + 1).
        """
        B, T = input_ids.shape
        P = past[0][0].shape[2] if past is not None else 0
        if position_ids is None:
            position_ids = torch.arange(P, P + T, device=input_ids.device).unsqueeze(0).expand(B, T)
        # causal: query i (absolute P + i) sees keys 0 .. P + i
        q_pos = torch.arange(T, device=input_ids.device).unsqueeze(1) + P  # (T, 1)
        k_pos = torch.arange(P + T, device=input_ids.device).unsqueeze(0)  # (1, P+T)
        mask = (k_pos <= q_pos).unsqueeze(0).unsqueeze(0)  # (1, 1, T, P+T)
        if attention_mask is not None:
            mask = mask & attention_mask.bool().unsqueeze(1).unsqueeze(2)  # (B, 1, T, P+T)
        x = self.drop(self.wte(input_ids) + self.wpe(position_ids))
        hidden = [x]
        presents = []
        attentions = []
        for i, block in enumerate(self.h):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v, probs = block(x, mask, pk, pv)
            presents.append((k, v))
            attentions.append(probs)
            hidden.append(x)
        x = self.ln_f(x)
        hidden[-1] = x  # as in Hugging Face GPT-2, the last hidden state is after the final LayerNorm
        logits = x @ self.wte.weight.t()  # tied output embedding, (B, T, V)
        if want_extras:
            return logits, presents, attentions, hidden
        return logits, presents
