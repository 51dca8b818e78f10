"""Sinusoidal positional encoding: where a token is, written into its embedding.

Attention is blind to order (permuting the tokens permutes its output), so a
Transformer adds to token :math:`t` a vector that depends on :math:`t` alone:
sines and cosines of geometrically spaced frequencies (Vaswani et al., 2017).

Taught in: :ref:`gradiens-m7-pe`
"""

from __future__ import annotations

import torch

from dlfp._checks import (
    check_floating_dtype,
    check_int,
    check_positive,
)


def sinusoidal_positional_encoding(
    length: int, d_model: int, base: float = 10000.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """The sinusoidal positional encoding of *Attention Is All You Need*.

    .. math::

        \\mathrm{PE}_{t, 2m} = \\sin(\\omega_m t),\\quad
        \\mathrm{PE}_{t, 2m+1} = \\cos(\\omega_m t),\\quad
        \\omega_m = \\text{base}^{-2m/d}.

    Each pair :math:`(2m, 2m+1)` is a point on the unit circle at angle
    :math:`\\omega_m t`, so :math:`\\mathrm{PE}_{t+k}` is :math:`\\mathrm{PE}_t`
    rotated by the angle :math:`\\omega_m k` in every pair — a fixed linear map
    that depends on *k* only.

    Args:
        length: number of positions :math:`t = 0, \\dots, \\text{length} - 1`.
        d_model: channels :math:`d`, even.
        base: :math:`> 1`; sets the slowest frequency.

    Shape:
        - Output: :math:`(\\text{length}, d_{\\text{model}})`

    Taught in: :ref:`gradiens-m7-pe`.
    """
    check_int("length", length, minimum=1)
    check_int("d_model", d_model, minimum=1)
    if d_model % 2:
        raise ValueError(f"d_model must be even (sin/cos pairs), got {d_model}")
    if not check_positive("base", base) > 1:
        raise ValueError(f"base must be greater than 1, got {base!r}")
    check_floating_dtype("dtype", dtype)
    t = torch.arange(length, dtype=torch.float64)[:, None]
    omega = base ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    pe = torch.empty(length, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(t * omega)
    pe[:, 1::2] = torch.cos(t * omega)
    return pe.to(dtype)
