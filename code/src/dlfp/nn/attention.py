"""Attention written out: scaled dot-product and multi-head; the one causal mask.

:class:`MultiHeadAttention` calls :func:`scaled_dot_product_attention`; the
benchmark suite times that against ``torch.nn.functional.scaled_dot_product_attention``.

Taught in: :ref:`gradiens-module-7` (exercise 7.1), :ref:`gr-challenge-lorenz`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from dlfp._checks import (
    check_int,
    check_model_input,
    check_same_device,
    check_tensor,
    check_type,
)


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
    is_causal: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention by hand with ``torch.matmul``; returns the output and the weights.

    .. math::

        A = \\operatorname{softmax}_j\\!\\Big(\\frac{Q K^{\\mathsf T}}{\\sqrt{D}} + M\\Big),
        \\qquad \\text{Out} = A V,

    where :math:`M_{ij} = -\\infty` where attention from query *i* to key *j* is
    forbidden. ``mask`` follows ``F.scaled_dot_product_attention``: a boolean
    mask is ``True`` where attention is *allowed*; a floating mask is added
    to the scores. ``is_causal=True`` allows key *j* only for :math:`j \\le i`.
    A query row with every key forbidden gives NaN, as a softmax over nothing.
    Costs :math:`O(L S D)` time and :math:`O(L S)` memory for the score
    matrix, per head.

    Args:
        q, k, v: queries, keys and values; floating, of one dtype and device.
        mask: bool (``True`` = allowed) or additive of ``q``'s dtype; ``None``: no mask.
        is_causal: allow key *j* only for :math:`j \\le i`.

    Shape:
        - q: :math:`(..., L, D)`;  k: :math:`(..., S, D)`;  v: :math:`(..., S, D_v)`
          (typically :math:`(B, H, L, D)`)
        - mask: broadcastable to :math:`(..., L, S)`
        - Output: ``(out, attn)`` with out :math:`(..., L, D_v)` and
          attn :math:`(..., L, S)` (rows sum to 1)

    Torch twin: ``F.scaled_dot_product_attention``, which returns ``out`` only.
    Taught in: :ref:`gradiens-m7-qkv` (the maths), :ref:`gradiens-module-7` (exercise 7.1).
    """
    check_tensor("q", q, min_ndim=2, dims="(..., L, D)", floating=True)
    check_tensor("k", k, min_ndim=2, dims="(..., S, D)", floating=True)
    check_tensor("v", v, min_ndim=2, dims="(..., S, D_v)", floating=True)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the last dimension D, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must share the sequence dimension S, got {k.shape[-2]} and {v.shape[-2]}")
    check_same_device(q=q, k=k, v=v)
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError(f"q, k and v must have the same dtype, got q {q.dtype}, k {k.dtype}, v {v.dtype}")
    try:
        torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except RuntimeError:
        raise ValueError(
            f"q, k and v must have broadcastable batch dimensions (...), got q {tuple(q.shape)}, "
            f"k {tuple(k.shape)}, v {tuple(v.shape)}"
        ) from None
    if q.shape[-2] == 0 or k.shape[-2] == 0:
        raise ValueError(
            f"q and k must hold at least one query and one key (L, S >= 1), got q {tuple(q.shape)}, k {tuple(k.shape)}"
        )
    L, S = q.shape[-2], k.shape[-2]
    scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    if is_causal:
        allowed = causal_mask(max(L, S), q.device)[:L, :S]  # top-left aligned, as F.scaled_dot_product_attention
        scores = scores.masked_fill(~allowed, float("-inf"))
    if mask is not None:
        check_type("mask", mask, torch.Tensor, "a torch.Tensor or None")
        check_same_device(mask=mask, q=q)
        try:
            torch.broadcast_shapes(mask.shape, scores.shape)
        except RuntimeError as err:
            raise ValueError(
                f"mask must broadcast to the score shape {tuple(scores.shape)}, got {tuple(mask.shape)}"
            ) from err
        if mask.dtype == torch.bool:
            scores = scores.masked_fill(~mask, float("-inf"))
        elif mask.is_floating_point():
            if mask.dtype != q.dtype:
                raise TypeError(f"mask must be bool or of q's dtype {q.dtype} (added to the scores), got {mask.dtype}")
            scores = scores + mask
        else:
            raise TypeError(f"mask must be bool or floating point, got {mask.dtype}")
    attn = F.softmax(scores, dim=-1)
    return torch.matmul(attn, v), attn


