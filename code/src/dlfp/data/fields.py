"""Toy cosmological density fields: Gaussian random fields with an Ω_m-dependent P(k).

This is the "simulation" behind the source's ``generate_field``. A 2-D
Gaussian random field :math:`\\delta(\\mathbf{x})` on a periodic
:math:`N \\times N` grid of cell size :math:`\\Delta` (box :math:`L = N\\Delta`)
is made by filtering white noise in Fourier space:

.. math::

    \\delta = \\mathcal{F}^{-1}\\Big[\\mathcal{F}[w]\\,\\sqrt{P(|\\mathbf{k}|)}/\\Delta\\Big],
    \\qquad w_{\\mathbf{x}} \\sim \\mathcal{N}(0, 1),

so that :math:`\\langle \\Delta^2 |\\mathcal{F}[\\delta]_{\\mathbf{k}}|^2 / N^2 \\rangle = P(k)`
(the estimator of :func:`measure_power_spectrum`). The spectrum is a **toy**,
not the output of a Boltzmann code such as CAMB or CLASS:

.. math::

    P(k;\\Omega_m) = A\\,\\frac{k}{\\big[1 + (k/k_\\mathrm{eq})^2\\big]^2},
    \\qquad k_\\mathrm{eq} = \\Omega_m h \\;[h\\,\\mathrm{Mpc}^{-1}],

rising as :math:`k` on large scales, falling as :math:`k^{-3}` on small
scales, with its peak at :math:`k_\\mathrm{eq}/\\sqrt{3}`. The primordial
amplitude :math:`A` is held fixed, so a larger :math:`\\Omega_m` (earlier
matter–radiation equality) moves the turnover to smaller scales *and*
raises the small-scale power: in an infinite, infinitely resolved box the
variance is :math:`\\sigma^2 = A k_\\mathrm{eq}^3 / 8`.

Taught in: :ref:`ch-dataloader-channel` (§6.3, a physical simulation behind generate_field),
:ref:`ch-cosmonet-invariance`, :ref:`ch-pg-exercises` (exercise 4).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from dlfp._checks import check_int, check_positive, check_tensor, describe
from dlfp.book.env import as_generator as _generator

#: Hubble parameter h of the toy model.
H = 0.7
#: Default cell size Δ in Mpc/h.
CELL_SIZE = 4.0
#: Default amplitude A in (Mpc/h)^2, chosen so that σ = 1 at Ω_m = 0.3 (infinite box).
AMPLITUDE = 8.0 / (0.3 * H) ** 3


def _as_omega(omega_m) -> torch.Tensor:
    try:
        omega = torch.as_tensor(omega_m, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"omega_m must be a number or a 1-D tensor (B,), got {describe(omega_m)}") from None
    if omega.ndim > 1:
        raise ValueError(f"omega_m must be a number or a 1-D tensor (B,), got shape {tuple(omega.shape)}")
    if not torch.all(torch.isfinite(omega)) or torch.any(omega <= 0):
        raise ValueError(f"omega_m must be finite and positive, got {omega.tolist()}")
    return omega


def k_equality(omega_m, h: float = H) -> torch.Tensor:
    """Turnover scale :math:`k_\\mathrm{eq} = \\Omega_m h` in :math:`h\\,\\mathrm{Mpc}^{-1}` (toy).

    Args:
        omega_m: the matter density parameter :math:`\\Omega_m > 0`, one value or a batch.
        h: the Hubble parameter; :data:`H` (0.7) by default.

    Shape:
        - omega_m: scalar or :math:`(B,)`
        - Output: same shape, ``float64``

    Taught in: :ref:`ch-dataloader-channel` (the variance :math:`A k_\\mathrm{eq}^3/8`, checked).
    """
    check_positive("h", h)
    return _as_omega(omega_m) * h


def power_spectrum(k, omega_m, amplitude: float = AMPLITUDE, h: float = H) -> torch.Tensor:
    """The toy spectrum :math:`P(k) = A\\,k / [1 + (k/k_\\mathrm{eq})^2]^2`.

    Args:
        amplitude: :math:`A` in :math:`(h^{-1}\\mathrm{Mpc})^2`; by default :math:`\\sigma = 1` at :math:`\\Omega_m = 0.3`.
        h: the Hubble parameter in :math:`k_\\mathrm{eq}`.

    Shape:
        - k: any shape, wavenumbers in :math:`h\\,\\mathrm{Mpc}^{-1}` (non-negative)
        - omega_m: scalar, or :math:`(B,)` to get one spectrum per value
        - Output: ``k.shape`` for a scalar ``omega_m``, else :math:`(B, *k.shape)`; ``float64``

    Taught in: :ref:`ch-dataloader-channel` (§6.3).
    """
    check_positive("amplitude", amplitude)
    try:
        k = torch.as_tensor(k, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"k must be a number or a tensor of wavenumbers, got {describe(k)}") from None
    if torch.any(k < 0) or torch.any(torch.isnan(k)):
        raise ValueError(f"k must be non-negative, got minimum {k.min().item() if k.numel() else None}")
    k_eq = k_equality(omega_m, h)
    if k_eq.ndim == 1:
        k_eq = k_eq.reshape(-1, *([1] * k.ndim))
    return amplitude * k / (1 + (k / k_eq) ** 2) ** 2


def wavenumbers(size: int, cell_size: float = CELL_SIZE) -> torch.Tensor:
    """:math:`|\\mathbf{k}|` on the FFT grid of a ``size × size`` box, in :math:`h\\,\\mathrm{Mpc}^{-1}`.

    .. math::

        |\\mathbf{k}| = \\sqrt{k_x^2 + k_y^2}, \\qquad k_x, k_y = \\frac{2\\pi m}{N\\Delta},

    with the integers :math:`m` in ``torch.fft.fftfreq`` order (0, 1, ..., then the negative ones).

    Args:
        size: cells :math:`N` per side, at least 2.
        cell_size: :math:`\\Delta` in :math:`h^{-1}\\mathrm{Mpc}`.

    Shape:
        - Output: :math:`(N, N)`, ``float64``, in ``torch.fft.fftfreq`` order

    Taught in: :ref:`ch-dataloader-channel` (cosmic variance, one ring of modes).
    """
    check_int("size", size, minimum=2)
    check_positive("cell_size", cell_size)
    k1 = 2 * math.pi * torch.fft.fftfreq(size, d=cell_size, dtype=torch.float64)
    return torch.sqrt(k1[:, None] ** 2 + k1[None, :] ** 2)


def generate_fields(
    omega_m,
    size: int = 64,
    cell_size: float = CELL_SIZE,
    seed: int | torch.Generator | None = 0,
    amplitude: float = AMPLITUDE,
    h: float = H,
) -> torch.Tensor:
    """A batch of Gaussian random fields, one per value of :math:`\\Omega_m`, in one FFT.

    White noise :math:`w` is transformed, multiplied by
    :math:`\\sqrt{P(|\\mathbf{k}|;\\Omega_m)}/\\Delta` (zero at :math:`\\mathbf{k}=0`,
    so every field has mean exactly zero) and transformed back. The filter is
    real and even in :math:`\\mathbf{k}`, so the result is real.

    Args:
        size, cell_size: :math:`N` and :math:`\\Delta`, as in :func:`wavenumbers`.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.
        amplitude, h: as in :func:`power_spectrum`.

    Shape:
        - omega_m: :math:`(B,)` (or a scalar, giving :math:`(N, N)`)
        - Output: :math:`(B, N, N)`, ``float32``

    Taught in: :ref:`ch-dataloader-channel` (§6.3), :ref:`ch-cosmonet-invariance`, :ref:`ch-pg-exercises` (exercise 4).
    """
    omega = _as_omega(omega_m)
    if omega.ndim == 1 and omega.numel() == 0:
        raise ValueError("omega_m must hold at least one value (one field per value), got an empty sequence")
    g = _generator(seed)
    k = wavenumbers(size, cell_size)
    scalar = omega.ndim == 0
    omega = omega.reshape(-1)
    filt = torch.sqrt(power_spectrum(k, omega, amplitude, h)) / cell_size  # (B, N, N)
    filt[:, 0, 0] = 0.0
    noise = torch.randn(len(omega), size, size, generator=g, dtype=torch.float64)
    fields = torch.fft.ifft2(torch.fft.fft2(noise) * filt).real.float()
    return fields[0] if scalar else fields


def generate_field(omega_m: float, size: int = 64, seed: int | torch.Generator | None = None) -> np.ndarray:
    """One field as the source's ``GenerativeDataset.generate_field`` returns it: NumPy ``float32``.

    Args:
        omega_m: one value of :math:`\\Omega_m`.
        size: cells :math:`N` per side.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: :math:`(N, N)`

    Taught in: :ref:`ch-dataloader-channel` (the simulation behind the source's generate_field).
    """
    omega = _as_omega(omega_m)
    if omega.ndim != 0:
        raise ValueError(f"omega_m must be a single number, got shape {tuple(omega.shape)}")
    return generate_fields(omega, size=size, seed=seed).numpy()


def measure_power_spectrum(fields: torch.Tensor, cell_size: float = CELL_SIZE) -> tuple[torch.Tensor, torch.Tensor]:
    """Azimuthally averaged power spectrum :math:`\\hat P(k) = \\Delta^2 |\\mathcal{F}[\\delta]_\\mathbf{k}|^2 / N^2`.

    Modes are binned in shells :math:`n = \\mathrm{round}(|\\mathbf{k}|/k_f)`,
    :math:`k_f = 2\\pi/L`, for :math:`n = 1, \\dots, N/2`; each bin reports the
    mean :math:`|\\mathbf{k}|` and the mean power of its modes.

    Shape:
        - fields: :math:`(N, N)` or :math:`(B, N, N)`, real
        - Output: ``(k, P)`` with ``k`` :math:`(N/2,)` and ``P`` :math:`(N/2,)` or :math:`(B, N/2)`; ``float64``

    Taught in: :ref:`ch-dataloader-channel` (§6.3), :ref:`ch-pg-exercises` (exercise 4).
    """
    check_tensor("fields", fields)
    if fields.ndim not in (2, 3) or fields.shape[-1] != fields.shape[-2] or fields.shape[-1] < 2:
        raise ValueError(f"fields must have shape (N, N) or (B, N, N) with N >= 2, got {tuple(fields.shape)}")
    if fields.is_complex() or not fields.is_floating_point():
        raise TypeError(f"fields must be a real floating tensor, got {fields.dtype}")
    if fields.numel() == 0:
        raise ValueError(f"fields must hold at least one field (B >= 1), got shape {tuple(fields.shape)}")
    check_tensor("fields", fields, finite=True)
    check_positive("cell_size", cell_size)
    single = fields.ndim == 2
    x = fields.reshape(-1, *fields.shape[-2:]).to(torch.float64)
    n = x.shape[-1]
    power = cell_size**2 * torch.fft.fft2(x).abs() ** 2 / n**2  # (B, N, N)
    k = wavenumbers(n, cell_size)
    k_f = 2 * math.pi / (n * cell_size)
    shell = torch.round(k / k_f).long().reshape(-1)
    n_bins = n // 2
    keep = (shell >= 1) & (shell <= n_bins)
    index = shell[keep] - 1
    counts = torch.bincount(index, minlength=n_bins).to(torch.float64)
    k_mean = torch.zeros(n_bins, dtype=torch.float64).index_add_(0, index, k.reshape(-1)[keep]) / counts
    p_flat = power.reshape(len(x), -1)[:, keep]
    p_mean = torch.zeros(len(x), n_bins, dtype=torch.float64).index_add_(1, index, p_flat) / counts
    return k_mean, (p_mean[0] if single else p_mean)
