"""A Transformer encoder block written out, and a Transformer for Burgers' equation.

Taught in: :ref:`gradiens-module-7` (exercises 7.2 and 7.3)
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_in_range, check_int, check_model_input, check_tensor
from dlfp.nn.positional import sinusoidal_positional_encoding


class MyTransformerBlock(nn.Module):
    """One Transformer encoder layer: attention and feed-forward, each with Add & Norm.

    Post-norm (``norm_first=False``, the original Transformer and the source's
    drawing):

    .. math::

        z = \\mathrm{LN}_1(x + \\mathrm{MHA}(x)),\\qquad
        y = \\mathrm{LN}_2(z + \\mathrm{FF}(z)),\\qquad
        \\mathrm{FF}(z) = W_2\\,\\mathrm{ReLU}(W_1 z + b_1) + b_2.

    Pre-norm (``norm_first=True``) normalises the input of each sub-layer and
    leaves the residual path untouched:
    :math:`z = x + \\mathrm{MHA}(\\mathrm{LN}_1 x)`,
    :math:`y = z + \\mathrm{FF}(\\mathrm{LN}_2 z)`.

    The attention is ``nn.MultiheadAttention``, not
    :func:`dlfp.nn.attention.scaled_dot_product_attention`, because exercise 7.2 asks for that module.

    Args:
        d_model: width of a token, divisible by ``nhead``.
        nhead: number of attention heads :math:`H`.
        dim_feedforward: width of the feed-forward layer (default 2048).
        dropout: drop probability of the attention weights, the sub-layer outputs and the feed-forward hidden layer.
        norm_first: pre-norm instead of post-norm.

    Shape:
        - x: :math:`(B, L, d_{\\text{model}})` (batch first), :math:`L \\ge 1`
        - mask: :math:`(L, L)` or :math:`(B \\cdot H, L, L)`, ``nn.MultiheadAttention``'s
          ``attn_mask`` (bool: ``True`` forbids; float: added to the scores)
        - Output: :math:`(B, L, d_{\\text{model}})`; with ``return_attention=True``
          also the attention weights :math:`(B, H, L, L)`

    Torch twin: ``nn.TransformerEncoderLayer(batch_first=True)``; the parameter names are
    its own, so with ``dropout=0`` ``block.load_state_dict(layer.state_dict())`` makes the two equal.

    Taught in: :ref:`gradiens-module-7`, exercise 7.2
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.0,
        norm_first: bool = False,
    ) -> None:
        super().__init__()
        check_int("d_model", d_model, minimum=1)
        check_int("nhead", nhead, minimum=1)
        check_int("dim_feedforward", dim_feedforward, minimum=1)
        check_in_range("dropout", dropout, 0.0, 1.0, high_closed=False)
        if d_model % nhead:
            raise ValueError(f"d_model ({d_model}) must be divisible by nhead ({nhead})")
        self.d_model, self.norm_first = d_model, norm_first
        self.self_attn = nn.MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=True)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)

    def _check_mask(self, mask: object, x: torch.Tensor) -> None:
        """The ``attn_mask`` rules of ``nn.MultiheadAttention``, checked here so that the message names ``mask``."""
        check_tensor("mask", mask)
        (batch, length, _), heads = x.shape, self.self_attn.num_heads
        if mask.shape not in ((length, length), (batch * heads, length, length)):
            raise ValueError(
                f"mask must have shape ({length}, {length}) or (B*nhead, L, L) = ({batch * heads}, {length}, {length}) "
                f"for x of shape {tuple(x.shape)}, got {tuple(mask.shape)}"
            )
        if mask.dtype != torch.bool and mask.dtype != x.dtype:
            raise TypeError(
                f"mask must be a bool tensor (True = may not attend) or a float tensor of x's dtype {x.dtype} "
                f"(added to the scores), got dtype {mask.dtype}"
            )
        if mask.device != x.device:
            raise ValueError(f"mask must be on x's device {x.device}, got {mask.device}")

    def _attention(self, x, mask, need_weights):
        out, attn = self.self_attn(x, x, x, attn_mask=mask, need_weights=need_weights, average_attn_weights=False)
        return self.dropout(out), attn

    def _feed_forward(self, x):
        return self.dropout(self.linear2(self.dropout(torch.relu(self.linear1(x)))))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, return_attention: bool = False):
        check_model_input("x", x, self, shape=("B", "L", self.d_model), nonempty=(1,))
        if mask is not None:
            self._check_mask(mask, x)
        if self.norm_first:
            a, attn = self._attention(self.norm1(x), mask, return_attention)
            z = x + a
            y = z + self._feed_forward(self.norm2(z))
        else:
            residual = x
            a, attn = self._attention(x, mask, return_attention)
            z = self.norm1(residual + a)
            residual = z
            y = self.norm2(residual + self._feed_forward(z))
        return (y, attn) if return_attention else y


class BurgersTransformer(nn.Module):
    """Transformer that maps a sampled initial condition to the solution at time T.

    Each grid point is a token: the scalar :math:`u_0(x_i)` is embedded by a
    linear map to :math:`d`, a sinusoidal positional encoding of the index *i*
    is added, ``num_layers`` :class:`MyTransformerBlock` (post-norm) mix the
    tokens, and a linear head maps each token back to a scalar,

    .. math::

        \\hat u(x_i, T) = w^{\\mathsf T} \\big(\\mathrm{Block}^{\\circ n}
        (u_0(x_i)\\, e + b + \\mathrm{PE}_i)\\big) + c.

    Args:
        n_points: grid points :math:`N`, one token each (default 64).
        d_model: width of a token, divisible by ``nhead``.
        nhead: attention heads :math:`H` per block.
        num_layers: number of blocks.
        dim_feedforward: width of each block's feed-forward layer.

    Shape:
        - u0: :math:`(B, N)` with :math:`N` = ``n_points``
        - Output: :math:`(B, N)`; with ``return_attention=True`` also a list of
          per-layer attention weights, each :math:`(B, H, N, N)`

    Taught in: :ref:`gradiens-m7-burgers`, exercise 7.3
    """

    def __init__(
        self,
        n_points: int = 64,
        d_model: int = 64,
        nhead: int = 4,
        num_layers: int = 4,
        dim_feedforward: int = 128,
    ) -> None:
        super().__init__()
        check_int("n_points", n_points, minimum=1)
        check_int("d_model", d_model, minimum=1)
        check_int("num_layers", num_layers, minimum=1)
        self.n_points = n_points
        self.embed = nn.Linear(1, d_model)
        self.register_buffer("pe", sinusoidal_positional_encoding(n_points, d_model), persistent=False)
        self.blocks = nn.ModuleList(MyTransformerBlock(d_model, nhead, dim_feedforward) for _ in range(num_layers))
        self.head = nn.Linear(d_model, 1)

    def forward(self, u0: torch.Tensor, return_attention: bool = False):
        check_model_input("u0", u0, self, shape=("B", self.n_points))
        h = self.embed(u0.unsqueeze(-1)) + self.pe
        maps = []
        for block in self.blocks:
            if return_attention:
                h, attn = block(h, return_attention=True)
                maps.append(attn)
            else:
                h = block(h)
        out = self.head(h).squeeze(-1)
        return (out, maps) if return_attention else out
