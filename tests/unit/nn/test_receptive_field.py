import pytest
import torch
from torch import nn

from dlfp.models.vgg import MyVGG
from dlfp.nn import receptive_field
from dlfp.nn.receptive_field import gradient_support, support_extent, theoretical_receptive_field


def stack(*layers):
    torch.manual_seed(0)
    return nn.Sequential(*layers)


@pytest.mark.parametrize(
    "model, expected",
    [
        (lambda: stack(nn.Conv2d(1, 1, 3)), (3, 3)),
        (lambda: stack(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Conv2d(2, 1, 3)), (5, 5)),
        (lambda: stack(nn.Conv2d(1, 1, 5)), (5, 5)),
        (lambda: stack(nn.Conv2d(1, 1, 3, stride=2), nn.Conv2d(1, 1, 3)), (7, 7)),
        (lambda: stack(nn.Conv2d(1, 1, 3, dilation=2)), (5, 5)),
        (lambda: stack(nn.Conv2d(1, 1, (3, 5))), (3, 5)),
    ],
)
def test_measured_support_equals_the_recursion(model, expected):
    m = model()
    support = gradient_support(m, (1, 21, 21))
    assert support_extent(support) == expected
    assert theoretical_receptive_field(m) == expected
    # dense layers (no dilation): the support is the full rectangle
    if not any(getattr(l, "dilation", (1,))[0] > 1 for l in m.modules()):
        assert int(support.sum()) == expected[0] * expected[1]


def test_pooling_counts_and_model_dtype_and_mode_are_restored():
    m = stack(nn.Conv2d(1, 1, 3, padding=1), nn.MaxPool2d(2), nn.Conv2d(1, 1, 3, padding=1))
    m.train()
    assert theoretical_receptive_field(m) == (8, 8)
    gradient_support(m, (1, 16, 16), trials=5)
    assert m.training and next(m.parameters()).dtype == torch.float32


def test_vgg_receptive_field_recursion():
    # conv3 (+2), pool2 (+1, jump 2), conv3 (+2*2), pool2 (+1*2, jump 4), conv3 (+2*4), pool2 (+1*4)
    r = theoretical_receptive_field(MyVGG())
    assert r == (1 + 2 * 1 + 1 * 1 + 2 * 2 + 1 * 2 + 2 * 4 + 1 * 4,) * 2


def test_support_extent_and_bad_inputs():
    mask = torch.zeros(7, 7, dtype=torch.bool)
    assert support_extent(mask) == (0, 0)
    mask[2:5, 1:3] = True
    assert support_extent(mask) == (3, 2)
    with pytest.raises(TypeError, match="bool"):
        support_extent(mask.float())
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        support_extent(mask[None])
    with pytest.raises(ValueError, match="input_shape"):
        gradient_support(nn.Conv2d(1, 1, 3), (8, 8))
    with pytest.raises(TypeError, match="nn.Module"):
        gradient_support(lambda x: x, (1, 8, 8))
    with pytest.raises(ValueError, match="inside the output"):
        gradient_support(nn.Conv2d(1, 1, 3), (1, 8, 8), position=(10, 0))
    with pytest.raises(TypeError, match="nn.Module"):
        theoretical_receptive_field("conv")


def test_vgg_features_support_is_the_computed_field_and_channel_option():
    torch.manual_seed(0)
    features = MyVGG().features
    support = gradient_support(features, (1, 28, 28), position=(1, 1), trials=8)
    assert support_extent(support) == theoretical_receptive_field(features) == (22, 22)
    conv = stack(nn.Conv2d(1, 3, 3))
    assert support_extent(gradient_support(conv, (1, 9, 9), channel=2)) == (3, 3)
    with pytest.raises(ValueError, match="inside the output"):
        gradient_support(conv, (1, 9, 9), channel=3)


# Each public object of dlfp.nn.receptive_field, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.receptive_field.gradient_support": [
        (
            lambda: receptive_field.gradient_support(nn.Conv2d(1, 1, 3), (8, 8)),
            ValueError,
            r"input_shape must be \(C, H, W\) with positive ints, got \(8, 8\)",
        ),
        (lambda: receptive_field.gradient_support(lambda x: x, (1, 8, 8)), TypeError, r"model must be an nn\.Module"),
    ],
    "dlfp.nn.receptive_field.support_extent": [
        (
            lambda: receptive_field.support_extent(torch.zeros(4, 4)),
            TypeError,
            r"support must have dtype torch\.bool, got torch\.float32",
        ),
        (
            lambda: receptive_field.support_extent(torch.zeros(1, 4, 4, dtype=torch.bool)),
            ValueError,
            r"support must have shape \(H, W\)",
        ),
    ],
    "dlfp.nn.receptive_field.theoretical_receptive_field": [
        (
            lambda: receptive_field.theoretical_receptive_field("conv"),
            TypeError,
            r"model must be an nn\.Module, got 'conv'",
        ),
    ],
}
