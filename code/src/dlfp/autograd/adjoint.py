"""The adjoint method: gradients of an ODE solution's loss by integrating backwards.

Taught in: :ref:`ch-autograd` §2.3
"""

from __future__ import annotations

import torch

from dlfp._checks import check_int, check_positive, check_same_device, check_tensor


def _check_ode(W: torch.Tensor, x0: torch.Tensor, target: torch.Tensor, steps: int, t_final: float) -> None:
    check_tensor("W", W, ndim=2, floating=True, finite=True)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix (d, d), got shape {tuple(W.shape)}")
    d = W.shape[0]
    check_tensor("x0", x0, shape=(d,), floating=True, finite=True)
    check_tensor("target", target, shape=(d,), floating=True, finite=True)
    check_same_device(W=W, x0=x0, target=target)
    check_int("steps", steps, minimum=1)
    check_positive("t_final", t_final)


def euler_loss(
    W: torch.Tensor, x0: torch.Tensor, target: torch.Tensor, steps: int, t_final: float = 1.0
) -> torch.Tensor:
    """Integrate :math:`\\dot x = \\tanh(Wx)` by explicit Euler and return :math:`L = \\tfrac12\\lVert x_N - y\\rVert^2`.

    .. math::

        x_{k+1} = x_k + h \\tanh(W x_k), \\quad k = 0, \\dots, N-1, \\qquad h = T/N

    Differentiable with autograd (its ``.backward()`` is the discrete adjoint).

    Args:
        W: the weight matrix of the vector field :math:`\\tanh(Wx)`.
        x0: the initial state :math:`x_0`.
        target: the target :math:`y` of the final state.
        steps: the number :math:`N \\ge 1` of Euler steps.
        t_final: the time :math:`T > 0` integrated over.

    Shape:
        - W: :math:`(d, d)`; x0, target: :math:`(d,)`; all finite, floating, on one device.
        - Output: :math:`()`.

    Taught in: :ref:`ch-autograd` §2.3
    """
    _check_ode(W, x0, target, steps, t_final)
    h = t_final / steps
    x = x0
    for _ in range(steps):
        x = x + h * torch.tanh(W @ x)
    return 0.5 * (x - target).pow(2).sum()


def euler_adjoint_gradients(
    W: torch.Tensor, x0: torch.Tensor, target: torch.Tensor, steps: int, t_final: float = 1.0
) -> dict[str, torch.Tensor]:
    """:math:`\\partial L/\\partial W` of :func:`euler_loss`, by the discrete and by the continuous adjoint.

    With :math:`f(x) = \\tanh(Wx)`, :math:`D(x) = \\mathrm{diag}(1 - \\tanh^2(Wx))`
    and :math:`\\lambda_N = x_N - y`:

    *discrete adjoint* (the exact derivative of the Euler solution; what
    reverse-mode AD computes)

    .. math::

        \\lambda_k = \\lambda_{k+1} + h\\, W^{\\mathsf T} D(x_k) \\lambda_{k+1},\\qquad
        \\frac{\\partial L}{\\partial W} = \\sum_{k=0}^{N-1} h\\, D(x_k)\\lambda_{k+1}\\, x_k^{\\mathsf T};

    *continuous adjoint* (optimise-then-discretise: the adjoint ODE
    :math:`\\dot\\lambda = -W^{\\mathsf T}D(x)\\lambda` and the integral
    :math:`\\int_0^T D(x)\\lambda x^{\\mathsf T} dt` discretised on their own,
    here by Euler steps backwards in time using :math:`x_{k+1}`)

    .. math::

        \\lambda_k = \\lambda_{k+1} + h\\, W^{\\mathsf T} D(x_{k+1}) \\lambda_{k+1},\\qquad
        \\frac{\\partial L}{\\partial W} \\approx \\sum_{k=0}^{N-1} h\\, D(x_{k+1})\\lambda_{k+1}\\, x_{k+1}^{\\mathsf T}.

    Both tend to the gradient of the exact ODE solution as :math:`h \\to 0`;
    they differ from each other by :math:`O(h)`.

    Args:
        W, x0, target, steps, t_final: as for :func:`euler_loss`.

    Shape:
        - W: :math:`(d, d)`; x0, target: :math:`(d,)`.
        - Output: ``{"discrete": (d, d), "continuous": (d, d)}``.

    The discrete one is checked against autograd through :func:`euler_loss`.

    Taught in: :ref:`ch-autograd` §2.3
    """
    _check_ode(W, x0, target, steps, t_final)
    h = t_final / steps
    xs = [x0]
    with torch.no_grad():
        for _ in range(steps):
            xs.append(xs[-1] + h * torch.tanh(W @ xs[-1]))
        out = {}
        for name, offset in (("discrete", 0), ("continuous", 1)):
            lam = xs[-1] - target
            grad = torch.zeros_like(W)
            for k in range(steps - 1, -1, -1):
                x = xs[k + offset]
                s = (1 - torch.tanh(W @ x).pow(2)) * lam
                grad += h * torch.outer(s, x)
                lam = lam + h * (W.T @ s)
            out[name] = grad
    return out
