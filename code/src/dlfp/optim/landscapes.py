"""Two-dimensional loss surfaces and optimizer simulators built on ``torch.optim``.

Two kinds of experiment:

* :func:`trajectory` runs a real ``torch.optim`` optimizer on a 2-D surface
  (:func:`ravine`, :func:`bumpy`, :func:`saddle`) and records the path, to
  *see* SGD zig-zag, momentum carry on and Adam rescale;
* :func:`replay_gradients` feeds a prescribed gradient sequence
  :math:`g_1, g_2, \\dots` (the scenarios A–E of Week 1 §8.3,
  :func:`scenario_gradients`) to an optimizer acting on one scalar parameter
  and records each update :math:`\\Delta_t = \\theta_{t-1} - \\theta_t`. For
  plain SGD :math:`\\Delta_t = \\eta g_t`; for Adam

  .. math::

      \\Delta_t = \\eta\\,\\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}, \\quad
      \\hat m_t = \\frac{m_t}{1 - \\beta_1^t}, \\quad \\hat v_t = \\frac{v_t}{1 - \\beta_2^t}.

The optimizers are PyTorch's own; hand-written versions live in ``dlfp.optim.optimizers``.

Taught in: :ref:`wk1-optimizers`
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import torch

from dlfp._checks import check_callable, check_choice, check_int, check_real, check_seed, check_tensor, describe

OptimizerFactory = Callable[[Iterable[torch.nn.Parameter]], torch.optim.Optimizer]


def _points(p: object) -> torch.Tensor:
    check_tensor("p", p, floating=True)
    if p.ndim < 1 or p.shape[-1] != 2:
        raise ValueError(f"p must have shape (..., 2), got {tuple(p.shape)}")
    return p


def ravine(p: torch.Tensor, a: float = 1.0, b: float = 20.0) -> torch.Tensor:
    """An ill-conditioned bowl :math:`f(x, y) = \\tfrac12 (a x^2 + b y^2)`.

    Condition number :math:`b/a`: plain gradient descent must keep
    :math:`\\eta < 2/b` to be stable along :math:`y`, and then crawls along
    :math:`x` at the rate :math:`1 - \\eta a`.

    Args:
        a, b: the curvatures along :math:`x` and :math:`y`, finite numbers.

    Shape:
        - p: :math:`(*, 2)`, floating. Output: :math:`(*)`.

    Taught in: :ref:`wk1-momentum`
    """
    _points(p)
    check_real("a", a)
    check_real("b", b)
    return 0.5 * (a * p[..., 0] ** 2 + b * p[..., 1] ** 2)


def bumpy(p: torch.Tensor) -> torch.Tensor:
    """A wide bowl along :math:`x` with ripples: :math:`f = 0.1x^2 + 0.4\\sin^2(2x) + y^2`.

    The ripples create local minima away from the global minimum at the
    origin; a heavy ball (momentum) can roll over them where SGD stops.

    Shape:
        - p: :math:`(*, 2)`, floating. Output: :math:`(*)`.

    Taught in: :ref:`wk1-momentum`
    """
    _points(p)
    x, y = p[..., 0], p[..., 1]
    return 0.1 * x**2 + 0.4 * torch.sin(2 * x) ** 2 + y**2


def saddle(p: torch.Tensor) -> torch.Tensor:
    """:math:`f(x, y) = x^2 - y^2`: a minimum along :math:`x`, a maximum along :math:`y`.

    The gradient vanishes at the origin, so gradient descent started exactly
    on the :math:`x` axis converges to the saddle and stops; any offset in
    :math:`y` grows, because the maximum repels.

    Shape:
        - p: :math:`(*, 2)`, floating. Output: :math:`(*)`.

    Taught in: :ref:`wk1-optimizers` §8.1
    """
    _points(p)
    return p[..., 0] ** 2 - p[..., 1] ** 2


def surface_grid(
    fn: Callable[[torch.Tensor], torch.Tensor],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    n: int = 101,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate a surface on an ``n × n`` grid for contour plots.

    Args:
        fn: a surface such as :func:`ravine`, called once on all the grid points.
        xlim, ylim: the increasing ranges ``(low, high)`` of :math:`x` and :math:`y`.
        n: points per axis, at least 2.

    Shape:
        - fn's input: :math:`(n, n, 2)`, float64. Output: ``(X, Y, Z)``, NumPy arrays :math:`(n, n)`.

    Taught in: :ref:`wk1-momentum`
    """
    check_callable("fn", fn)
    check_int("n", n, minimum=2)
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        _check_pair(name, lim)
        if not lim[0] < lim[1]:
            raise ValueError(f"{name} must be increasing, got {tuple(lim)}")
    xs = torch.linspace(xlim[0], xlim[1], n, dtype=torch.float64)
    ys = torch.linspace(ylim[0], ylim[1], n, dtype=torch.float64)
    X, Y = torch.meshgrid(xs, ys, indexing="xy")
    Z = fn(torch.stack([X, Y], dim=-1))
    return X.numpy(), Y.numpy(), Z.numpy()


