"""Muon: SGD momentum whose update is orthogonalised by a Newton-Schulz iteration (Jordan et al. 2024,
"Muon: An optimizer for hidden layers in neural networks"; written here from the published description).

For a weight matrix W [out, in] with gradient G, Muon keeps a momentum buffer M = mu M + G, takes the
Nesterov look-ahead G + mu M, and replaces it by the nearest semi-orthogonal matrix U V^T (from its SVD
U S V^T), approximated by five steps of a quintic Newton-Schulz iteration whose coefficients push every
singular value into roughly [0.7, 1.2] quickly rather than exactly to 1. All directions of the update then
get the same size, which is what gives Muon its sample efficiency on the hidden matrices of a transformer.
Only 2-D matrices inside the blocks take Muon; embeddings, the tied output matrix, gains and biases stay
on AdamW, as in the original.

A matrix that is several matrices side by side (attention's fused query/key/value projection) is
orthogonalised per part: `split` gives the number of equal row blocks.
"""
from __future__ import annotations

import torch

NS_COEFFS = (3.4445, -4.7750, 2.0315)


@torch.no_grad()
def newton_schulz(g: torch.Tensor, steps: int = 5, eps: float = 1e-7) -> torch.Tensor:
    """Approximately orthogonalise the last two dims of g ([..., m, n]); returns the same shape."""
    a, b, c = NS_COEFFS
    x = g.float()
    transposed = x.size(-2) > x.size(-1)
    if transposed:
        x = x.transpose(-2, -1)  # [.., small, large]: X X^T is the small square
    x = x / (x.norm(dim=(-2, -1), keepdim=True) + eps)  # spectral norm <= Frobenius norm <= 1
    for _ in range(steps):
        s = x @ x.transpose(-2, -1)
        x = a * x + (b * s + c * (s @ s)) @ x
    if transposed:
        x = x.transpose(-2, -1)
    return x.to(g.dtype)


class Muon(torch.optim.Optimizer):
    """Muon for 2-D parameters. Each param group may set lr, momentum, nesterov, ns_steps, weight_decay
    (decoupled, multiplied by lr) and split (row blocks orthogonalised separately; 1 = whole matrix).
    The update of a block [r, c] is scaled by sqrt(max(1, r / c)) so that tall and wide blocks move
    their outputs by similar amounts."""

    def __init__(self, params, lr: float = 0.02, momentum: float = 0.95, nesterov: bool = True, ns_steps: int = 5,
                 weight_decay: float = 0.0, split: int = 1):
        super().__init__(params, dict(lr=lr, momentum=momentum, nesterov=nesterov, ns_steps=ns_steps,
                                      weight_decay=weight_decay, split=split))

    @torch.no_grad()
    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.dim() != 2:
                    raise ValueError("Muon takes 2-D parameters only")
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(p)
                buf = state["momentum_buffer"]
                buf.mul_(group["momentum"]).add_(p.grad)
                g = p.grad.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                k = group["split"]
                rows, cols = p.shape[0] // k, p.shape[1]
                u = newton_schulz(g.view(k, rows, cols), group["ns_steps"]).view_as(p)
                if group["weight_decay"]:
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                p.add_(u, alpha=-group["lr"] * max(1.0, rows / cols) ** 0.5)
        return loss
