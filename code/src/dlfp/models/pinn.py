"""A physics-informed neural network (PINN) for the harmonic oscillator.

The network :math:`u_\\theta(t)` is never shown a solution. It is trained to
make the residual of the differential equation

.. math::

    u'' + \\omega^2 u = 0, \\qquad t \\in [0, T], \\qquad u(0) = u_0,\\ u'(0) = v_0

vanish at collocation points, its derivatives taken by automatic
differentiation through the network itself.

Taught in: :ref:`gr-challenge-pinn` (the physics-informed neural network)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from dlfp._checks import check_int, check_model_input, check_positive, check_real, check_tensor, check_type


class PINN(nn.Module):
    """A tanh MLP :math:`t \\mapsto u`, input scaled to :math:`[-1, 1]`.

    .. math::

        u_\\theta(t) = W_L \\tanh(\\cdots \\tanh(W_1 \\hat t + b_1) \\cdots) + b_L,
        \\qquad \\hat t = 2 t / T - 1.

    ``tanh`` is smooth with non-zero second derivative, so :math:`u''_\\theta` exists
    and carries gradient (ReLU's second derivative is zero almost everywhere:
    :math:`u''` would vanish identically). The affine input scaling is part of
    the network, so derivatives with respect to the raw :math:`t` are exact.

    Args:
        hidden: width of each hidden layer.
        depth: number of hidden layers.
        t_max: the end :math:`T` of the time interval.

    Shape:
        - t: :math:`(N, 1)`, times
        - Output: :math:`(N, 1)`, :math:`u_\\theta(t)`

    Taught in: :ref:`gr-challenge-pinn`, step 1
    """

    def __init__(self, hidden: int = 32, depth: int = 3, t_max: float = 2 * math.pi) -> None:
        super().__init__()
        check_int("hidden", hidden, minimum=1)
        check_int("depth", depth, minimum=1)
        self.t_max = check_positive("t_max", t_max)
        layers: list[nn.Module] = []
        width = 1
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.Tanh()]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        check_model_input("t", t, self, shape=("N", 1))
        return self.net(2.0 * t / self.t_max - 1.0)


def derivatives(model: nn.Module, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """:math:`u`, :math:`u'` and :math:`u''` of ``model`` at times ``t``, by autograd.

    Because each output :math:`u(t_i)` depends only on its own :math:`t_i`,
    the gradient of :math:`\\sum_i u(t_i)` with respect to the vector
    :math:`t` is the vector of derivatives :math:`u'(t_i)`; that is what
    ``grad_outputs=ones`` computes. ``create_graph=True`` records the
    derivative computation itself, so that :math:`u'` can be differentiated
    again and the loss built from :math:`u''` can be back-propagated to the
    weights. Where an output does not depend on ``t`` at all its derivative
    is returned as zeros (autograd would raise).

    Shape:
        - t: :math:`(N, 1)`, finite floating point (a copy with ``requires_grad`` is used)
        - Output: ``(u, u_t, u_tt)``, each :math:`(N, 1)`

    Taught in: :ref:`gr-challenge-pinn`, step 2
    """
    check_type("model", model, nn.Module, "an nn.Module")
    check_tensor("t", t, floating=True)
    check_tensor("t", t, finite=True)
    t = t.detach().requires_grad_(True)
    u = model(t)
    u_t = _grad(u, t)
    return u, u_t, _grad(u_t, t)


def _grad(y: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # dy/dt with the graph kept; zero where y does not depend on t (e.g. a constant,
    # or the second derivative of a piecewise-linear ReLU network)
    if not y.requires_grad:
        return torch.zeros_like(t)
    (dy,) = torch.autograd.grad(y, t, grad_outputs=torch.ones_like(y), create_graph=True, materialize_grads=True)
    return dy


def oscillator_loss(
    model: nn.Module,
    t: torch.Tensor,
    omega: float = 1.0,
    u0: float = 1.0,
    v0: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Physics loss of :math:`u'' + \\omega^2 u = 0` plus the initial-condition loss.

    .. math::

        L_\\text{PDE} = \\frac{1}{N} \\sum_i \\big(u''(t_i) + \\omega^2 u(t_i)\\big)^2, \\qquad
        L_\\text{BC} = (u(0) - u_0)^2 + (u'(0) - v_0)^2, \\qquad L = L_\\text{PDE} + L_\\text{BC}.

    Args:
        omega: the angular frequency :math:`\\omega > 0`.
        u0: the initial value :math:`u(0)`.
        v0: the initial velocity :math:`u'(0)`.

    Shape:
        - t: :math:`(N, 1)` collocation times, :math:`N \\ge 1`
        - Output: ``(L, L_PDE, L_BC)``, scalars

    Taught in: :ref:`gr-challenge-pinn`, steps 3–4
    """
    check_type("model", model, nn.Module, "an nn.Module")
    check_tensor("t", t, shape=("N", 1), floating=True)
    if t.shape[0] == 0:
        raise ValueError(
            "t must hold at least one collocation time (N >= 1; L_PDE is a mean over them), got shape (0, 1)"
        )
    check_positive("omega", omega)
    check_real("u0", u0)
    check_real("v0", v0)
    u, _, u_tt = derivatives(model, t)
    pde = ((u_tt + omega**2 * u) ** 2).mean()
    u_at_0, du_at_0, _ = derivatives(model, torch.zeros(1, 1, dtype=t.dtype, device=t.device))
    bc = (u_at_0 - u0).pow(2).sum() + (du_at_0 - v0).pow(2).sum()
    return pde + bc, pde, bc


