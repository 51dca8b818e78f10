import pytest
import torch
from torch import nn

from dlfp.models import vgg
from dlfp.models.vgg import SMALL_CHANNELS, MyVGG, conv_bn_relu, shape_table, vgg_block


def test_myvgg_shapes_and_classifier_width():
    model = MyVGG()
    assert model.classifier[1].in_features == 128 * 3 * 3
    assert model(torch.randn(5, 1, 28, 28)).shape == (5, 10)
    small = MyVGG(channels=SMALL_CHANNELS)
    assert small(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    rgb = MyVGG(in_channels=3, channels=(4, 8), num_classes=3, image_size=32)
    assert rgb.classifier[1].in_features == 8 * 8 * 8


def test_myvgg_matches_the_layers_written_out():
    torch.manual_seed(0)
    model = MyVGG()
    torch.manual_seed(0)
    layers = []
    for a, b in [(1, 32), (32, 64), (64, 128)]:
        layers += [nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU(), nn.MaxPool2d(2)]
    reference = nn.Sequential(*layers, nn.Flatten(), nn.Linear(1152, 10))
    x = torch.randn(3, 1, 28, 28)
    model.eval(), reference.eval()
    torch.testing.assert_close(model(x), reference(x))


def test_conv_bn_relu_order_and_strided_size():
    block = conv_bn_relu(3, 8, stride=2, bias=False)
    assert [type(m) for m in block] == [nn.Conv2d, nn.BatchNorm2d, nn.ReLU]
    assert block[0].bias is None
    assert block(torch.randn(2, 3, 15, 15)).shape == (2, 8, 8, 8)
    assert vgg_block(3, 8)(torch.randn(1, 3, 15, 15)).shape == (1, 8, 7, 7)


def test_shape_table_rows_and_restored_state():
    model = MyVGG()
    model.train()
    rows = shape_table(model, torch.randn(1, 1, 28, 28))
    assert model.training
    assert rows[0] == ("features.0.0", "Conv2d", (32, 28, 28), 32 * 9 + 32)
    assert [r[2] for r in rows if r[1] == "MaxPool2d"] == [(32, 14, 14), (64, 7, 7), (128, 3, 3)]
    assert rows[-1][2] == (10,)
    assert sum(r[3] for r in rows) == sum(p.numel() for p in model.parameters())
    assert not any(m._forward_hooks for m in model.modules())


def test_bad_inputs():
    with pytest.raises(ValueError, match="x must have shape"):
        MyVGG()(torch.randn(2, 3, 28, 28))
    with pytest.raises(ValueError, match="too small"):
        MyVGG(image_size=4)
    with pytest.raises(ValueError, match=r"channels\[1\]"):
        MyVGG(channels=(8, 0))
    with pytest.raises(ValueError, match="channels must name"):
        MyVGG(channels=())
    with pytest.raises(ValueError, match="out_channels"):
        conv_bn_relu(3, -1)
    with pytest.raises(TypeError, match="nn.Module"):
        shape_table(lambda x: x, torch.zeros(1))
    with pytest.raises(TypeError, match="torch.Tensor"):
        shape_table(MyVGG(), [0.0])


@pytest.mark.parametrize("channels", [None, 5, "64"])
def test_channels_of_the_wrong_kind_are_named(channels):
    with pytest.raises(TypeError, match=r"channels must be a tuple or list of positive ints"):
        MyVGG(channels=channels)


# Each public object of dlfp.models.vgg, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.vgg.conv_bn_relu": [
        (lambda: vgg.conv_bn_relu(3, -1), ValueError, r"out_channels must be a positive int, got -1"),
    ],
    "dlfp.models.vgg.vgg_block": [
        (lambda: vgg.vgg_block(0, 8), ValueError, r"in_channels must be a positive int, got 0"),
    ],
    "dlfp.models.vgg.MyVGG": [
        (lambda: vgg.MyVGG(channels=None), TypeError, r"channels must be a tuple or list of positive ints, got None"),
        (lambda: vgg.MyVGG(channels=()), ValueError, r"channels must name at least one block"),
        (
            lambda: vgg.MyVGG()(torch.randn(2, 3, 28, 28)),
            ValueError,
            r"x must have shape \(N, 1, 28, 28\), got \(2, 3, 28, 28\)",
        ),
        (lambda: vgg.MyVGG()([0.0]), TypeError, r"x must be a torch\.Tensor, got list"),
    ],
    "dlfp.models.vgg.shape_table": [
        (lambda: vgg.shape_table(lambda x: x, torch.zeros(1)), TypeError, r"model must be an nn\.Module"),
    ],
}
