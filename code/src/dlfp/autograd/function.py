"""Custom autograd Functions and finite-difference gradient checks.

* :class:`XSinX` — :math:`f(x) = x \\sin x` as a ``torch.autograd.Function``
  with a hand-written backward pass, :func:`x_sin_x` its functional form and
  :class:`XSinXActivation` the ``nn.Module`` that wraps it;
* :func:`finite_difference_grad` — the gradient of a scalar function by
  central differences, the independent check of any backward pass.

Taught in: :ref:`gr-challenges-raw-metal` (challenge II), :ref:`gradiens-module-2`
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from dlfp._checks import check_callable, check_positive, check_tensor


class XSinX(torch.autograd.Function):
    """:math:`f(x) = x \\sin x`, element-wise, with the derivative written by hand.

    Forward saves the input; backward applies the chain rule with

    .. math::

        f'(x) = \\sin x + x \\cos x, \\qquad
        \\frac{\\partial L}{\\partial x} = \\frac{\\partial L}{\\partial f} \\, f'(x).

    Call it as ``XSinX.apply(x)`` (or :func:`x_sin_x`), never ``XSinX()(x)``.

    Shape:
        - Input: :math:`(*)`, floating point.
        - Output: :math:`(*)`, the shape of the input.

    No torch twin; the backward pass is checked with ``torch.autograd.gradcheck``.

    Taught in: :ref:`gr-challenges-raw-metal` (challenge II)
    """

    @staticmethod
    def forward(ctx, input: torch.Tensor) -> torch.Tensor:
        check_tensor("input", input, floating=True)
        ctx.save_for_backward(input)
        return input * torch.sin(input)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> torch.Tensor:
        (input,) = ctx.saved_tensors
        return grad_output * (torch.sin(input) + input * torch.cos(input))


def x_sin_x(x: torch.Tensor) -> torch.Tensor:
    """:math:`x \\sin x` through :class:`XSinX` (the custom backward).

    Args:
        x: a floating-point tensor (integers have no gradient).

    Shape:
        - x: :math:`(*)`. Output: :math:`(*)`, the shape of ``x``.

    Taught in: :ref:`gr-challenges-raw-metal` (challenge II)
    """
    check_tensor("x", x, floating=True)
    return XSinX.apply(x)


class XSinXActivation(nn.Module):
    """The activation :math:`x \\sin x` as a module, for use inside ``nn.Sequential``.

    It has no parameters; its backward pass is :class:`XSinX`'s.

    Shape:
        - Input: :math:`(*)`, any shape.
        - Output: :math:`(*)`, same shape as the input.

    Taught in: :ref:`gr-challenges-raw-metal` (challenge II)
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x_sin_x(x)


def finite_difference_grad(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, eps: float = 1e-6
) -> torch.Tensor:
    """Gradient of a scalar function by central differences:

    .. math::

        \\frac{\\partial F}{\\partial x_i} \\approx
        \\frac{F(x + \\varepsilon e_i) - F(x - \\varepsilon e_i)}{2\\varepsilon},

    with error :math:`O(\\varepsilon^2)` from truncation plus
    :math:`O(\\delta / \\varepsilon)` from rounding (:math:`\\delta` the
    machine epsilon times :math:`|F|`) — so use ``float64``, where
    :math:`\\varepsilon \\approx 10^{-6}` balances the two.

    Args:
        fn: maps a tensor shaped like ``x`` to one number (a 0-dim or one-element tensor).
        x: the point, ``float64`` (float32 is refused: it loses half the digits).
        eps: the step :math:`\\varepsilon > 0`.

    Shape:
        - x: :math:`(*)`. Output: :math:`(*)`, the shape of ``x``.

    Torch twin: ``torch.autograd.gradcheck`` compares a backward pass against these differences.

    Taught in: :ref:`gr-challenges-raw-metal` (challenge II), :ref:`gradiens-module-2`
    """
    check_callable("fn", fn)
    check_tensor("x", x)
    if x.dtype != torch.float64:
        raise TypeError(
            f"x must be a float64 tensor (finite differences in float32 lose half their digits), got {x.dtype}"
        )
    check_tensor("x", x, finite=True)
    check_positive("eps", eps)
    x = x.detach()
    grad = torch.empty_like(x)
    flat, out = x.clone().reshape(-1), grad.reshape(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            saved = flat[i].item()
            flat[i] = saved + eps
            plus = fn(flat.view_as(x))
            flat[i] = saved - eps
            minus = fn(flat.view_as(x))
            flat[i] = saved
            if plus.numel() != 1:
                raise ValueError(f"fn must return a scalar, got shape {tuple(plus.shape)}")
            out[i] = (plus.item() - minus.item()) / (2 * eps)
    return grad
