"""A decoder-only (GPT-style) Transformer for multivariate time series.

Each time step :math:`x_t \\in \\mathbb R^D` is embedded, a learned position
embedding is added, and a stack of pre-norm blocks (causal multi-head
self-attention, then an MLP, each with a residual connection) produces, at
every position :math:`t`, a prediction of :math:`x_{t+1}` from
:math:`x_{\\le t}` only. Used autoregressively it generates a trajectory one
step at a time.

Taught in: :ref:`gr-challenge-lorenz` (the Lorenz Transformer)
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_int, check_model_input, check_real, check_tensor, check_type
from dlfp.nn.attention import scaled_dot_product_attention


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position :math:`t` sees positions :math:`\\le t`.

    With :math:`Q = XW_Q`, :math:`K = XW_K`, :math:`V = XW_V` (one fused
    ``qkv`` projection) split into :math:`h` heads of size :math:`d_k = d/h`,

    .. math::

        \\operatorname{head} = \\operatorname{softmax}\\!\\Big(\\frac{QK^{\\mathsf T}}{\\sqrt{d_k}} + M\\Big) V,
        \\qquad M_{ij} = \\begin{cases} 0 & j \\le i \\\\ -\\infty & j > i \\end{cases}

    and the heads are concatenated and projected by :math:`W_O`. The heads are
    :func:`dlfp.nn.attention.scaled_dot_product_attention` with
    ``is_causal=True``, the one attention of ``dlfp``.

    Args:
        d_model: width :math:`d` of a token, divisible by ``n_heads``.
        n_heads: number of heads :math:`h`.

    Shape:
        - x: :math:`(B, L, d)`
        - Output: :math:`(B, L, d)`; with ``return_weights=True`` also the
          attention weights :math:`(B, h, L, L)`, zero above the diagonal

    Torch twin: ``nn.MultiheadAttention`` with ``attn_mask=~causal_mask(L)``
    (``qkv`` is its ``in_proj``, ``out`` its ``out_proj``).

    Taught in: :ref:`gr-challenge-lorenz`, step 3
    """

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        check_int("d_model", d_model, minimum=1)
        check_int("n_heads", n_heads, minimum=1)
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        check_model_input("x", x, self, shape=("B", "L", self.d_model), nonempty=(1,))
        B, L, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        # (B, L, d) -> (B, h, L, d_k)
        q, k, v = (z.view(B, L, self.n_heads, self.d_head).transpose(1, 2) for z in (q, k, v))
        y, weights = scaled_dot_product_attention(q, k, v, is_causal=True)  # weights: (B, h, L, L)
        y = self.out(y.transpose(1, 2).reshape(B, L, d))  # concatenate the heads, project by W_O
        return (y, weights) if return_weights else y


