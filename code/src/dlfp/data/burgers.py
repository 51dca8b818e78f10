"""Viscous Burgers' equation on the periodic unit interval: a solver, an exact solution, data.

.. math::

    u_t + u\\,u_x = \\nu\\, u_{xx}, \\qquad x \\in [0, 1) \\text{ periodic}.

:func:`solve_burgers` is a Fourier pseudo-spectral solver (2/3-rule
de-aliasing) with an integrating-factor fourth-order Runge–Kutta step that
treats diffusion exactly; :func:`cole_hopf_solution` is an exact solution it
is verified against; :func:`burgers_dataset` draws random initial
conditions and solves them, for operator learning. The inviscid limit's
characteristics are in :mod:`dlfp.data.characteristics`.

Taught in: :ref:`gradiens-m7-burgers` (exercise 7.3).
"""

from __future__ import annotations

import math

import torch

from dlfp._checks import check_floating_dtype, check_int, check_positive, check_real, check_tensor
from dlfp.book.env import as_generator


def _check_coefficients(name: str, coeffs: object) -> list[float]:
    if isinstance(coeffs, (str, bytes)) or not hasattr(coeffs, "__iter__"):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(coeffs).__name__}")
    return [check_real(f"{name}[{i}]", c) for i, c in enumerate(coeffs)]


