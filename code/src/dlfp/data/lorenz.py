"""The Lorenz system: its vector field and Jacobian, a trajectory, and its largest Lyapunov exponent.

* :func:`lorenz_trajectory` — a trajectory integrated with ``scipy.integrate.solve_ivp``
  and sampled at a fixed step;
* :func:`lorenz_max_lyapunov` — the largest Lyapunov exponent by Benettin's method,
  the clock against which a forecast of a chaotic system is judged.

Taught in: :ref:`gr-challenge-lorenz` (challenge V).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy.integrate import solve_ivp

from dlfp._checks import check_int, check_positive, check_real, check_seed, describe

LORENZ_SIGMA, LORENZ_RHO, LORENZ_BETA = 10.0, 28.0, 8.0 / 3.0


def lorenz_rhs(
    state: np.ndarray,
    sigma: float = LORENZ_SIGMA,
    rho: float = LORENZ_RHO,
    beta: float = LORENZ_BETA,
) -> np.ndarray:
    """The Lorenz vector field :math:`f(x, y, z)`, NumPy in and out.

    .. math::

        \\dot x = \\sigma (y - x), \\quad \\dot y = x(\\rho - z) - y, \\quad \\dot z = xy - \\beta z.

    Args:
        state: the point ``(x, y, z)``, or ``M`` points as columns.
        sigma, rho, beta: the parameters; Lorenz's chaotic 10, 28, 8/3 by default.

    Shape:
        - state: :math:`(3,)` or :math:`(3, M)` (``M`` states at once).
        - Output: same shape as ``state``.

    Taught in: :ref:`gr-challenge-lorenz` (step 1, the samples checked against the field).
    """
    state = _check_lorenz_state(state, allow_batch=True)
    sigma, rho, beta = (check_real(n, v) for n, v in (("sigma", sigma), ("rho", rho), ("beta", beta)))
    return _rhs(state, sigma, rho, beta)


def _rhs(state: np.ndarray, sigma: float, rho: float, beta: float) -> np.ndarray:
    # unchecked: the ODE solvers call it at every step with arguments checked once beforehand
    x, y, z = state
    return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])


def _settle(state: np.ndarray, params: tuple, transient: float, rtol: float, atol: float) -> np.ndarray:
    # the state after integrating away `transient` time units, onto the attractor
    if transient <= 0:
        return state
    warm = solve_ivp(lambda t, s: _rhs(s, *params), (0.0, transient), state, method="DOP853", rtol=rtol, atol=atol)
    return warm.y[:, -1]


def lorenz_jacobian(
    state: np.ndarray,
    sigma: float = LORENZ_SIGMA,
    rho: float = LORENZ_RHO,
    beta: float = LORENZ_BETA,
) -> np.ndarray:
    """Jacobian :math:`J_{ij} = \\partial f_i / \\partial x_j` of :func:`lorenz_rhs`.

    .. math::

        J = \\begin{pmatrix} -\\sigma & \\sigma & 0 \\\\ \\rho - z & -1 & -x \\\\ y & x & -\\beta \\end{pmatrix}.

    Args:
        state: the point ``(x, y, z)``.
        sigma, rho, beta: the parameters, as in :func:`lorenz_rhs`.

    Shape:
        - state: :math:`(3,)`.
        - Output: :math:`(3, 3)`.
    """
    state = _check_lorenz_state(state, allow_batch=False)
    sigma, rho, beta = (check_real(n, v) for n, v in (("sigma", sigma), ("rho", rho), ("beta", beta)))
    return _jacobian(state, sigma, rho, beta)


def _jacobian(state: np.ndarray, sigma: float, rho: float, beta: float) -> np.ndarray:
    x, y, z = state
    return np.array([[-sigma, sigma, 0.0], [rho - z, -1.0, -x], [y, x, -beta]])


def _check_lorenz_state(state, allow_batch: bool) -> np.ndarray:
    if isinstance(state, np.ndarray) and state.dtype.kind == "f":
        arr = state
    else:
        try:
            arr = np.asarray(state, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"state must be an array of numbers, got {describe(state)}") from None
    if arr.shape[:1] != (3,) or arr.ndim > (2 if allow_batch else 1):
        expected = "(3,) or (3, M)" if allow_batch else "(3,)"
        raise ValueError(f"state must have shape {expected} (x, y, z), got shape {arr.shape}")
    return arr


def _check_state(x0, name: str = "x0") -> np.ndarray:
    try:
        arr = np.asarray(x0, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a point (x, y, z) of three numbers, got {describe(x0)}") from None
    if arr.shape != (3,):
        raise ValueError(f"{name} must be a point (x, y, z) of shape (3,), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr}")
    return arr


def lorenz_trajectory(
    n_steps: int,
    dt: float = 0.01,
    x0: tuple[float, float, float] = (1.0, 1.0, 1.0),
    sigma: float = LORENZ_SIGMA,
    rho: float = LORENZ_RHO,
    beta: float = LORENZ_BETA,
    transient: float = 10.0,
    rtol: float = 1e-10,
    atol: float = 1e-10,
) -> torch.Tensor:
    """A trajectory of the Lorenz system sampled every ``dt``.

    The system (:func:`lorenz_rhs`) is integrated from ``x0`` with
    ``scipy.integrate.solve_ivp`` (an adaptive Runge–Kutta method, DOP853, at
    tolerances ``rtol``/``atol``); the first ``transient`` time units are
    discarded so that the samples lie on the attractor, and the next
    ``n_steps`` states are returned at times :math:`t_k = k\\,\\Delta t`.

    Shape:
        - Output: :math:`(n\\_steps, 3)`, ``float64`` (columns ``x, y, z``).

    Taught in: :ref:`gr-challenge-lorenz` (step 1).
    """
    check_int("n_steps", n_steps, minimum=2)
    check_positive("dt", dt)
    check_positive("transient", transient, allow_zero=True)
    check_positive("rtol", rtol)
    check_positive("atol", atol)
    start = _check_state(x0)
    params = tuple(check_real(n, v) for n, v in (("sigma", sigma), ("rho", rho), ("beta", beta)))
    start = _settle(start, params, transient, rtol, atol)
    t_eval = dt * np.arange(n_steps)
    sol = solve_ivp(
        lambda t, s: _rhs(s, *params),
        (0.0, t_eval[-1]),
        start,
        method="DOP853",
        t_eval=t_eval,
        rtol=rtol,
        atol=atol,
    )
    if not sol.success:  # pragma: no cover - DOP853 does not fail on this system
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    return torch.from_numpy(sol.y.T.copy())


def lorenz_max_lyapunov(
    t_total: float = 500.0,
    renorm_every: float = 1.0,
    x0: tuple[float, float, float] = (1.0, 1.0, 1.0),
    sigma: float = LORENZ_SIGMA,
    rho: float = LORENZ_RHO,
    beta: float = LORENZ_BETA,
    transient: float = 10.0,
    rtol: float = 1e-9,
    atol: float = 1e-9,
    seed: int = 0,
) -> tuple[float, np.ndarray]:
    """Largest Lyapunov exponent of the Lorenz flow by Benettin's method.

    A state :math:`x` and a tangent vector :math:`v` are integrated together,

    .. math::

        \\dot x = f(x), \\qquad \\dot v = J(x)\\, v,

    (``J`` from :func:`lorenz_jacobian`). Every ``renorm_every`` time units
    :math:`\\tau` the growth :math:`\\lVert v \\rVert` is recorded and ``v`` is
    normalised back to unit length, so that

    .. math::

        \\lambda_\\text{max} \\approx \\frac{1}{K\\tau} \\sum_{k=1}^{K} \\ln \\lVert v(k\\tau) \\rVert.

    A random unit ``v(0)`` has a component along the most unstable direction
    almost surely, and repeated stretching aligns it with that direction.
    For :math:`\\sigma=10, \\rho=28, \\beta=8/3` the exponent is about 0.906,
    so one *Lyapunov time* is :math:`1/\\lambda_\\text{max} \\approx 1.10`
    time units.

    Returns:
        ``(lambda_max, running)`` where ``running[k]`` is the estimate after
        ``k + 1`` renormalisations (to show convergence).

    Taught in: :ref:`gr-challenge-lorenz` (the clock of chaos).
    """
    check_positive("renorm_every", renorm_every)
    check_positive("t_total", t_total)
    check_positive("transient", transient, allow_zero=True)
    check_positive("rtol", rtol)
    check_positive("atol", atol)
    check_seed("seed", seed, minimum=0)
    if not t_total >= renorm_every:
        raise ValueError(f"t_total must be at least renorm_every ({renorm_every}), got {t_total!r}")
    params = tuple(check_real(n, v) for n, v in (("sigma", sigma), ("rho", rho), ("beta", beta)))
    state = _settle(_check_state(x0), params, transient, rtol, atol)
    v = np.random.default_rng(seed).standard_normal(3)
    v /= np.linalg.norm(v)

    def rhs(t, s):
        return np.concatenate([_rhs(s[:3], *params), _jacobian(s[:3], *params) @ s[3:]])

    n_chunks = int(t_total // renorm_every)
    logs = np.empty(n_chunks)
    s = np.concatenate([state, v])
    for k in range(n_chunks):
        s = solve_ivp(rhs, (0.0, renorm_every), s, method="DOP853", rtol=rtol, atol=atol).y[:, -1]
        growth = np.linalg.norm(s[3:])
        logs[k] = math.log(growth)
        s[3:] /= growth
    running = np.cumsum(logs) / (renorm_every * np.arange(1, n_chunks + 1))
    return float(running[-1]), running
