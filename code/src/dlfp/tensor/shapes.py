"""Shape arithmetic: broadcasting, convolution, transposed-convolution and pooling
output sizes, shape checks.

Each helper is checked in ``tests/unit/tensor/test_shapes.py`` against the layer or
function PyTorch itself provides (``torch.broadcast_shapes``, ``nn.Conv2d``,
``nn.MaxPool2d``).

Taught in: :ref:`ch-tensor` §1.2–1.3, :ref:`wk1-broadcasting`, :ref:`ch-convolutions` §4.4,
:ref:`gradiens-module-5`, :ref:`gr-challenge-autoencoder`
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from dlfp._checks import check_int, check_tensor, check_type, describe

Shape = Sequence[int]


def _as_shape(shape: object, name: str) -> tuple[int, ...]:
    if isinstance(shape, int) or not isinstance(shape, Sequence | torch.Size):
        raise TypeError(f"{name} must be a sequence of ints, got {describe(shape)}")
    dims = tuple(shape)
    for d in dims:
        if not isinstance(d, int) or isinstance(d, bool) or d < 0:
            raise ValueError(f"{name} must contain non-negative ints, got {dims}")
    return dims


def broadcast_shape(*shapes: Shape) -> tuple[int, ...]:
    """The shape that broadcasting gives to operands of the given shapes.

    Shapes are aligned at their **last** dimension. Going from the right, two
    sizes are compatible when they are equal or one of them is 1; a missing
    dimension counts as 1. The result takes the larger size at each position:

    .. math::

        n_k = \\max_i n^{(i)}_k \\quad\\text{provided every } n^{(i)}_k \\in \\{1, n_k\\}.

    Args:
        shapes: any number of sequences of non-negative ints; the result is as long as the longest.

    Torch twin: ``torch.broadcast_shapes``.

    Raises:
        ValueError: naming the incompatible dimension and the sizes found there.

    Taught in: :ref:`ch-tensor` §1.2, :ref:`wk1-broadcasting`, :ref:`gradiens-module-1`
    """
    dims = [_as_shape(s, f"shapes[{i}]") for i, s in enumerate(shapes)]
    ndim = max((len(d) for d in dims), default=0)
    out = []
    for k in range(-ndim, 0):  # from the leftmost aligned position to the last
        sizes = {d[k] for d in dims if len(d) >= -k}
        non_one = sizes - {1}
        if len(non_one) > 1:
            raise ValueError(
                f"shapes {[tuple(d) for d in dims]} do not broadcast: dimension {k} "
                f"(counted from the right) has sizes {sorted(sizes)}; each must be 1 or equal"
            )
        out.append(non_one.pop() if non_one else 1)
    return tuple(out)


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution along one spatial dimension.

    .. math::

        n_\\text{out} = \\left\\lfloor \\frac{n + 2p - d(k - 1) - 1}{s} \\right\\rfloor + 1

    Args:
        size: the input size :math:`n \\ge 1`; the padded input must hold the dilated kernel.
        kernel_size: :math:`k \\ge 1`.
        stride: :math:`s \\ge 1`.
        padding: the zeros :math:`p \\ge 0` on each side.
        dilation: :math:`d \\ge 1`.

    Torch twin: the output size of ``nn.Conv1d/2d/3d`` (and of ``nn.MaxPool2d`` with ``ceil_mode=False``).

    Taught in: :ref:`ch-convolutions` §4.4, :ref:`gradiens-module-5`, :ref:`ch-bb-cnn`
    """
    for name, value, low in (
        ("size", size, 1),
        ("kernel_size", kernel_size, 1),
        ("stride", stride, 1),
        ("padding", padding, 0),
        ("dilation", dilation, 1),
    ):
        check_int(name, value, minimum=low)
    span = dilation * (kernel_size - 1) + 1
    if size + 2 * padding < span:
        raise ValueError(f"kernel spans {span} samples but the padded input has only {size + 2 * padding}")
    return (size + 2 * padding - span) // stride + 1


