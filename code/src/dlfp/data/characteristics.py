"""Burgers' equation in the inviscid limit: where the characteristic through each point started.

As :math:`\\nu \\to 0` the solution of :math:`u_t + u\\,u_x = \\nu u_{xx}` is carried along the
characteristics :math:`x = \\xi + u_0(\\xi) t`; :func:`characteristic_origin` finds their feet,
also across shocks, to compare with a trained model's attention maps.

Taught in: :ref:`gradiens-m7-bands` (exercise 7.3).
"""

from __future__ import annotations

import torch

from dlfp._checks import check_positive, check_tensor


def characteristic_origin(u0: torch.Tensor, t: float) -> torch.Tensor:
    """Where the characteristic through each grid point started (inviscid limit).

    For :math:`\\nu \\to 0` the solution is :math:`u(x, t) = u_0(\\xi^*)`
    with the Lax–Oleinik minimiser

    .. math::

        \\xi^*(x) = \\arg\\min_{\\xi} \\Big[\\frac{(x - \\xi)^2}{2t} + U_0(\\xi)\\Big],
        \\qquad U_0' = u_0,

    which equals the foot of the characteristic :math:`x = \\xi + u_0(\\xi) t`
    where that is unique and picks the right one across shocks. ``u0`` must
    have zero mean (so :math:`U_0` is periodic). The minimum is taken over
    grid points :math:`\\xi_j` in :math:`[x - 1, x + 1]`; the result is the
    grid index of :math:`\\xi^*` modulo N.

    Shape:
        - u0: :math:`(N,)` or :math:`(B, N)`, on :func:`dlfp.data.burgers.grid`
        - Output: same shape, int64 indices in :math:`[0, N)`

    Taught in: :ref:`gradiens-m7-bands` (exercise 7.3: do the attention maps show the characteristics?).
    """
    check_tensor("u0", u0)
    if u0.ndim not in (1, 2):
        raise ValueError(f"u0 must have shape (N,) or (B, N), got {tuple(u0.shape)}")
    check_tensor("u0", u0, floating=True, finite=True)
    check_positive("t", t)
    u = u0.to(torch.float64)
    squeeze = u.ndim == 1
    u = u[None] if squeeze else u
    N = u.shape[-1]
    if (u.mean(-1).abs() > 1e-6 * (1 + u.abs().max())).any():
        raise ValueError(
            f"u0 must have zero mean on each row (periodic antiderivative), got row means up to "
            f"{u.mean(-1).abs().max().item():.3g}"
        )
    # antiderivative by the trapezoidal rule on the periodic grid, then tiled over three periods
    U = torch.cumsum(torch.cat([torch.zeros_like(u[:, :1]), (u[:, :-1] + u[:, 1:]) / 2], -1), -1) / N
    U3 = torch.cat([U, U, U], dim=-1)  # (B, 3N): xi_j = (j - N)/N, j = 0..3N-1
    xi = (torch.arange(3 * N, dtype=torch.float64) - N) / N
    x = torch.arange(N, dtype=torch.float64) / N
    cost = (x[:, None] - xi[None, :]) ** 2 / (2 * t) + U3[:, None, :]  # (B, N, 3N)
    best = cost.argmin(-1)
    out = best % N
    return out[0] if squeeze else out
