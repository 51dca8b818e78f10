import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlfp.tensor import shapes
from dlfp.tensor.shapes import broadcast_shape, check_shape, conv_output_size, pool_output_size

small_shape = st.lists(st.integers(1, 4), min_size=0, max_size=4)


@settings(deadline=None)  # the first call imports and warms torch: timing is not what this test checks
@given(st.lists(small_shape, min_size=1, max_size=3))
def test_broadcast_shape_agrees_with_torch(shapes):
    try:
        expected = tuple(torch.broadcast_shapes(*shapes))
    except RuntimeError:
        with pytest.raises(ValueError, match="do not broadcast"):
            broadcast_shape(*shapes)
    else:
        assert broadcast_shape(*shapes) == expected


def test_broadcast_error_names_dimension_and_sizes():
    with pytest.raises(ValueError, match=r"dimension -1 .* sizes \[32, 64\]"):
        broadcast_shape((64, 64), (32,))


@pytest.mark.parametrize("bad", [3, "ab", [1.5], [-1]])
def test_broadcast_rejects_non_shapes(bad):
    with pytest.raises((TypeError, ValueError), match="shapes\\[0\\]"):
        broadcast_shape(bad)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 20),
    kernel=st.integers(1, 5),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
)
def test_conv_output_size_agrees_with_conv2d(size, kernel, stride, padding, dilation):
    span = dilation * (kernel - 1) + 1
    if size + 2 * padding < span:
        with pytest.raises(ValueError, match="kernel spans"):
            conv_output_size(size, kernel, stride, padding, dilation)
        return
    conv = nn.Conv2d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
    out = conv(torch.zeros(1, 1, size, size))
    assert out.shape[-1] == conv_output_size(size, kernel, stride, padding, dilation)


def _torch_pool_size(layer, size, ndim):
    """The output length of a pooling layer, or None where PyTorch refuses the input."""
    x = torch.zeros((1, 1) + (size,) * ndim)
    try:
        return layer(x).shape[-1]
    except RuntimeError:
        return None


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 24),
    kernel=st.integers(1, 6),
    stride=st.none() | st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
    ceil_mode=st.booleans(),
    ndim=st.sampled_from([1, 2]),
)
def test_pool_output_size_agrees_with_maxpool(size, kernel, stride, padding, dilation, ceil_mode, ndim):
    """Property: wherever nn.MaxPool1d/2d returns a size, ours is the same; wherever it raises, ours raises."""
    layer_cls = nn.MaxPool1d if ndim == 1 else nn.MaxPool2d
    layer = layer_cls(kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=ceil_mode)
    expected = _torch_pool_size(layer, size, ndim)
    if expected is None:
        with pytest.raises(ValueError, match=r"padding must be at most half|output would be empty"):
            pool_output_size(size, kernel, stride, padding, dilation, ceil_mode)
    else:
        assert pool_output_size(size, kernel, stride, padding, dilation, ceil_mode) == expected


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation"),
    # ceil_mode cases where the last window hangs over the end, or the kernel is longer than the input
    [(1, 3, 3, 0, 1), (2, 3, 2, 1, 1), (5, 2, 2, 0, 1), (4, 3, 2, 1, 1), (6, 2, 3, 0, 2), (3, 4, 4, 2, 1)],
)
def test_pool_output_size_ceil_mode_edge_cases(size, kernel, stride, padding, dilation):
    layer = nn.MaxPool1d(kernel, stride=stride, padding=padding, dilation=dilation, ceil_mode=True)
    assert (
        pool_output_size(size, kernel, stride, padding, dilation, ceil_mode=True)
        == layer(torch.zeros(1, 1, size)).shape[-1]
    )


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(1, 20),
    kernel=st.integers(1, 5),
    stride=st.integers(1, 3),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_conv_output_size_agrees_with_conv1d_including_refusals(size, kernel, stride, padding, dilation):
    conv = nn.Conv1d(1, 1, kernel, stride=stride, padding=padding, dilation=dilation)
    try:
        expected = conv(torch.zeros(1, 1, size)).shape[-1]
    except RuntimeError:
        with pytest.raises(ValueError, match="kernel spans"):
            conv_output_size(size, kernel, stride, padding, dilation)
    else:
        assert conv_output_size(size, kernel, stride, padding, dilation) == expected


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(size=0, kernel_size=2), ValueError, r"size must be a positive int, got 0"),
        (dict(size=4, kernel_size=2, dilation=0), ValueError, r"dilation must be a positive int, got 0"),
        (dict(size=4, kernel_size=2, ceil_mode=1), TypeError, r"ceil_mode must be a bool, got 1 \(int\)"),
        (dict(size=4, kernel_size=3, padding=2), ValueError, r"padding must be at most half of kernel_size"),
        (dict(size=2, kernel_size=3), ValueError, r"kernel spans 3 samples but the padded input has only 2"),
    ],
)
def test_pool_output_size_validates(kwargs, error, match):
    with pytest.raises(error, match=match):
        pool_output_size(**kwargs)


