"""Receptive fields, measured from gradients and computed from the layer list.

The receptive field of an output unit is the set of input pixels it depends
on. For a differentiable network it can be *measured*: the unit depends on
input pixel :math:`(i, j)` exactly where
:math:`\\partial\\, y_{c, p, q} / \\partial x_{:, i, j} \\neq 0` for generic
inputs (:func:`gradient_support`). It can also be *computed* from the layer
list by the recursion (:func:`theoretical_receptive_field`)

.. math::

    r_0 = 1,\\quad j_0 = 1,\\qquad
    r_\\ell = r_{\\ell-1} + \\big(d_\\ell (k_\\ell - 1)\\big)\\, j_{\\ell-1},\\quad
    j_\\ell = j_{\\ell-1}\\, s_\\ell,

where :math:`k, s, d` are each layer's kernel size, stride and dilation and
:math:`j` is the distance, in input pixels, between neighbouring units.

Taught in: :ref:`gradiens-module-5` (§5.3, the professor's design patterns); used in :ref:`ch-cosmonet`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlfp._checks import check_int, check_seed, check_tensor, check_type

_SPATIAL = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)


def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, tuple | list) else (value, value)


def gradient_support(
    model: nn.Module,
    input_shape: Sequence[int],
    position: tuple[int, int] | None = None,
    channel: int | None = None,
    trials: int = 3,
    seed: int = 0,
) -> torch.Tensor:
    """Input pixels on which one output unit depends, measured by backpropagation.

    The unit ``y[0, channel, p, q]`` (``(p, q) = position``, by default the
    centre of the output map; with ``channel=None`` the sum over all output
    channels at that position, which all share one receptive field) is
    differentiated with respect to a random input; a pixel belongs to the
    support when the gradient there is non-zero in any input channel, for any
    of ``trials`` random inputs (one input could hide a pixel behind a ReLU
    that happens to be off, or a max-pooling window that picked another
    pixel). The model is run in eval mode, in ``float64``, and restored
    afterwards.

    Args:
        model: the network, an ``nn.Module``.
        input_shape: ``(C, H, W)`` of one input sample, no batch dimension.
        position: ``(p, q)`` in the output map; ``None``: its centre.
        channel: output channel; ``None``: the sum over all channels.
        trials: number of random inputs.
        seed: seeds the random inputs.

    Shape:
        - model: maps :math:`(1, C, H, W)` to :math:`(1, C', H', W')`
        - Output: ``bool`` tensor :math:`(H, W)`

    Raises:
        ValueError: if the model's output is not 4-D, or ``position`` or
            ``channel`` lie outside it (known only once the model has run).

    Taught in: :ref:`gradiens-module-5` (§5.3, the VGG block), :ref:`ch-cosmonet`.
    """
    check_type("model", model, nn.Module, "an nn.Module")
    shape = tuple(input_shape) if isinstance(input_shape, Sequence | torch.Size) else (input_shape,)
    if len(shape) != 3 or not all(isinstance(s, int) and s > 0 for s in shape):
        raise ValueError(f"input_shape must be (C, H, W) with positive ints, got {shape}")
    check_int("trials", trials, minimum=1)
    check_seed("seed", seed)
    check_int("channel", channel, minimum=0, optional=True)
    if position is not None and not (
        isinstance(position, tuple | list) and len(position) == 2 and all(isinstance(i, int) for i in position)
    ):
        raise TypeError(f"position must be a pair of ints (p, q) or None, got {position!r}")
    was_training = model.training
    dtypes = {p.dtype for p in model.parameters()}
    model.eval().double()
    generator = torch.Generator().manual_seed(seed)
    support = torch.zeros(shape[1:], dtype=torch.bool)
    try:
        for _ in range(trials):
            x = torch.randn(1, *shape, dtype=torch.float64, generator=generator, requires_grad=True)
            y = model(x)
            if y.ndim != 4:
                raise ValueError(f"model output must be (1, C', H', W'), got {tuple(y.shape)}")
            p, q = position if position is not None else (y.shape[2] // 2, y.shape[3] // 2)
            inside = 0 <= p < y.shape[2] and 0 <= q < y.shape[3]
            if not inside or (channel is not None and not 0 <= channel < y.shape[1]):
                raise ValueError(
                    f"channel {channel} and position {(p, q)} must lie inside the output of shape {tuple(y.shape[1:])}"
                )
            unit = y[0, :, p, q].sum() if channel is None else y[0, channel, p, q]
            (grad,) = torch.autograd.grad(unit, x)
            support |= (grad[0] != 0).any(dim=0)
    finally:
        model.train(was_training)
        if len(dtypes) == 1:
            model.to(dtypes.pop())
    return support


def support_extent(support: torch.Tensor) -> tuple[int, int]:
    """``(height, width)`` of the bounding box of a boolean support mask; ``(0, 0)`` if empty.

    Args:
        support: the mask, e.g. from :func:`gradient_support`.

    Shape:
        - support: :math:`(H, W)`, ``bool``

    Taught in: :ref:`gradiens-module-5` (§5.3), :ref:`ch-cosmonet`.
    """
    check_tensor("support", support, dtype=torch.bool)
    check_tensor("support", support, shape=("H", "W"))
    rows = support.any(dim=1).nonzero()
    cols = support.any(dim=0).nonzero()
    if len(rows) == 0:
        return (0, 0)
    return (int(rows.max() - rows.min()) + 1, int(cols.max() - cols.min()) + 1)


def theoretical_receptive_field(model: nn.Module) -> tuple[int, int]:
    """Receptive field ``(height, width)``, in input pixels, of ``model``'s output units from its layer list.

    Applies the recursion of the module docstring to the ``Conv2d``,
    ``MaxPool2d`` and ``AvgPool2d`` layers of ``model`` in registration
    order (``model.modules()``), which is the order of computation for a
    feed-forward stack such as ``nn.Sequential``. Point-wise layers
    (activations, batch norm) do not change it.

    Args:
        model: a feed-forward ``nn.Module``.

    Compared with: :func:`gradient_support`, which measures it.
    Taught in: :ref:`gradiens-module-5` (§5.3), :ref:`ch-cosmonet`.
    """
    check_type("model", model, nn.Module, "an nn.Module")
    field, jump = [1, 1], [1, 1]
    for layer in model.modules():
        if not isinstance(layer, _SPATIAL):
            continue
        kernel = _pair(layer.kernel_size)
        stride = _pair(layer.stride if layer.stride is not None else layer.kernel_size)
        dilation = _pair(getattr(layer, "dilation", 1))
        for a in range(2):
            field[a] += dilation[a] * (kernel[a] - 1) * jump[a]
            jump[a] *= stride[a]
    return (field[0], field[1])
