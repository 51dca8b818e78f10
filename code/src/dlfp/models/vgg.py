"""VGG-style convolutional networks: the Conv→BN→ReLU block and ``MyVGG``.

A VGG block is a small stack of 3×3 convolutions, each followed by batch
normalisation and a ReLU, closed by a 2×2 max-pooling that halves the
resolution (the "pyramid": resolution down, channels up). ``MyVGG`` is the
network of Part II's exercise 5.3 and, narrower, the MNIST classifier of
exercise 5.4.

Taught in: :ref:`gradiens-module-5` (§5.3 and exercises 5.3 and 5.4)
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlfp._checks import check_int, check_model_input, check_tensor, check_type
from dlfp.nn.hooks import ActivationRecorder
from dlfp.tensor.shapes import conv_output_size, pool_output_size

#: the channel widths of exercise 5.3
VGG_CHANNELS = (32, 64, 128)
#: a narrower network for quick runs (a quarter of the widths, 1/16 of the conv weights)
SMALL_CHANNELS = (8, 16, 32)


def conv_bn_relu(
    in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1, bias: bool = True
) -> nn.Sequential:
    """``Conv2d → BatchNorm2d → ReLU`` with "same" padding :math:`p = \\lfloor k/2 \\rfloor`.

    With odd ``kernel_size`` and ``stride=1`` the spatial size is kept; with
    ``stride=2`` it becomes :math:`\\lfloor (n - 1)/2 \\rfloor + 1`. The
    convolution's bias is redundant before batch normalisation (the mean
    subtraction removes it and BN's :math:`\\beta` takes its place); pass
    ``bias=False`` to drop it.

    Args:
        in_channels: channels :math:`C_{in}` of the input.
        out_channels: channels :math:`C_{out}` of the output.
        kernel_size: side :math:`k` of the square kernel (default 3).
        stride: stride :math:`s` of the convolution (default 1).
        bias: whether the convolution has a bias.

    Shape:
        - x: :math:`(N, C_{in}, H, W)`
        - Output: :math:`(N, C_{out}, H', W')`, :math:`H' = \\lfloor (H + 2p - k)/s \\rfloor + 1`

    Taught in: :ref:`gradiens-module-5`, §5.3
    """
    for name, value in (
        ("in_channels", in_channels),
        ("out_channels", out_channels),
        ("kernel_size", kernel_size),
        ("stride", stride),
    ):
        check_int(name, value, minimum=1)
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, kernel_size // 2, bias=bias),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
    )


def vgg_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """One block of exercise 5.3: ``Conv(3×3, p=1) → BN → ReLU → MaxPool(2)``.

    Args:
        in_channels: channels :math:`C_{in}` of the input.
        out_channels: channels :math:`C_{out}` of the output.

    Shape:
        - x: :math:`(N, C_{in}, H, W)`
        - Output: :math:`(N, C_{out}, \\lfloor H/2 \\rfloor, \\lfloor W/2 \\rfloor)`

    Taught in: :ref:`gradiens-module-5`, exercise 5.3
    """
    return nn.Sequential(*conv_bn_relu(in_channels, out_channels), nn.MaxPool2d(2))


class MyVGG(nn.Module):
    """The VGG-style classifier of exercise 5.3.

    ``len(channels)`` blocks ``Conv(3×3, p=1) → BN → ReLU → MaxPool(2)``
    followed by ``Flatten → Linear(C_last · s · s → num_classes)``, where the
    final side length ``s`` follows from the input size: each block keeps the
    size through its convolution and floors it in half by pooling,
    :math:`28 \\to 14 \\to 7 \\to 3` for MNIST, so the linear layer has
    :math:`128 \\cdot 3 \\cdot 3 = 1152` inputs with the default widths.

    Args:
        in_channels: channels of the input images (1 for MNIST).
        channels: output channels of the blocks, e.g. :data:`VGG_CHANNELS`.
        num_classes: outputs of the classifier (logits).
        image_size: side length of the square input images.

    Shape:
        - x: :math:`(N, C_{in}, S, S)` with :math:`S` = ``image_size``
        - Output: :math:`(N, \\text{num\\_classes})`, logits

    Taught in: :ref:`gradiens-module-5`, exercises 5.3 and 5.4
    """

    def __init__(
        self,
        in_channels: int = 1,
        channels: Sequence[int] = VGG_CHANNELS,
        num_classes: int = 10,
        image_size: int = 28,
    ) -> None:
        super().__init__()
        check_type("channels", channels, (tuple, list), "a tuple or list of positive ints")
        channels = tuple(channels)
        if not channels:
            raise ValueError("channels must name at least one block, got ()")
        for i, c in enumerate(channels):
            check_int(f"channels[{i}]", c, minimum=1)
        check_int("in_channels", in_channels, minimum=1)
        check_int("num_classes", num_classes, minimum=1)
        check_int("image_size", image_size, minimum=1)
        self.in_channels, self.image_size = in_channels, image_size
        side = image_size
        for _ in channels:
            side = conv_output_size(side, 3, 1, 1)
            if side < 2:
                raise ValueError(f"image_size {image_size} is too small for {len(channels)} blocks")
            side = pool_output_size(side, 2)
        widths = (in_channels, *channels)
        self.features = nn.Sequential(*(vgg_block(a, b) for a, b in zip(widths, widths[1:])))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(channels[-1] * side * side, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("N", self.in_channels, self.image_size, self.image_size))
        return self.classifier(self.features(x))


def shape_table(model: nn.Module, x: torch.Tensor) -> list[tuple[str, str, tuple[int, ...], int]]:
    """Run ``x`` through ``model`` and record every leaf layer's output shape.

    An :class:`dlfp.nn.hooks.ActivationRecorder` watches the modules that have no
    children while the forward pass runs under ``torch.no_grad()`` in eval mode;
    the hooks and the mode are restored afterwards. Rows come in the order of
    ``model.named_modules()``.

    Args:
        model: the network; its leaf modules must return tensors.
        x: an input batch.

    Shape:
        - x: whatever ``model`` accepts, e.g. :math:`(N, C, H, W)`
        - Output: rows ``(name, layer type, output shape without batch, parameter count)``

    Taught in: :ref:`gradiens-module-5`, §5.3 (the pyramid principle)
    """
    check_type("model", model, nn.Module, "an nn.Module")
    check_tensor("x", x)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), ActivationRecorder(model) as recorder:
            model(x)
    finally:
        model.train(was_training)
    modules = dict(model.named_modules())
    return [
        (name, type(modules[name]).__name__, tuple(out.shape[1:]), sum(p.numel() for p in modules[name].parameters()))
        for name, outputs in recorder.outputs.items()
        for out in outputs
    ]
