"""Small generated data sets: a noisy line, sine waves, two Gaussian blobs.

Every generator takes an explicit ``torch.Generator`` (or a seed) so that a
page's data are the same on every run and every machine.

Taught in: :ref:`ch-training-loop`, :ref:`gradiens-module-3`, :ref:`gradiens-module-4`,
:ref:`gr-challenges-raw-metal`, :ref:`wk1-training-loop`.
"""

from __future__ import annotations

import math

import torch

from dlfp._checks import check_int, check_positive, check_real, describe
from dlfp.book.env import as_generator as _generator


def _check_range(x_range: object) -> tuple[float, float]:
    try:
        low, high = x_range  # type: ignore[misc]
    except (TypeError, ValueError):
        raise TypeError(f"x_range must be two numbers (low, high), got {describe(x_range)}") from None
    low, high = check_real("x_range[0]", low), check_real("x_range[1]", high)
    if not low < high:
        raise ValueError(f"x_range must be increasing (low < high), got {x_range!r}")
    return low, high


def noisy_line(
    n: int,
    slope: float = 2.0,
    intercept: float = 1.0,
    noise: float = 0.1,
    x_range: tuple[float, float] = (-1.0, 1.0),
    seed: int | torch.Generator | None = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Points on a line plus Gaussian noise: :math:`y = a x + b + \\sigma\\varepsilon`.

    ``x`` is uniform on ``x_range`` and :math:`\\varepsilon \\sim \\mathcal N(0, 1)`.

    Args:
        n: number of points.
        slope, intercept: :math:`a` and :math:`b`.
        noise: the standard deviation :math:`\\sigma \\ge 0`.
        x_range: ``(low, high)`` of ``x``.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: ``(x, y)``, each :math:`(n, 1)`, ``float32``.

    Taught in: :ref:`ch-training-loop` (§5.3), :ref:`gradiens-module-3` (§3.3.2).
    """
    check_int("n", n, minimum=1)
    check_positive("noise", noise, allow_zero=True)
    check_real("slope", slope)
    check_real("intercept", intercept)
    low, high = _check_range(x_range)
    g = _generator(seed)
    x = low + (high - low) * torch.rand(n, 1, generator=g)
    y = slope * x + intercept + noise * torch.randn(n, 1, generator=g)
    return x, y


def sine_wave(
    n: int,
    x_range: tuple[float, float] = (-math.pi, math.pi),
    noise: float = 0.0,
    seed: int | torch.Generator | None = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Samples of :math:`y = \\sin x + \\sigma\\varepsilon` at uniformly random ``x``.

    Args:
        n: number of samples.
        x_range: ``(low, high)`` of ``x``; one period by default.
        noise: the standard deviation :math:`\\sigma \\ge 0`; 0 gives the clean curve.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: ``(x, y)``, each :math:`(n, 1)`, ``float32``.

    Taught in: :ref:`gradiens-module-4` (§4.4.2), :ref:`gr-challenges-raw-metal` (challenge II).
    """
    check_int("n", n, minimum=1)
    check_positive("noise", noise, allow_zero=True)
    low, high = _check_range(x_range)
    g = _generator(seed)
    x = low + (high - low) * torch.rand(n, 1, generator=g)
    return x, torch.sin(x) + noise * torch.randn(n, 1, generator=g)


def two_blobs(
    n_per_class: int,
    centers: tuple[tuple[float, float], tuple[float, float]] = ((-2.0, -2.0), (2.0, 2.0)),
    std: float = 1.0,
    seed: int | torch.Generator | None = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two isotropic Gaussian clusters in the plane, labelled 0 and 1.

    Args:
        n_per_class: points :math:`n` in each cluster.
        centers: the two cluster means, ``((x0, y0), (x1, y1))``.
        std: the standard deviation of each coordinate, positive.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: ``(x, y)`` with ``x`` :math:`(2n, 2)` ``float32`` and
          ``y`` :math:`(2n,)` ``int64``; class 0 first, then class 1.

    Taught in: :ref:`gr-challenges-raw-metal` (challenge I), :ref:`wk1-boilerplate` (§9.1).
    """
    check_int("n_per_class", n_per_class, minimum=1)
    check_positive("std", std)
    g = _generator(seed)
    try:
        c = torch.tensor(centers, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"centers must be two 2-D points, got {describe(centers)}") from None
    if c.shape != (2, 2) or not torch.isfinite(c).all():
        raise ValueError(f"centers must be two 2-D points (shape (2, 2), finite), got shape {tuple(c.shape)}")
    x = torch.cat([c[k] + std * torch.randn(n_per_class, 2, generator=g) for k in range(2)])
    y = torch.arange(2).repeat_interleave(n_per_class)
    return x, y
