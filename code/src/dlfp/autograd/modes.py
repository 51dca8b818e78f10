"""Forward- versus reverse-mode differentiation: gradients and their cost.

A scalar loss :math:`L(\\theta)` of :math:`P` parameters has a gradient with
:math:`P` components. *Forward mode* propagates one tangent direction
:math:`v` through the computation and returns the directional derivative
:math:`\\nabla L \\cdot v` (a Jacobian-vector product, JVP); the whole gradient
needs :math:`P` of them, one per basis vector :math:`e_i`. *Reverse mode*
propagates one cotangent (the "adjoint") backwards and returns
:math:`v^{\\mathsf T} J`, the whole gradient of a scalar, in one pass
(a vector-Jacobian product, VJP). This module computes both and counts their
matrix-multiply FLOPs; ``dlfp.autograd.adjoint`` applies reverse mode to an
ODE solve.

Taught in: :ref:`ch-autograd` §2.3
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
from torch import nn
from torch.func import functional_call, jvp, vjp, vmap

from dlfp._checks import check_callable, check_int, check_same_device, check_tensor, check_type

LossFn = Callable[[torch.Tensor], torch.Tensor]


def _check_vector(theta: object, name: str = "theta") -> torch.Tensor:
    return check_tensor(name, theta, ndim=1, dims="(P,) (a flat parameter vector)", floating=True)


def flat_mse_loss(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> tuple[LossFn, torch.Tensor]:
    """The mean-squared-error loss of ``model`` as a pure function of one flat parameter vector.

    .. math::

        L(\\theta) = \\frac{1}{N}\\sum_{n,j} \\big(f_\\theta(x_n)_j - y_{nj}\\big)^2 ,
        \\qquad \\theta \\in \\mathbb{R}^P

    where :math:`\\theta` concatenates every parameter of ``model`` (in
    ``named_parameters`` order). The function uses
    :func:`torch.func.functional_call`, so it can be transformed by
    ``torch.func.jvp``, ``vjp``, ``grad`` and ``vmap``.

    Args:
        model: an ``nn.Module`` with at least one parameter.
        inputs: a batch of at least one sample, on the model's device.
        targets: what ``model(inputs)`` is compared with.

    Shape:
        - inputs: :math:`(N, *)`, whatever ``model`` accepts; targets: the shape of ``model(inputs)``.
        - Output: ``(loss_fn, theta0)``; ``theta0`` :math:`(P,)`, a detached copy of
          the current parameters; ``loss_fn(theta)`` :math:`()`.

    Torch twin: ``nn.functional.mse_loss(model(inputs), targets)``, read as a function of :math:`\\theta`.

    Taught in: :ref:`ch-autograd` §2.3
    """
    check_type("model", model, nn.Module, "an nn.Module")
    check_tensor("inputs", inputs)
    check_tensor("targets", targets, finite=True)
    named = [(k, p.detach()) for k, p in model.named_parameters()]
    if not named:
        raise ValueError("model must have at least one parameter, got none")
    check_same_device(inputs=inputs, targets=targets, model=named[0][1])
    if inputs.ndim == 0 or inputs.shape[0] == 0:
        raise ValueError(f"inputs must hold at least one sample (the loss is a mean), got shape {tuple(inputs.shape)}")
    with torch.no_grad():
        out_shape = tuple(model(inputs).shape)
    check_tensor("targets", targets, shape=out_shape, note=" (the model's output shape)")
    names = [k for k, _ in named]
    shapes = [p.shape for _, p in named]
    sizes = [p.numel() for _, p in named]
    theta0 = torch.cat([p.reshape(-1) for _, p in named]).clone()

    def loss_fn(theta: torch.Tensor) -> torch.Tensor:
        params = {k: t.view(s) for k, t, s in zip(names, theta.split(sizes), shapes)}
        return (functional_call(model, params, (inputs,)) - targets).pow(2).mean()

    return loss_fn, theta0


def reverse_mode_gradient(loss_fn: LossFn, theta: torch.Tensor) -> torch.Tensor:
    """:math:`\\nabla L(\\theta)` by reverse mode: one forward pass, then one VJP with cotangent 1.

    .. math::

        \\nabla L = \\bar{L}\\, \\frac{\\partial L}{\\partial \\theta}, \\qquad \\bar{L} = 1

    Cost: a small constant times one evaluation of ``loss_fn``, whatever ``P``;
    memory: the intermediate values of that evaluation.

    Args:
        loss_fn: a scalar function of ``theta``, e.g. the one :func:`flat_mse_loss` returns.
        theta: the point, a floating vector.

    Shape:
        - theta: :math:`(P,)`. Output: :math:`(P,)`.

    Torch twin: ``torch.func.grad(loss_fn)(theta)``, and ``loss.backward()``.

    Taught in: :ref:`ch-autograd` §2.3
    """
    check_callable("loss_fn", loss_fn)
    theta = _check_vector(theta)
    value, pullback = vjp(loss_fn, theta)
    if value.ndim != 0:
        raise ValueError(f"loss_fn must return a scalar, got shape {tuple(value.shape)}")
    (gradient,) = pullback(torch.ones_like(value))
    return gradient


def forward_mode_gradient(loss_fn: LossFn, theta: torch.Tensor, chunk_size: int | None = None) -> torch.Tensor:
    """:math:`\\nabla L(\\theta)` by forward mode: one JVP per basis direction :math:`e_i`.

    .. math::

        (\\nabla L)_i = \\frac{\\partial L}{\\partial \\theta}\\, e_i , \\qquad i = 1, \\dots, P

    Each JVP costs a small constant times one evaluation of ``loss_fn``, so the
    whole gradient costs about ``P`` evaluations. The ``P`` JVPs are batched
    with :func:`torch.func.vmap`.

    Args:
        loss_fn, theta: as for :func:`reverse_mode_gradient`.
        chunk_size: directions per batch, at least 1; ``None``: all ``P`` at once.

    Shape:
        - theta: :math:`(P,)`. Output: :math:`(P,)`.

    Torch twin: ``torch.func.jacfwd(loss_fn)(theta)``.

    Taught in: :ref:`ch-autograd` §2.3
    """
    check_callable("loss_fn", loss_fn)
    theta = _check_vector(theta)
    P = theta.numel()
    chunk_size = check_int("chunk_size", chunk_size, minimum=1, optional=True) or P

    def directional(v: torch.Tensor) -> torch.Tensor:
        return jvp(loss_fn, (theta,), (v,))[1]

    parts = []
    for start in range(0, P, chunk_size):
        stop = min(start + chunk_size, P)
        basis = torch.zeros(stop - start, P, dtype=theta.dtype, device=theta.device)
        basis[torch.arange(stop - start), torch.arange(start, stop)] = 1.0
        parts.append(vmap(directional)(basis))
    return torch.cat(parts)


def count_matmul_flops(fn: Callable[[], object]) -> int:
    """Floating-point operations of the matrix products executed by ``fn()``.

    Counted by :class:`torch.utils.flop_counter.FlopCounterMode`, which counts
    ``2 m n k`` for an ``(m, k) @ (k, n)`` product (and likewise for
    convolutions) and ignores element-wise operations. For dense networks the
    matrix products dominate every other cost.

    Args:
        fn: a function of no arguments; its result is discarded.

    Taught in: :ref:`ch-autograd` §2.3
    """
    check_callable("fn", fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit.script notice on first import
        from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())