class DecoderBlock(nn.Module):
    """Pre-norm Transformer decoder block (no cross-attention):

    .. math::

        x \\leftarrow x + \\operatorname{Attn}(\\operatorname{LN}(x)), \\qquad
        x \\leftarrow x + \\operatorname{MLP}(\\operatorname{LN}(x)),

    with a two-layer GELU MLP of width ``4 d``.

    Args:
        d_model: width :math:`d` of a token, divisible by ``n_heads``.
        n_heads: heads of the :class:`CausalSelfAttention`.

    Shape:
        - x: :math:`(B, L, d)`
        - Output: :math:`(B, L, d)`

    Taught in: :ref:`gr-challenge-lorenz`, step 3
    """

    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        check_int("d_model", d_model, minimum=1)
        check_int("n_heads", n_heads, minimum=1)
        self.d_model = d_model
        self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("B", "L", self.d_model), nonempty=(1,))
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class DecoderOnlyTransformer(nn.Module):
    """GPT-style next-step predictor for a :math:`D`-dimensional series.

    .. math::

        h^{(0)}_t = W_\\text{in} x_t + p_t, \\quad
        h^{(\\ell)} = \\operatorname{Block}_\\ell(h^{(\\ell-1)}), \\quad
        \\hat x_{t+1} = x_t + c \\odot W_\\text{out} \\operatorname{LN}(h^{(n)}_t).

    The output is a *residual*: the network predicts the increment
    :math:`\\hat x_{t+1} - x_t`, which for a finely sampled flow is small and
    smooth. Thanks to the causal mask, output :math:`t` depends on inputs
    :math:`x_{\\le t}` only, so one forward pass on a window of length
    :math:`L` makes :math:`L` next-step predictions at once (teacher forcing).

    Args:
        d_in: dimension :math:`D` of a time step.
        d_model: width of the tokens, divisible by ``n_heads``.
        n_heads: heads per block.
        n_layers: number of blocks.
        max_len: longest window (size of the learned position table).
        increment_scale: :math:`c`, a positive float or :math:`(D,)` tensor.

    Shape:
        - x: :math:`(B, L, D)` with :math:`L \\le` ``max_len``
        - Output: :math:`(B, L, D)`; position :math:`t` predicts :math:`x_{t+1}`

    Taught in: :ref:`gr-challenge-lorenz`, step 3
    """

    def __init__(
        self,
        d_in: int = 3,
        d_model: int = 64,
        n_heads: int = 4,
        n_layers: int = 2,
        max_len: int = 50,
        increment_scale: float | torch.Tensor = 1.0,
    ) -> None:
        super().__init__()
        for name, value in (
            ("d_in", d_in),
            ("d_model", d_model),
            ("n_heads", n_heads),
            ("n_layers", n_layers),
            ("max_len", max_len),
        ):
            check_int(name, value, minimum=1)
        self.d_in, self.max_len = d_in, max_len
        self.embed = nn.Linear(d_in, d_model)
        self.position = nn.Parameter(torch.zeros(max_len, d_model))
        nn.init.normal_(self.position, std=0.02)
        self.blocks = nn.ModuleList(DecoderBlock(d_model, n_heads) for _ in range(n_layers))
        self.ln = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, d_in)
        if isinstance(increment_scale, torch.Tensor):
            if increment_scale.numel() not in (1, d_in):
                raise ValueError(
                    f"increment_scale must be a number or a ({d_in},) tensor, got shape {tuple(increment_scale.shape)}"
                )
        else:
            check_real("increment_scale", increment_scale)
        scale = torch.as_tensor(increment_scale, dtype=torch.float32).reshape(-1).expand(d_in).clone()
        if not torch.all(torch.isfinite(scale) & (scale > 0)):
            raise ValueError(f"increment_scale must be positive and finite, got {increment_scale!r}")
        self.register_buffer("increment_scale", scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("B", "L", self.d_in), nonempty=(1,))
        L = x.shape[1]
        if L > self.max_len:
            raise ValueError(f"x must have at most max_len={self.max_len} steps (L), got window length {L}")
        h = self.embed(x) + self.position[:L]
        for block in self.blocks:
            h = block(h)
        return x + self.increment_scale * self.head(self.ln(h))


@torch.no_grad()
def rollout(model: DecoderOnlyTransformer, context: torch.Tensor, steps: int) -> torch.Tensor:
    """Generate ``steps`` future states autoregressively.

    Start from the ``context`` window; repeatedly predict the next state from
    the last ``max_len`` states (the prediction at the last position), append
    it, and continue — the model consumes its own output. The model runs in
    eval mode and gets its mode back at the end.

    Args:
        model: a :class:`DecoderOnlyTransformer`.
        context: the states to start from, finite.
        steps: number of states to generate.

    Shape:
        - context: :math:`(L, D)` with :math:`L \\ge 1`; only the last
          ``max_len`` steps are used
        - Output: :math:`(\\text{steps}, D)`, the generated states only

    Taught in: :ref:`gr-challenge-lorenz`, step 4
    """
    check_type("model", model, DecoderOnlyTransformer, "a DecoderOnlyTransformer")
    check_model_input("context", context, model, shape=("L", model.d_in))
    check_tensor("context", context, finite=True)
    if context.shape[0] < 1:
        raise ValueError(f"context must hold at least one step (L >= 1), got shape {tuple(context.shape)}")
    check_int("steps", steps, minimum=1)
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