@dataclass
class PINNHistory:
    """The record of :func:`train_pinn`.

    Attributes:
        adam_loss: the loss at each Adam step, before its update.
        lbfgs_loss: the loss at each L-BFGS loss evaluation.
        seconds: the wall time of training.
    """

    adam_loss: list[float] = field(default_factory=list)
    lbfgs_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0


def train_pinn(
    model: PINN,
    n_collocation: int = 256,
    adam_steps: int = 2000,
    lr: float = 1e-2,
    lbfgs_steps: int = 200,
    omega: float = 1.0,
    u0: float = 1.0,
    v0: float = 0.0,
    generator: torch.Generator | None = None,
) -> PINNHistory:
    """Train ``model`` on :func:`oscillator_loss`: Adam, then L-BFGS.

    Adam (at learning rate ``lr``, cosine-annealed to zero) draws ``n_collocation`` fresh
    uniform random times in :math:`[0, T]` every step. L-BFGS, a quasi-Newton method that
    needs a deterministic loss, then polishes the result on a fixed grid of ``n_collocation``
    points — Adam gets the shape right, L-BFGS the last digits.

    Args:
        adam_steps: number of Adam steps (0 skips Adam).
        lbfgs_steps: most L-BFGS iterations (0 skips L-BFGS).
        omega, u0, v0: the oscillator, as in :func:`oscillator_loss`.
        generator: draws Adam's collocation times (``None``: the global generator).

    Taught in: :ref:`gr-challenge-pinn`, step 5
    """
    check_type("model", model, PINN, "a PINN")
    check_int("n_collocation", n_collocation, minimum=1)
    check_int("adam_steps", adam_steps, minimum=0)
    check_int("lbfgs_steps", lbfgs_steps, minimum=0)
    check_positive("lr", lr)
    check_positive("omega", omega)
    check_real("u0", u0)
    check_real("v0", v0)
    check_type("generator", generator, (torch.Generator, type(None)), "a torch.Generator or None")
    history = PINNHistory()
    start = time.perf_counter()
    param = next(model.parameters())
    dtype, device = param.dtype, param.device
    if adam_steps:
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, adam_steps)
        for _ in range(adam_steps):
            t = model.t_max * torch.rand(n_collocation, 1, generator=generator, dtype=dtype)
            loss, _, _ = oscillator_loss(model, t.to(device), omega, u0, v0)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            history.adam_loss.append(loss.item())
    if lbfgs_steps:
        grid = torch.linspace(0, model.t_max, n_collocation, dtype=dtype, device=device)[:, None]
        lbfgs = torch.optim.LBFGS(
            model.parameters(),
            lr=1.0,
            max_iter=lbfgs_steps,
            history_size=50,
            tolerance_grad=1e-12,
            tolerance_change=1e-15,
            line_search_fn="strong_wolfe",
        )

        def closure():
            lbfgs.zero_grad(set_to_none=True)
            loss, _, _ = oscillator_loss(model, grid, omega, u0, v0)
            loss.backward()
            history.lbfgs_loss.append(loss.item())
            return loss

        lbfgs.step(closure)
    history.seconds = time.perf_counter() - start
    return history