@pytest.mark.parametrize("arg, value", [("kernel_size", 0), ("stride", 0), ("padding", -1)])
def test_conv_output_size_validates(arg, value):
    kwargs = {"size": 8, "kernel_size": 3, "stride": 1, "padding": 0}
    kwargs[arg] = value
    with pytest.raises(ValueError, match=arg):
        conv_output_size(**kwargs)


def test_check_shape():
    x = torch.zeros(4, 1, 28, 28)
    check_shape(x, (None, 1, 28, 28))
    with pytest.raises(ValueError, match=r"images must have shape \(\*, 3, 28, 28\), got \(4, 1, 28, 28\)"):
        check_shape(x, (None, 3, 28, 28), "images")
    with pytest.raises(ValueError, match="got"):
        check_shape(x, (4, 1, 28), "images")
    with pytest.raises(TypeError, match="torch.Tensor"):
        check_shape([1, 2], (2,))


# Each public object of dlfp.tensor.shapes, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.tensor.shapes.broadcast_shape": [
        (
            lambda: shapes.broadcast_shape((4, 3), (4,)),
            ValueError,
            r"shapes \[\(4, 3\), \(4,\)\] do not broadcast: dimension -1",
        ),
        (lambda: shapes.broadcast_shape(5), TypeError, r"shapes\[0\] must be a sequence of ints, got 5 \(int\)"),
    ],
    "dlfp.tensor.shapes.conv_output_size": [
        (lambda: shapes.conv_output_size(8, 0), ValueError, r"kernel_size must be a positive int, got 0"),
        (lambda: shapes.conv_output_size(8, 3, padding=-1), ValueError, r"padding must be a non-negative int, got -1"),
    ],
    "dlfp.tensor.shapes.pool_output_size": [
        (lambda: shapes.pool_output_size(8, 2, padding=2), ValueError, r"padding must be at most half of kernel_size"),
        (lambda: shapes.pool_output_size(8, "2"), TypeError, r"kernel_size must be a positive int, got '2' \(str\)"),
        (lambda: shapes.pool_output_size(8, 2, ceil_mode="yes"), TypeError, r"ceil_mode must be a bool, got 'yes'"),
        (lambda: shapes.pool_output_size(2, 3), ValueError, r"kernel spans 3 samples.*the output would be empty"),
    ],
    "dlfp.tensor.shapes.conv_transpose_output_size": [
        (
            lambda: shapes.conv_transpose_output_size(3.0, 3),
            TypeError,
            r"size must be a positive int, got 3\.0 \(float\)",
        ),
        (
            lambda: shapes.conv_transpose_output_size(3, 3, 2, 0, output_padding=2),
            ValueError,
            r"output_padding must be smaller than stride or dilation",
        ),
    ],
    "dlfp.tensor.shapes.check_shape": [
        (
            lambda: shapes.check_shape(torch.zeros(4, 1, 28, 28), (None, 3, 28, 28), "images"),
            ValueError,
            r"images must have shape \(\*, 3, 28, 28\), got \(4, 1, 28, 28\)",
        ),
        (
            lambda: shapes.check_shape(torch.zeros(2), "2"),
            TypeError,
            r"expected must be a sequence of non-negative ints or None",
        ),
    ],
}
