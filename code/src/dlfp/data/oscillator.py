"""The harmonic oscillator, solved exactly: the reference a physics-informed network is measured against.

Taught in: :ref:`gr-challenge-pinn` (challenge IV).
"""

from __future__ import annotations

import torch

from dlfp._checks import check_positive, check_real, check_tensor


def harmonic_oscillator(t: torch.Tensor, u0: float = 1.0, v0: float = 0.0, omega: float = 1.0) -> torch.Tensor:
    """Exact solution of :math:`u'' + \\omega^2 u = 0`, :math:`u(0)=u_0`, :math:`u'(0)=v_0`:

    .. math::

        u(t) = u_0 \\cos(\\omega t) + \\frac{v_0}{\\omega} \\sin(\\omega t).

    Shape:
        - t: any shape, floating point.
        - Output: same shape and dtype as ``t``.

    Taught in: :ref:`gr-challenge-pinn` (the reference solution).
    """
    check_tensor("t", t, floating=True)
    u0 = check_real("u0", u0)
    v0 = check_real("v0", v0)
    omega = check_positive("omega", omega)
    return u0 * torch.cos(omega * t) + (v0 / omega) * torch.sin(omega * t)
