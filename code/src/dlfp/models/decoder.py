"""A decoder-only (GPT-style) Transformer for multivariate time series.

Each time step :math:`x_t \\in \\mathbb R^D` is embedded, a learned position
embedding is added, and a stack of pre-norm blocks (causal multi-head
self-attention, then an MLP, each with a residual connection) produces, at
every position :math:`t`, a prediction of :math:`x_{t+1}` from
:math:`x_{\\le t}` only. Used autoregressively it generates a trajectory one
step at a time.

Taught in: Part II, Grand Examination, challenge V (the Lorenz Transformer).
"""

from __future__ import annotations

import math

import torch
from torch import nn


def causal_mask(length: int, device: torch.device | str | None = None) -> torch.Tensor:
    """Boolean mask, ``True`` where attention is **forbidden**: position :math:`i` may
    attend to :math:`j` only if :math:`j \\le i`.

    .. math::

        M_{ij} = [\\, j > i \\,], \\qquad
        \\text{scores}_{ij} \\leftarrow -\\infty \\text{ where } M_{ij}.

    Shape:
        - Output: :math:`(L, L)`, ``bool``, strictly upper triangular.

    Raises:
        ValueError: if ``length`` is not a positive int.
    """
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        raise ValueError(f"length must be a positive int, got {length!r}")
    return torch.ones(length, length, dtype=torch.bool, device=device).triu(diagonal=1)


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position :math:`t` sees positions :math:`\\le t`.

    With :math:`Q = XW_Q`, :math:`K = XW_K`, :math:`V = XW_V` split into
    :math:`h` heads of size :math:`d_k = d/h`,

    .. math::

        \\operatorname{head} = \\operatorname{softmax}\\!\\Big(\\frac{QK^{\\mathsf T}}{\\sqrt{d_k}} + M\\Big) V,
        \\qquad M_{ij} = \\begin{cases} 0 & j \\le i \\\\ -\\infty & j > i \\end{cases}

    and the heads are concatenated and projected by :math:`W_O`. Written out
    (not with ``F.scaled_dot_product_attention``) so the mask is visible; the
    unit tests compare the two.

    Shape:
        - Input: :math:`(B, L, d)`.
        - Output: :math:`(B, L, d)`; with ``return_weights=True`` also the
          attention weights :math:`(B, h, L, L)`.
    """

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        B, L, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        # (B, L, d) -> (B, h, L, d_k)
        q, k, v = (z.view(B, L, self.n_heads, self.d_head).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)  # (B, h, L, L)
        scores = scores.masked_fill(causal_mask(L, x.device), float("-inf"))
        weights = scores.softmax(dim=-1)
        y = (weights @ v).transpose(1, 2).reshape(B, L, d)
        y = self.out(y)
        return (y, weights) if return_weights else y


class DecoderBlock(nn.Module):
    """Pre-norm Transformer decoder block (no cross-attention):

    .. math::

        x \\leftarrow x + \\operatorname{Attn}(\\operatorname{LN}(x)), \\qquad
        x \\leftarrow x + \\operatorname{MLP}(\\operatorname{LN}(x)),

    with a two-layer GELU MLP of width ``4 d``.

    Shape:
        - Input: :math:`(B, L, d)`. Output: :math:`(B, L, d)`.
    """

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class DecoderOnlyTransformer(nn.Module):
    """GPT-style next-step predictor for a :math:`D`-dimensional series.

    .. math::

        h^{(0)}_t = W_\\text{in} x_t + p_t, \\quad
        h^{(\\ell)} = \\operatorname{Block}_\\ell(h^{(\\ell-1)}), \\quad
        \\hat x_{t+1} = x_t + W_\\text{out} \\operatorname{LN}(h^{(n)}_t).

    The output is a *residual*: the network predicts the increment
    :math:`\\hat x_{t+1} - x_t`, which for a finely sampled flow is small and
    smooth. Thanks to the causal mask, output :math:`t` depends on inputs
    :math:`x_{\\le t}` only, so one forward pass on a window of length
    :math:`L` makes :math:`L` next-step predictions at once (teacher forcing).

    Args:
        d_in: dimension :math:`D` of a time step.
        d_model, n_heads, n_layers: width, heads per block, number of blocks.
        max_len: longest window (size of the learned position table).
        increment_scale: :math:`c`, a float or a :math:`(D,)` tensor.

    Shape:
        - Input: :math:`(B, L, D)` with :math:`L \\le` ``max_len``.
        - Output: :math:`(B, L, D)`; position :math:`t` predicts :math:`x_{t+1}`.
    """

    def __init__(
        self, d_in: int = 3, d_model: int = 64, n_heads: int = 4, n_layers: int = 2, max_len: int = 50,
        increment_scale: float | torch.Tensor = 1.0,
    ) -> None:
        super().__init__()
        if min(d_in, d_model, n_heads, n_layers, max_len) < 1:
            raise ValueError("d_in, d_model, n_heads, n_layers and max_len must all be >= 1")
        self.d_in, self.max_len = d_in, max_len
        self.embed = nn.Linear(d_in, d_model)
        self.position = nn.Parameter(torch.zeros(max_len, d_model))
        nn.init.normal_(self.position, std=0.02)
        self.blocks = nn.ModuleList(DecoderBlock(d_model, n_heads) for _ in range(n_layers))
        self.ln = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, d_in)
        scale = torch.as_tensor(increment_scale, dtype=torch.float32).expand(d_in).clone()
        if not torch.all(scale > 0):
            raise ValueError(f"increment_scale must be positive, got {increment_scale!r}")
        self.register_buffer("increment_scale", scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.ndim != 3 or x.shape[-1] != self.d_in:
            raise ValueError(
                f"x must have shape (B, L, {self.d_in}), got "
                f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}"
            )
        L = x.shape[1]
        if L > self.max_len:
            raise ValueError(f"window length {L} exceeds max_len={self.max_len}")
        h = self.embed(x) + self.position[:L]
        for block in self.blocks:
            h = block(h)
        return x + self.increment_scale * self.head(self.ln(h))


@torch.no_grad()
def rollout(model: DecoderOnlyTransformer, context: torch.Tensor, steps: int) -> torch.Tensor:
    """Generate ``steps`` future states autoregressively.

    Start from the ``context`` window; repeatedly predict the next state from
    the last ``max_len`` states (the prediction at the last position), append
    it, and continue — the model consumes its own output.

    Shape:
        - context: :math:`(L, D)` with :math:`1 \\le L`; only the last
          ``max_len`` steps are used.
        - Output: :math:`(\\text{steps}, D)`, the generated states only.

    Raises:
        ValueError: for a context of the wrong shape or a non-positive ``steps``.
    """
    if not isinstance(context, torch.Tensor) or context.ndim != 2 or context.shape[1] != model.d_in:
        raise ValueError(
            f"context must have shape (L, {model.d_in}), got "
            f"{tuple(context.shape) if isinstance(context, torch.Tensor) else type(context).__name__}"
        )
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    was_training = model.training
    model.eval()
    window = context[-model.max_len :].clone()
    out = []
    for _ in range(steps):
        nxt = model(window[None])[0, -1]
        out.append(nxt)
        window = torch.cat([window[1:] if len(window) == model.max_len else window, nxt[None]])
    model.train(was_training)
    return torch.stack(out)
