"""Small generated data sets: a noisy line, sine waves, two Gaussian blobs.

Every generator takes an explicit ``torch.Generator`` (or a seed) so that a
page's data are the same on every run and every machine.

Taught in: Part II, modules 3–4 and challenge I; Part III.
"""

from __future__ import annotations

import math

import torch

from dlfp.env import as_generator as _generator


def _check_count(n: int, name: str = "n") -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{name} must be a positive int, got {n!r}")


def _check_noise(noise: float) -> None:
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite non-negative float, got {noise!r}")


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
    """
    _check_count(n)
    _check_noise(noise)
    g = _generator(seed)
    low, high = x_range
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
    """
    _check_count(n)
    _check_noise(noise)
    g = _generator(seed)
    low, high = x_range
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
    """
    _check_count(n_per_class, "n_per_class")
    if not std > 0:
        raise ValueError(f"std must be positive, got {std!r}")
    g = _generator(seed)
    c = torch.tensor(centers, dtype=torch.float32)
    if c.shape != (2, 2):
        raise ValueError(f"centers must be two 2-D points, got shape {tuple(c.shape)}")
    x = torch.cat([c[k] + std * torch.randn(n_per_class, 2, generator=g) for k in range(2)])
    y = torch.arange(2).repeat_interleave(n_per_class)
    return x, y