def pool_output_size(
    size: int,
    kernel_size: int,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> int:
    """Output length of ``nn.MaxPool1d/2d`` along one dimension.

    PyTorch's rule (``pooling_output_shape`` in ATen's ``Pool.h``): with
    :math:`a = n + 2p - d(k - 1) - 1`,

    .. math::

        n_\\text{out} = \\left\\lfloor \\frac{a + (s - 1)\\,[\\text{ceil\\_mode}]}{s} \\right\\rfloor + 1,

    and with ``ceil_mode=True`` one window less when the last one would start
    at or beyond :math:`n + p` (past the input and its left padding). With
    ``ceil_mode=True`` the last window may hang over the end, so a size comes
    out even where the kernel is longer than the padded input
    (``pool_output_size(1, 3, ceil_mode=True) == 1``), exactly as PyTorch
    computes it.

    Args:
        size, kernel_size, dilation: :math:`n, k, d \\ge 1`, as for :func:`conv_output_size`.
        stride: :math:`s \\ge 1`; ``None``: ``kernel_size``.
        padding: :math:`p`, from 0 to ``kernel_size // 2`` (PyTorch's rule).
        ceil_mode: a bool: round up instead of down.

    Raises:
        ValueError: if the output would be empty (PyTorch refuses it too).

    Taught in: :ref:`ch-convolutions` §4.4, :ref:`gradiens-module-5`, :ref:`ch-bb-cnn`
    """
    check_int("size", size, minimum=1)
    check_int("kernel_size", kernel_size, minimum=1)
    check_int("stride", stride, minimum=1, optional=True)
    check_int("padding", padding, minimum=0)
    check_int("dilation", dilation, minimum=1)
    check_type("ceil_mode", ceil_mode, bool, "a bool")
    stride = kernel_size if stride is None else stride
    if padding > kernel_size // 2:
        raise ValueError(
            f"padding must be at most half of kernel_size, got padding={padding}, kernel_size={kernel_size}"
        )
    span = dilation * (kernel_size - 1) + 1
    out = (size + 2 * padding - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # the last window would start past the input and its left padding
    if out < 1:
        raise ValueError(
            f"kernel spans {span} samples but the padded input has only {size + 2 * padding}: the output would be empty"
        )
    return out


def conv_transpose_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Output length of ``nn.ConvTranspose1d/2d/3d`` along one dimension:

    .. math::

        n_\\text{out} = (n - 1)\\,s - 2p + d\\,(k - 1) + p_\\text{out} + 1.

    A stride-:math:`s` convolution maps :math:`s` consecutive input sizes to
    the same output size (the floor in
    :func:`dlfp.tensor.shapes.conv_output_size`); ``output_padding``
    :math:`p_\\text{out} < \\max(s, d)` picks which of them the transposed
    convolution returns to. It adds rows on one side only and does not pad
    the input.

    Args:
        size, kernel_size, stride, dilation: :math:`n, k, s, d \\ge 1`.
        padding: :math:`p \\ge 0`, small enough that the output is not empty.
        output_padding: :math:`p_\\text{out} \\ge 0`, smaller than ``stride`` or ``dilation``.

    Taught in: :ref:`gr-challenge-autoencoder`
    """
    for name, value, low in (
        ("size", size, 1),
        ("kernel_size", kernel_size, 1),
        ("stride", stride, 1),
        ("padding", padding, 0),
        ("output_padding", output_padding, 0),
        ("dilation", dilation, 1),
    ):
        check_int(name, value, minimum=low)
    if output_padding >= max(stride, dilation):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation, got "
            f"output_padding={output_padding}, stride={stride}, dilation={dilation}"
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(f"the output would have size {out}; reduce padding")
    return out


def check_shape(tensor: torch.Tensor, expected: Sequence[int | None], name: str = "tensor") -> None:
    """Raise unless ``tensor.shape`` matches ``expected`` (``None`` matches any size).

    Example::

        check_shape(images, (None, 1, 28, 28), "images")   # any batch size

    Args:
        tensor: the tensor to check.
        expected: one non-negative int or ``None`` per dimension.
        name: the name the message gives the tensor.

    Raises:
        ValueError: on a mismatch, naming ``name``, the expected and the actual shape.

    Taught in: :ref:`ch-tensor` §1.3, :ref:`wk1-shapes`
    """
    check_type("name", name, str, "a str")
    if (
        isinstance(expected, str)
        or not isinstance(expected, Sequence | torch.Size)
        or not all(e is None or (isinstance(e, int) and not isinstance(e, bool) and e >= 0) for e in expected)
    ):
        raise TypeError(f"expected must be a sequence of non-negative ints or None, got {expected!r}")
    check_tensor(name, tensor, shape=tuple(expected))