def causal_mask(length: int, device: torch.device | str | None = None) -> torch.Tensor:
    """Boolean lower-triangular mask, ``True`` where key *j* ≤ query *i* is allowed.

    This is the convention of ``F.scaled_dot_product_attention`` (and of
    :func:`scaled_dot_product_attention` here). ``nn.MultiheadAttention``'s
    boolean ``attn_mask`` means the opposite, ``True`` = *forbidden*: pass it
    ``~causal_mask(L)``. To build an additive mask, fill the forbidden
    entries, ``scores.masked_fill(~causal_mask(L), float("-inf"))``.

    .. math::

        M_{ij} = [\\, j \\le i \\,]

    Args:
        length: sequence length :math:`L \\ge 1`.
        device: where to build the mask; ``None``: the default device.

    Shape:
        - Output: :math:`(L, L)`, ``bool``, lower triangular (diagonal included)

    Taught in: :ref:`gradiens-module-7` (exercise 7.1), :ref:`gr-challenge-lorenz`.
    """
    check_int("length", length, minimum=1)
    return torch.ones(length, length, dtype=torch.bool, device=device).tril()


class MultiHeadAttention(nn.Module):
    """Multi-head self- or cross-attention with separate query/key/value projections.

    .. math::

        \\text{head}_h = \\operatorname{Attention}(X W^Q_h, X' W^K_h, X' W^V_h),\\qquad
        \\text{MHA}(X, X') = [\\text{head}_1, \\dots, \\text{head}_H]\\, W^O,

    with :math:`W^Q_h, W^K_h, W^V_h \\in \\mathbb{R}^{E \\times E/H}`.

    Args:
        embed_dim: model width :math:`E`.
        num_heads: heads :math:`H`; must divide :math:`E`.

    Shape:
        - query: :math:`(B, L, E)`;  key, value: :math:`(B, S, E)` (default: query)
        - mask: broadcastable to :math:`(B, H, L, S)`, as in
          :func:`scaled_dot_product_attention`
        - Output: ``(out, attn)``, out :math:`(B, L, E)`, attn :math:`(B, H, L, S)`

    Torch twin: ``nn.MultiheadAttention(E, H, batch_first=True)``, equal after :meth:`load_from_torch`.
    Taught in: :ref:`gradiens-m7-mha`.
    """

    def __init__(self, embed_dim: int, num_heads: int) -> None:
        super().__init__()
        check_int("embed_dim", embed_dim, minimum=1)
        check_int("num_heads", num_heads, minimum=1)
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.out_proj = nn.Linear(embed_dim, embed_dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:  # (B, L, E) -> (B, H, L, E/H)
        B, L, _ = x.shape
        return x.view(B, L, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor | None = None,
        value: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        is_causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        key = query if key is None else key
        value = key if value is None else value
        check_model_input("query", query, self, shape=("B", "L", self.embed_dim), nonempty=(1,))
        B = query.shape[0]
        check_model_input("key", key, self, shape=(B, "S", self.embed_dim), nonempty=(1,))
        check_model_input("value", value, self, shape=(B, key.shape[1], self.embed_dim))
        q, k, v = self._split(self.q_proj(query)), self._split(self.k_proj(key)), self._split(self.v_proj(value))
        out, attn = scaled_dot_product_attention(q, k, v, mask=mask, is_causal=is_causal)
        B, _, L, _ = out.shape
        return self.out_proj(out.transpose(1, 2).reshape(B, L, self.embed_dim)), attn

    @torch.no_grad()
    def load_from_torch(self, mha: nn.MultiheadAttention) -> MultiHeadAttention:
        """Copy ``nn.MultiheadAttention``: its ``in_proj_weight`` stacks W^Q, W^K, W^V by rows.

        A module built with ``bias=False`` computes with zero biases, so the
        biases here are set to zero. ``add_bias_kv=True`` and separate
        ``kdim``/``vdim`` (no packed ``in_proj_weight``) cannot be copied.

        Raises:
            ValueError: for ``add_bias_kv=True`` or separate ``kdim``/``vdim``, which this class lacks.
        """
        if not isinstance(mha, nn.MultiheadAttention):
            raise TypeError(f"mha must be an nn.MultiheadAttention, got {type(mha).__name__}")
        if (mha.embed_dim, mha.num_heads) != (self.embed_dim, self.num_heads) or mha.in_proj_weight is None:
            packed = "a packed in_proj_weight" if mha.in_proj_weight is not None else "separate kdim/vdim weights"
            raise ValueError(
                f"mha must have embed_dim={self.embed_dim}, num_heads={self.num_heads} and a packed "
                f"in_proj_weight, got embed_dim={mha.embed_dim}, num_heads={mha.num_heads} and {packed}"
            )
        if mha.bias_k is not None:
            raise ValueError("mha must not have add_bias_kv=True (extra key/value bias rows), got add_bias_kv=True")
        # nn.MultiheadAttention(bias=False) has no biases: it computes with zero ones, and so does the copy
        in_bias = mha.in_proj_bias if mha.in_proj_bias is not None else torch.zeros(3 * self.embed_dim)
        for proj, w, b in zip((self.q_proj, self.k_proj, self.v_proj), mha.in_proj_weight.chunk(3), in_bias.chunk(3)):
            proj.weight.copy_(w)
            proj.bias.copy_(b)
        self.out_proj.weight.copy_(mha.out_proj.weight)
        if mha.out_proj.bias is not None:
            self.out_proj.bias.copy_(mha.out_proj.bias)
        else:
            self.out_proj.bias.zero_()
        return self
