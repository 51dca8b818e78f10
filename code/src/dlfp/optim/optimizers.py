"""SGD, SGD with momentum, Adam and AdamW written out, one update rule each.

Each class is a ``torch.optim.Optimizer`` (so schedulers and
:func:`dlfp.train.fit.fit` accept it) whose ``step`` spells out the update in
plain tensor arithmetic. ``tests/unit/optim/test_optimizers.py`` checks, step by step,
that every one gives the same parameters as its ``torch.optim`` namesake.

Notation: :math:`g_t = \\nabla_\\theta \\mathcal{L}_\\text{batch}(\\theta_{t-1})`,
learning rate :math:`\\eta`, weight decay :math:`\\lambda`, step :math:`t = 1, 2, \\dots`

Taught in: :ref:`ch-training-loop` §5.4
"""

from __future__ import annotations

import torch

from dlfp._checks import check_in_range, check_positive, check_type


def _check_hyper(lr: float, weight_decay: float) -> None:
    check_positive("lr", lr)
    check_positive("weight_decay", weight_decay, allow_zero=True)


class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent, with optional momentum and L2 weight decay.

    .. math::

        g_t &\\leftarrow g_t + \\lambda\\theta_{t-1} \\quad\\text{(gradient of } \\tfrac{\\lambda}{2}\\|\\theta\\|^2\\text{)}\\\\
        v_t &= \\mu v_{t-1} + g_t \\quad (v_1 = g_1)\\\\
        \\theta_t &= \\theta_{t-1} - \\eta\\, v_t

    With :math:`\\mu = 0` this is plain SGD, :math:`\\theta_t = \\theta_{t-1} - \\eta g_t`.

    Args:
        lr: the learning rate :math:`\\eta > 0`.
        momentum: :math:`\\mu \\in [0, 1)`; 0: no velocity is kept.
        weight_decay: the L2 coefficient :math:`\\lambda \\ge 0`.

    Torch twin: ``torch.optim.SGD(params, lr, momentum, weight_decay=...)`` with
    ``dampening=0, nesterov=False``.

    Taught in: :ref:`ch-training-loop` §5.4
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, weight_decay: float = 0.0):
        _check_hyper(lr, weight_decay)
        check_in_range("momentum", momentum, 0.0, 1.0, high_closed=False)
        super().__init__(params, dict(lr=lr, momentum=momentum, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else torch.enable_grad()(closure)()
        for group in self.param_groups:
            lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad + wd * p if wd else p.grad
                if mu:
                    state = self.state[p]
                    if "velocity" not in state:
                        state["velocity"] = g.clone()
                    else:
                        state["velocity"].mul_(mu).add_(g)
                    g = state["velocity"]
                p.sub_(lr * g)
        return loss


class Adam(torch.optim.Optimizer):
    """Adam (Kingma & Ba 2015), with optional L2 weight decay *added to the gradient*.

    .. math::

        g_t &\\leftarrow g_t + \\lambda\\theta_{t-1}\\\\
        m_t &= \\beta_1 m_{t-1} + (1-\\beta_1) g_t, \\qquad
        v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2\\\\
        \\hat m_t &= m_t / (1-\\beta_1^t), \\qquad \\hat v_t = v_t / (1-\\beta_2^t)\\\\
        \\theta_t &= \\theta_{t-1} - \\eta\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon)

    The L2 term passes through the adaptive scaling, so a parameter with a
    large gradient history is barely decayed.

    Args:
        lr: the learning rate :math:`\\eta > 0`.
        betas: :math:`(\\beta_1, \\beta_2)`, two real numbers in :math:`[0, 1)`.
        eps: :math:`\\epsilon > 0`, added to :math:`\\sqrt{\\hat v_t}`.
        weight_decay: the L2 coefficient :math:`\\lambda \\ge 0`.

    Torch twin: ``torch.optim.Adam``, also for complex parameters, which both
    treat as pairs of real numbers (``torch.view_as_real``): :math:`g_t^2`
    squares the real and imaginary parts separately, not :math:`|g_t|^2` or
    :math:`g_t \\cdot g_t`.

    Taught in: :ref:`ch-training-loop-adam` (§5.4, bias correction)
    """

    decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0):
        _check_hyper(lr, weight_decay)
        check_type("betas", betas, (tuple, list), "a pair (beta1, beta2)")
        if len(betas) != 2:
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        betas = tuple(check_in_range(f"betas[{i}]", b, 0.0, 1.0, high_closed=False) for i, b in enumerate(betas))
        check_positive("eps", eps)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None if closure is None else torch.enable_grad()(closure)()
        for group in self.param_groups:
            lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for param in group["params"]:
                if param.grad is None:
                    continue
                state = self.state[param]
                # a complex entry is two real ones (as torch.optim.Adam): g^2 squares real and imaginary parts
                p, g = (
                    (torch.view_as_real(param), torch.view_as_real(param.grad))
                    if param.is_complex()
                    else (param, param.grad)
                )
                if wd and self.decoupled:
                    p.mul_(1 - lr * wd)  # AdamW: shrink θ directly, outside the adaptive scaling
                elif wd:
                    g = g + wd * p  # Adam: L2 term enters the moments
                if not state:
                    state["t"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                state["t"] += 1
                t, m, v = state["t"], state["m"], state["v"]
                m.mul_(b1).add_((1 - b1) * g)
                v.mul_(b2).add_((1 - b2) * g * g)
                m_hat = m / (1 - b1**t)
                v_hat = v / (1 - b2**t)
                p.sub_(lr * m_hat / (v_hat.sqrt() + eps))
        return loss


class AdamW(Adam):
    """Adam with *decoupled* weight decay (Loshchilov & Hutter 2019).

    .. math::

        \\theta_{t-1} &\\leftarrow (1 - \\eta\\lambda)\\,\\theta_{t-1}\\\\
        \\theta_t &= \\theta_{t-1} - \\eta\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon)

    with :math:`\\hat m_t, \\hat v_t` from the *unregularised* gradient. Every
    weight shrinks by the same factor per step, whatever its gradient history.

    Args:
        weight_decay: the decoupled decay :math:`\\lambda \\ge 0`; the others as for :class:`Adam`.

    Torch twin: ``torch.optim.AdamW`` (whose default ``weight_decay`` is also 0.01).

    Taught in: :ref:`ch-training-loop-weight-decay` (§5.4, weight decay)
    """

    decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8, weight_decay: float = 1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
