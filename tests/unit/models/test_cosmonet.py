import pytest
import torch
from torch import nn

from dlfp.models import cosmonet
from dlfp.models.cosmonet import CosmoNet
from dlfp.tensor.shapes import conv_output_size, pool_output_size
from tests.unit.bad_input import F64


def test_shapes_and_parameter_count_of_the_source_architecture():
    model = CosmoNet()
    # conv: 9 C_in C_out + C_out; head 128 + 1
    expected = (9 * 1 * 32 + 32) + (9 * 32 * 64 + 64) + (9 * 64 * 128 + 128) + 129
    assert sum(p.numel() for p in model.parameters()) == expected == 92801
    maps = model.get_feature_maps(torch.randn(2, 1, 64, 64))
    size = 64
    for i, c in enumerate((32, 64, 128), start=1):
        size_conv = conv_output_size(size, kernel_size=3, padding=1)
        assert maps[f"conv{i}"].shape == maps[f"relu{i}"].shape == (2, c, size_conv, size_conv)
        size = pool_output_size(size_conv, kernel_size=2, stride=2)
        assert maps[f"pool{i}"].shape == (2, c, size, size)
    assert maps["global_pool"].shape == (2, 128) and maps["fc"].shape == (2, 1)
    torch.testing.assert_close(model(torch.ones(1, 1, 16, 16)), model.get_feature_maps(torch.ones(1, 1, 16, 16))["fc"])


def test_forward_equals_the_source_forward():
    torch.manual_seed(0)
    m = CosmoNet()
    x = torch.randn(3, 1, 32, 32)
    y = m.relu(m.conv1(x))
    y = m.pool1(y)
    y = m.pool2(m.relu(m.conv2(y)))
    y = m.pool3(m.relu(m.conv3(y)))
    y = m.fc(m.global_pool(y).view(3, -1))
    torch.testing.assert_close(m(x), y)


def test_batch_norm_and_circular_padding():
    m = CosmoNet(channels=(4, 8, 16), batch_norm=True, padding_mode="circular")
    assert isinstance(m.bn2, nn.BatchNorm2d) and m.conv1.padding_mode == "circular"
    m.eval()
    x = torch.randn(2, 1, 32, 32)
    # circular padding + global pooling: invariant under shifts by multiples of 8 = 2^3
    torch.testing.assert_close(m(torch.roll(x, shifts=(8, 16), dims=(2, 3))), m(x), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: CosmoNet()(torch.randn(2, 64, 64)), "shape \\(B, 1, H, W\\)"),
        (lambda: CosmoNet()(torch.randn(2, 3, 64, 64)), "shape \\(B, 1, H, W\\)"),
        (lambda: CosmoNet()(torch.randn(2, 1, 4, 4)), "at least 8"),
        (lambda: CosmoNet()(torch.randn(2, 1, 16, 16, dtype=torch.float64)), "dtype"),
        (lambda: CosmoNet()([1.0]), "must be a torch.Tensor"),
        (lambda: CosmoNet(channels=(1, 2)), "three positive ints"),
        (lambda: CosmoNet(padding_mode="mirror"), "padding_mode"),
    ],
)
def test_validation(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


@pytest.mark.parametrize(
    ("channels", "error", "match"),
    [
        (True, TypeError, r"channels must be a tuple of three positive ints, got True \(bool\)"),
        (None, TypeError, r"channels must be a tuple of three positive ints, got None"),
        (32, TypeError, r"channels must be a tuple of three positive ints, got 32 \(int\)"),
        ((True, 8, 16), TypeError, r"channels\[0\] must be a positive int, got True \(bool\)"),
        ((4, 8.0, 16), TypeError, r"channels\[1\] must be a positive int, got 8\.0 \(float\)"),
        ((4, 8, 0), ValueError, r"channels\[2\] must be a positive int, got 0"),
        ((4, 8), ValueError, r"channels must be three positive ints, got \(4, 8\)"),
    ],
)
def test_channels_of_the_wrong_kind_are_named(channels, error, match):
    with pytest.raises(error, match=match):
        CosmoNet(channels=channels)


def test_channels_as_a_list_and_batch_norm_must_be_a_bool():
    assert CosmoNet(channels=[2, 4, 8]).fc.in_features == 8
    with pytest.raises(TypeError, match=r"batch_norm must be a bool, got 'yes'"):
        CosmoNet(batch_norm="yes")


# Each public object of dlfp.models.cosmonet, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.cosmonet.CosmoNet": [
        (
            lambda: cosmonet.CosmoNet(channels=None),
            TypeError,
            r"channels must be a tuple of three positive ints, got None",
        ),
        (
            lambda: cosmonet.CosmoNet(channels=(True, 2, 3)),
            TypeError,
            r"channels\[0\] must be a positive int, got True",
        ),
        (lambda: cosmonet.CosmoNet(channels=(1, 2)), ValueError, r"channels must be three positive ints"),
        (
            lambda: cosmonet.CosmoNet()(torch.randn(2, 64, 64)),
            ValueError,
            r"x must have shape \(B, 1, H, W\), got \(2, 64, 64\)",
        ),
        (
            lambda: cosmonet.CosmoNet()(torch.randn(2, 1, 16, 16, dtype=F64)),
            TypeError,
            r"x must have the model's dtype",
        ),
    ],
}
