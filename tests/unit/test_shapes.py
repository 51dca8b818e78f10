import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlfp.shapes import broadcast_shape, check_shape, conv_output_size, pool_output_size

small_shape = st.lists(st.integers(1, 4), min_size=0, max_size=4)


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


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 20),
    kernel=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    ceil_mode=st.booleans(),
)
def test_pool_output_size_agrees_with_maxpool(size, kernel, stride, padding, ceil_mode):
    if 2 * padding > kernel or size + 2 * padding < kernel:
        with pytest.raises(ValueError):
            pool_output_size(size, kernel, stride, padding, ceil_mode=ceil_mode)
        return
    pool = nn.MaxPool1d(kernel, stride=stride, padding=padding, ceil_mode=ceil_mode)
    out = pool(torch.zeros(1, 1, size))
    assert out.shape[-1] == pool_output_size(size, kernel, stride, padding, ceil_mode=ceil_mode)


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