def grid(n_points: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """The periodic grid :math:`x_i = i / N`, :math:`i = 0, \\dots, N-1`.

    Args:
        n_points: :math:`N`.
        dtype: a floating dtype; ``float64``, the solver's precision, by default.

    Shape:
        - Output: :math:`(N,)`

    Taught in: :ref:`gradiens-m7-burgers`.
    """
    check_int("n_points", n_points, minimum=1)
    check_floating_dtype("dtype", dtype)
    return torch.arange(n_points, dtype=dtype) / n_points


def solve_burgers(u0: torch.Tensor, nu: float, t_final: float, n_steps: int | None = None) -> torch.Tensor:
    """Solve :math:`u_t + (u^2/2)_x = \\nu u_{xx}` on the periodic unit interval up to ``t_final``.

    In Fourier space, with wavenumbers :math:`k = 2\\pi m`,

    .. math::

        \\partial_t \\hat u_k = -\\nu k^2 \\hat u_k - \\tfrac{i k}{2}\\,\\widehat{(u^2)}_k .

    The linear part is integrated exactly by the factor
    :math:`e^{-\\nu k^2 \\Delta t}`; the nonlinear part by classical RK4
    (integrating-factor RK4). Products are de-aliased by the 2/3 rule.
    The default step count keeps :math:`\\Delta t\\,k_{\\max}\\max|u_0| \\le 2`
    and :math:`\\Delta t \\le 10^{-2}`.

    Args:
        nu: the viscosity :math:`\\nu \\ge 0`.
        t_final: the end time :math:`T \\ge 0`.
        n_steps: the number of RK4 steps; ``None`` takes the default above.

    Shape:
        - u0: :math:`(N,)` or :math:`(B, N)`, values on :func:`grid` (N even, :math:`\\ge 4`)
        - Output: same shape as ``u0``, float64

    Taught in: :ref:`gradiens-m7-burgers` (exercise 7.3).
    """
    check_tensor("u0", u0)
    if u0.ndim not in (1, 2) or u0.shape[-1] < 4 or u0.shape[-1] % 2:
        raise ValueError(f"u0 must have shape (N,) or (B, N) with N even and >= 4, got {tuple(u0.shape)}")
    if u0.ndim == 2 and u0.shape[0] == 0:
        raise ValueError(f"u0 must hold at least one initial condition (B >= 1), got shape {tuple(u0.shape)}")
    check_tensor("u0", u0, floating=True, finite=True)
    check_positive("nu", nu, allow_zero=True)
    check_positive("t_final", t_final, allow_zero=True)
    check_int("n_steps", n_steps, minimum=1, optional=True)
    u = u0.to(torch.float64)
    N = u.shape[-1]
    m = torch.fft.rfftfreq(N, d=1.0 / N, dtype=torch.float64, device=u.device)  # 0 .. N/2
    k = 2 * math.pi * m
    dealias = m <= N / 3
    if n_steps is None:
        umax = float(u.abs().max()) if u.numel() else 0.0
        dt_max = min(1e-2, 2.0 / (k[dealias].max().item() * max(umax, 1e-6)))
        n_steps = max(1, math.ceil(t_final / dt_max))
    if t_final == 0:
        return u.clone()
    dt = t_final / n_steps
    E = torch.exp(-nu * k**2 * dt)
    E2 = torch.exp(-nu * k**2 * dt / 2)
    ik_half = -0.5j * k * dealias

    def nonlinear(v_hat):
        w = torch.fft.irfft(v_hat * dealias, n=N)
        return ik_half * torch.fft.rfft(w * w)

    v = torch.fft.rfft(u)
    for _ in range(n_steps):
        a = dt * nonlinear(v)
        b = dt * nonlinear(E2 * (v + a / 2))
        c = dt * nonlinear(E2 * v + b / 2)
        d = dt * nonlinear(E * v + E2 * c)
        v = E * v + (E * a + 2 * E2 * (b + c) + d) / 6
    return torch.fft.irfft(v, n=N)


def cole_hopf_solution(
    x: torch.Tensor,
    t: float,
    nu: float,
    mean: float,
    cos_coeffs: list[float] | tuple[float, ...],
    sin_coeffs: list[float] | tuple[float, ...] = (),
) -> torch.Tensor:
    """An exact periodic solution of viscous Burgers' equation by the Cole–Hopf transform.

    If :math:`\\varphi > 0` solves the heat equation
    :math:`\\varphi_t = \\nu \\varphi_{xx}`, then
    :math:`u = -2\\nu\\, \\varphi_x / \\varphi` solves
    :math:`u_t + u u_x = \\nu u_{xx}`. With

    .. math::

        \\varphi(x, t) = a_0 + \\sum_{m \\ge 1} e^{-\\nu (2\\pi m)^2 t}
        \\big(c_m \\cos 2\\pi m x + s_m \\sin 2\\pi m x\\big),

    :math:`\\varphi` stays positive for all :math:`t \\ge 0` when
    :math:`a_0 > \\sum_m (|c_m| + |s_m|)`, which is checked.

    Args:
        mean: :math:`a_0`.
        cos_coeffs, sin_coeffs: :math:`c_1, c_2, \\dots` and :math:`s_1, s_2, \\dots`

    Shape:
        - x: any shape
        - Output: same shape as ``x``, float64

    Taught in: :ref:`gradiens-m7-burgers` (exercise 7.3).
    """
    check_tensor("x", x, finite=True)
    check_positive("nu", nu)
    check_positive("t", t, allow_zero=True)
    mean = check_real("mean", mean)
    cos_coeffs = _check_coefficients("cos_coeffs", cos_coeffs)
    sin_coeffs = _check_coefficients("sin_coeffs", sin_coeffs)
    if mean <= sum(abs(c) for c in cos_coeffs + sin_coeffs):
        raise ValueError(
            f"mean must exceed the sum of |coefficients| so that phi > 0, got mean={mean} "
            f"and sum {sum(abs(c) for c in cos_coeffs + sin_coeffs)}"
        )
    x = x.to(torch.float64)
    phi = torch.full_like(x, float(mean))
    phi_x = torch.zeros_like(x)
    for m in range(1, max(len(cos_coeffs), len(sin_coeffs)) + 1):
        km = 2 * math.pi * m
        decay = math.exp(-nu * km**2 * t)
        c = cos_coeffs[m - 1] if m <= len(cos_coeffs) else 0.0
        s = sin_coeffs[m - 1] if m <= len(sin_coeffs) else 0.0
        phi = phi + decay * (c * torch.cos(km * x) + s * torch.sin(km * x))
        phi_x = phi_x + decay * km * (-c * torch.sin(km * x) + s * torch.cos(km * x))
    return -2 * nu * phi_x / phi


def random_initial_conditions(
    n_samples: int,
    n_points: int,
    n_modes: int = 3,
    amplitude: float = 0.25,
    seed: int | torch.Generator | None = 0,
) -> torch.Tensor:
    """Random smooth zero-mean periodic fields :math:`\\sum_{m=1}^{M} a_m \\cos 2\\pi m x + b_m \\sin 2\\pi m x`.

    :math:`a_m, b_m \\sim \\mathcal N(0, (A/m)^2)` independently, so the
    spectrum decays like :math:`1/m` and the field's standard deviation is
    :math:`A \\sqrt{\\sum_m m^{-2}}`.

    Args:
        n_modes: :math:`M`, the highest mode.
        amplitude: :math:`A > 0`.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: :math:`(\\text{n\\_samples}, \\text{n\\_points})`, float64, on :func:`grid`
    """
    check_int("n_samples", n_samples, minimum=1)
    check_int("n_points", n_points, minimum=1)
    check_int("n_modes", n_modes, minimum=1)
    check_positive("amplitude", amplitude)
    g = as_generator(seed)
    m = torch.arange(1, n_modes + 1, dtype=torch.float64)
    a = torch.randn(n_samples, n_modes, generator=g, dtype=torch.float64) * amplitude / m
    b = torch.randn(n_samples, n_modes, generator=g, dtype=torch.float64) * amplitude / m
    phase = 2 * math.pi * m[:, None] * grid(n_points)[None, :]  # (M, N)
    return a @ torch.cos(phase) + b @ torch.sin(phase)


def burgers_dataset(
    n_samples: int,
    n_points: int = 64,
    nu: float = 0.02,
    t_final: float = 1.0,
    n_modes: int = 3,
    amplitude: float = 0.25,
    refine: int = 2,
    seed: int | torch.Generator | None = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pairs :math:`(u(\\cdot, 0), u(\\cdot, T))` for learning Burgers' solution operator.

    Initial conditions come from :func:`random_initial_conditions`; each is
    solved by :func:`solve_burgers` on a grid ``refine`` times finer and
    sampled back at the ``n_points`` points of :func:`grid`.

    Args:
        nu, t_final: the viscosity :math:`\\nu` and the time :math:`T`, as in :func:`solve_burgers`.
        n_modes, amplitude: as in :func:`random_initial_conditions`.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: ``(u0, uT)``, each :math:`(\\text{n\\_samples}, \\text{n\\_points})`, float32

    Taught in: :ref:`gradiens-m7-burgers` (exercise 7.3).
    """
    check_int("refine", refine, minimum=1)
    check_int("n_points", n_points, minimum=1)
    fine = random_initial_conditions(n_samples, n_points * refine, n_modes, amplitude, seed)
    solution = solve_burgers(fine, nu, t_final)
    return fine[:, ::refine].float().contiguous(), solution[:, ::refine].float().contiguous()
