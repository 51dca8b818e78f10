"""A physics-informed neural network (PINN) for the harmonic oscillator.

The network :math:`u_\\theta(t)` is never shown a solution. It is trained to
make the residual of the differential equation

.. math::

    u'' + \\omega^2 u = 0, \\qquad t \\in [0, T], \\qquad u(0) = u_0,\\ u'(0) = v_0

vanish at collocation points, its derivatives taken by automatic
differentiation through the network itself.

Taught in: Part II, Grand Examination, challenge IV (physics-informed neural network).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from torch import nn


class PINN(nn.Module):
    """A tanh MLP :math:`t \\mapsto u`, input scaled to :math:`[-1, 1]`.

    .. math::

        u_\\theta(t) = W_L \\tanh(\\cdots \\tanh(W_1 \\hat t + b_1) \\cdots) + b_L,
        \\qquad \\hat t = 2 t / T - 1.

    ``tanh`` is smooth with non-zero second derivative, so :math:`u''_\\theta`
    exists and carries gradient (ReLU's second derivative is zero almost
    everywhere: :math:`u''` would vanish identically). The affine input
    scaling is part of the network, so derivatives with respect to the raw
    :math:`t` are exact.

    Args:
        hidden: width of each hidden layer.
        depth: number of hidden layers.
        t_max: the end :math:`T` of the time interval.

    Shape:
        - Input: :math:`(N, 1)`, times :math:`t`.
        - Output: :math:`(N, 1)`, :math:`u_\\theta(t)`.
    """

    def __init__(self, hidden: int = 32, depth: int = 3, t_max: float = 2 * math.pi) -> None:
        super().__init__()
        if hidden < 1 or depth < 1:
            raise ValueError(f"hidden and depth must be >= 1, got {hidden}, {depth}")
        if not t_max > 0:
            raise ValueError(f"t_max must be positive, got {t_max!r}")
        self.t_max = float(t_max)
        layers: list[nn.Module] = []
        width = 1
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.Tanh()]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        if not isinstance(t, torch.Tensor) or t.ndim != 2 or t.shape[1] != 1:
            raise ValueError(
                f"t must have shape (N, 1), got "
                f"{tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__}"
            )
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
        - t: :math:`(N, 1)`, floating point (a copy with ``requires_grad`` is used).
        - Output: ``(u, u_t, u_tt)``, each :math:`(N, 1)`.
    """
    if not isinstance(t, torch.Tensor) or not t.is_floating_point():
        raise TypeError(f"t must be a floating-point tensor, got {getattr(t, 'dtype', type(t).__name__)}")
    t = t.detach().requires_grad_(True)
    u = model(t)
    u_t = _grad(u, t)
    return u, u_t, _grad(u_t, t)


def _grad(y: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    # dy/dt with the graph kept; zero where y does not depend on t (e.g. a constant,
    # or the second derivative of a piecewise-linear ReLU network)
    if not y.requires_grad:
        return torch.zeros_like(t)
    (dy,) = torch.autograd.grad(
        y, t, grad_outputs=torch.ones_like(y), create_graph=True, materialize_grads=True
    )
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
        L_\\text{BC} = (u(0) - u_0)^2 + (u'(0) - v_0)^2,

    :math:`L = L_\\text{PDE} + L_\\text{BC}`.

    Shape:
        - t: :math:`(N, 1)` collocation times.
        - Output: ``(L, L_PDE, L_BC)``, scalars.
    """
    u, _, u_tt = derivatives(model, t)
    pde = ((u_tt + omega**2 * u) ** 2).mean()
    u_at_0, du_at_0, _ = derivatives(model, torch.zeros(1, 1, dtype=t.dtype, device=t.device))
    bc = (u_at_0 - u0).pow(2).sum() + (du_at_0 - v0).pow(2).sum()
    return pde + bc, pde, bc


@dataclass
class PINNHistory:
    """Loss after each Adam step and each L-BFGS iteration, and the time they took."""

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

    Adam (at learning rate ``lr``, cosine-annealed to zero) draws
    ``n_collocation`` fresh uniform random times in :math:`[0, T]` every
    step. L-BFGS, a quasi-Newton method that needs a deterministic loss, then
    polishes the result on a fixed grid of ``n_collocation`` points — Adam
    gets the shape right, L-BFGS the last digits.

    Raises:
        ValueError: for non-positive sizes or rate.
    """
    if not isinstance(model, PINN):
        raise TypeError(f"model must be a PINN, got {type(model).__name__}")
    if n_collocation < 1 or adam_steps < 0 or lbfgs_steps < 0 or not lr > 0:
        raise ValueError(
            "n_collocation must be >= 1, adam_steps and lbfgs_steps >= 0, lr > 0; got "
            f"{n_collocation}, {adam_steps}, {lbfgs_steps}, {lr}"
        )
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
            model.parameters(), lr=1.0, max_iter=lbfgs_steps, history_size=50,
            tolerance_grad=1e-12, tolerance_change=1e-15, line_search_fn="strong_wolfe",
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