def trajectory(
    fn: Callable[[torch.Tensor], torch.Tensor],
    start: tuple[float, float],
    make_optimizer: OptimizerFactory,
    steps: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Minimise ``fn`` from ``start`` with a ``torch.optim`` optimizer; record the path.

    Each step is ``zero_grad → fn(p).backward() → step``, in float64.

    Args:
        fn: a surface such as :func:`ravine`.
        start: the initial point :math:`(x_0, y_0)`.
        make_optimizer: e.g. ``lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)``.
        steps: number of optimizer steps.

    Shape:
        - Output: ``(path, losses)`` of shapes :math:`(\\text{steps}+1, 2)` and
          :math:`(\\text{steps}+1,)`, the first row being the start.

    Taught in: :ref:`wk1-optimizers`
    """
    check_callable("fn", fn)
    check_callable("make_optimizer", make_optimizer)
    check_int("steps", steps, minimum=0)
    _check_pair("start", start)
    p = torch.nn.Parameter(torch.tensor([float(s) for s in start], dtype=torch.float64))
    opt = make_optimizer([p])
    path, losses = [p.detach().clone()], []
    for _ in range(steps):
        opt.zero_grad()
        loss = fn(p)
        losses.append(loss.detach().clone())
        loss.backward()
        opt.step()
        path.append(p.detach().clone())
    losses.append(fn(p).detach())
    return torch.stack(path), torch.stack(losses)


def _check_pair(name: str, pair: object) -> None:
    try:
        first, second = pair  # type: ignore[misc]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be two numbers, got {describe(pair)}") from None
    check_real(f"{name}[0]", first)
    check_real(f"{name}[1]", second)


SCENARIOS = ("A", "B", "C", "D", "E", "steady", "noise")


def scenario_gradients(name: str, steps: int = 200, switch: int | None = None, seed: int = 0) -> torch.Tensor:
    """The gradient sequences of Week 1 §8.3.2, as a float64 tensor of length ``steps``.

    - ``"A"`` increasing gradients :math:`g_t = t` (``"C"``, the "steady climb",
      is the same sequence — the source lists it twice);
    - ``"B"`` tiny gradients :math:`g_t = 10^{-3}`;
    - ``"D"`` a spike: :math:`0.1` except :math:`g_{\\text{switch}} = 100`;
    - ``"E"`` a drop: :math:`10` up to ``switch - 1``, then :math:`0.1`;
    - ``"steady"`` constant :math:`g_t = 1`; ``"noise"`` i.i.d. :math:`N(0, 1)`.

    Args:
        switch: the step, numbered from 1, at which D and E change; ``None``: ``steps // 2``.
        seed: seeds ``"noise"``.

    Taught in: :ref:`wk1-adam-scenarios`
    """
    check_choice("name", name, SCENARIOS)
    check_int("steps", steps, minimum=1)
    check_seed("seed", seed)
    switch = steps // 2 if switch is None else switch
    check_int("switch", switch, minimum=1, maximum=steps)
    t = torch.arange(1, steps + 1, dtype=torch.float64)
    if name in ("A", "C"):
        return t
    if name == "B":
        return torch.full_like(t, 1e-3)
    if name == "D":
        g = torch.full_like(t, 0.1)
        g[switch - 1] = 100.0
        return g
    if name == "E":
        return torch.where(t < switch, torch.full_like(t, 10.0), torch.full_like(t, 0.1))
    if name == "steady":
        return torch.ones_like(t)
    return torch.randn(steps, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


def replay_gradients(grads: torch.Tensor, make_optimizer: OptimizerFactory) -> torch.Tensor:
    """Feed a prescribed gradient sequence to a ``torch.optim`` optimizer; return its updates.

    A scalar parameter :math:`\\theta` starts at 0; at step :math:`t` its
    ``.grad`` is set to :math:`g_t` and ``optimizer.step()`` is called. The
    update :math:`\\Delta_t = \\theta_{t-1} - \\theta_t` is recorded (positive
    when the step goes against a positive gradient). Dividing by the learning
    rate gives the step "in units of :math:`\\eta`".

    Args:
        make_optimizer: as for :func:`trajectory`.

    Shape:
        - grads: :math:`(T,)`, floating and finite. Output: :math:`(T,)`, float64.

    Taught in: :ref:`wk1-adam-scenarios`, :ref:`wk1-momentum`
    """
    check_tensor("grads", grads, ndim=1, dims="(T,)")
    if not grads.is_floating_point():
        raise ValueError(f"grads must be a 1-D floating tensor, got dtype {grads.dtype}")
    check_tensor("grads", grads, finite=True)
    check_callable("make_optimizer", make_optimizer)
    theta = torch.nn.Parameter(torch.zeros((), dtype=torch.float64))
    opt = make_optimizer([theta])
    updates = torch.empty(len(grads), dtype=torch.float64)
    for t, g in enumerate(grads.to(torch.float64)):
        before = theta.detach().clone()
        theta.grad = g.clone()
        opt.step()
        updates[t] = before - theta.detach()
    return updates
