"""Physics on a periodic grid: the lattice Green's function of the (screened) Poisson
equation, its FFT solver, and smooth random fields to coarse-grain.

Taught in: :ref:`ch-convolutions` (§4.3 "The convolution as a Green's function",
§4.5 "Pooling = coarse graining").
"""

from __future__ import annotations

import math

import torch

from dlfp._checks import check_floating_dtype, check_int, check_positive, check_tensor, check_type


def _check_grid(n: object, spacing: object, kappa: object) -> None:
    check_int("n", n, minimum=2)
    check_positive("spacing", spacing)
    check_positive("kappa", kappa, allow_zero=True)


def _symbol(n: int, spacing: float, kappa: float, dtype: torch.dtype) -> torch.Tensor:
    """Eigenvalues of -∇²_h + κ² on the periodic n × n grid (5-point stencil)."""
    s = torch.sin(math.pi * torch.arange(n, dtype=dtype) / n).pow(2) * (4.0 / spacing**2)
    return s[:, None] + s[None, :] + kappa**2


def screened_poisson_green(
    n: int, spacing: float = 1.0, kappa: float = 1.0, dtype: torch.dtype = torch.float64
) -> torch.Tensor:
    """Periodic lattice Green's function :math:`G` of :math:`(-\\nabla_h^2 + \\kappa^2)\\,\\phi = \\rho`.

    :math:`\\nabla_h^2` is the 5-point finite-difference Laplacian with grid
    spacing :math:`h` on an :math:`n \\times n` periodic grid, and

    .. math::

        \\hat G(k) = \\frac{1}{\\tfrac{4}{h^2}\\big(\\sin^2\\tfrac{\\pi k_x}{n}
        + \\sin^2\\tfrac{\\pi k_y}{n}\\big) + \\kappa^2},
        \\qquad \\phi = h^2 \\sum_{r'} G(r - r')\\,\\rho(r')

    (the sum is circular: the boundary conditions are periodic). ``G[0, 0]`` is
    the response at the source; ``G[i, j]`` that at offset ``(i, j)`` modulo ``n``.
    For ``kappa = 0`` the zero mode is dropped (:math:`\\hat G(0) = 0`): the
    solution is the zero-mean one, which exists only for a zero-mean source.
    For :math:`\\kappa h \\ll 1 \\ll \\kappa n h`, ``G`` approaches the free-space
    :math:`K_0(\\kappa r)/(2\\pi)`.

    Args:
        n: grid points per side, :math:`n \\ge 2`.
        spacing: grid spacing :math:`h > 0`.
        kappa: screening :math:`\\kappa \\ge 0` (0: plain Poisson).
        dtype: floating dtype of the result.

    Shape:
        - Output: :math:`(n, n)`

    Taught in: :ref:`ch-convolutions` (§4.3).
    """
    _check_grid(n, spacing, kappa)
    check_floating_dtype("dtype", dtype)
    symbol = _symbol(n, float(spacing), float(kappa), dtype)
    inverse = torch.where(symbol > 0, 1.0 / torch.where(symbol > 0, symbol, 1.0), 0.0)
    return torch.fft.ifft2(inverse).real / spacing**2


def solve_screened_poisson(rho: torch.Tensor, spacing: float = 1.0, kappa: float = 1.0) -> torch.Tensor:
    """Solve :math:`(-\\nabla_h^2 + \\kappa^2)\\,\\phi = \\rho` on a periodic grid by FFT.

    .. math::

        \\phi = \\mathcal{F}^{-1}\\big[\\hat G(k)\\, \\mathcal{F}[\\rho](k)\\big]

    with :math:`\\hat G` as in :func:`screened_poisson_green`. By the
    convolution theorem this equals the circular convolution of ``rho`` with
    the Green's function.

    Args:
        rho: the source, floating and finite.
        spacing, kappa: as in :func:`screened_poisson_green`.

    Shape:
        - rho: :math:`(*, n, n)`
        - Output: same as ``rho``

    Compared with: a sparse solve of the linear system, and ``F.conv2d`` with :math:`G`.

    Raises:
        ValueError: if ``kappa = 0`` and ``rho`` has non-zero mean (periodic Poisson: the total
            charge must vanish).

    Taught in: :ref:`ch-convolutions` (§4.3).
    """
    check_tensor("rho", rho, floating=True)
    if rho.ndim < 2 or rho.shape[-1] != rho.shape[-2]:
        raise ValueError(f"rho must have shape (*, n, n), got {tuple(rho.shape)}")
    check_tensor("rho", rho, finite=True)
    n = rho.shape[-1]
    _check_grid(n, spacing, kappa)
    if kappa == 0:
        mean = rho.mean(dim=(-2, -1)).abs().max()
        if mean > 1e-6 * rho.abs().max().clamp_min(1e-30):
            raise ValueError(f"with kappa = 0 rho must have zero mean (periodic Poisson), got mean {mean.item():.3g}")
    symbol = _symbol(n, float(spacing), float(kappa), rho.dtype).to(rho.device)
    inverse = torch.where(symbol > 0, 1.0 / torch.where(symbol > 0, symbol, 1.0), 0.0)
    return torch.fft.ifft2(torch.fft.fft2(rho) * inverse).real


def smooth_random_field(
    n: int, correlation_length: float, generator: torch.Generator | None = None, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """A periodic Gaussian random field with a Gaussian correlation function, unit variance.

    White noise :math:`\\xi` smoothed by a Gaussian kernel of width
    :math:`\\ell` (``correlation_length``, in grid cells), via FFT:

    .. math::

        u = \\mathcal{F}^{-1}\\big[e^{-k^2 \\ell^2/2}\\, \\mathcal{F}[\\xi]\\big],
        \\qquad u \\leftarrow (u - \\bar u)/\\mathrm{std}(u)

    Args:
        n: grid points per side, :math:`n \\ge 2`.
        correlation_length: :math:`\\ell \\ge 0`, in grid cells (0: white noise).
        generator: source of the noise; ``None``: the global generator.
        dtype: floating dtype of the result.

    Shape:
        - Output: :math:`(n, n)`

    Taught in: :ref:`ch-convolutions` (§4.5).
    """
    _check_grid(n, 1.0, 0.0)
    check_positive("correlation_length", correlation_length, allow_zero=True)
    check_type("generator", generator, (torch.Generator, type(None)), "a torch.Generator or None")
    check_floating_dtype("dtype", dtype)
    noise = torch.randn(n, n, generator=generator, dtype=torch.float64)
    k = 2 * math.pi * torch.fft.fftfreq(n, dtype=torch.float64)
    k2 = k[:, None] ** 2 + k[None, :] ** 2
    u = torch.fft.ifft2(torch.fft.fft2(noise) * torch.exp(-0.5 * k2 * correlation_length**2)).real
    u = (u - u.mean()) / u.std()
    return u.to(dtype)
