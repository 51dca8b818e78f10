"""Small generated data sets: a noisy line, sine waves, two Gaussian blobs.

Every generator takes an explicit ``torch.Generator`` (or a seed) so that a
page's data are the same on every run and every machine.

Taught in: Part II, modules 3–4 and challenge I; Part III.
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

    Shape:
        - Output: ``(x, y)``, each :math:`(n, 1)`, ``float32``.

    Raises:
        TypeError, ValueError: if ``n`` is not a positive int, ``noise`` is
            negative, ``slope``/``intercept`` are not finite numbers,
            ``x_range`` is not increasing or ``seed`` is not an int or generator.
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

    Shape:
        - Output: ``(x, y)``, each :math:`(n, 1)`, ``float32``.

    Raises:
        TypeError, ValueError: as :func:`noisy_line`.
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

    Shape:
        - Output: ``(x, y)`` with ``x`` :math:`(2n, 2)` ``float32`` and
          ``y`` :math:`(2n,)` ``int64``; class 0 first, then class 1.

    Raises:
        TypeError, ValueError: if ``n_per_class`` is not a positive int, ``std``
            not positive, ``centers`` not two finite 2-D points or ``seed`` not
            an int or generator.
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
