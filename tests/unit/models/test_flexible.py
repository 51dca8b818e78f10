"""dlfp.models.flexible and dlfp.nn.hooks."""

import math

import pytest
import torch
from torch import nn

from dlfp.models import flexible
from dlfp.models.flexible import ACTIVATIONS, FlexibleMLP, SimplestModel


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def test_simplest_model_is_affine():
    torch.manual_seed(0)
    m = SimplestModel(10, 3)
    x = torch.randn(5, 10)
    torch.testing.assert_close(m(x), x @ m.linear.weight.T + m.linear.bias)
    assert n_params(m) == 10 * 3 + 3


@pytest.mark.parametrize("hidden", [[], [64], [128, 64], [256, 128, 64, 32]])
def test_parameter_count_and_shape(hidden):
    m = FlexibleMLP(20, hidden, 5)
    widths = [20, *hidden, 5]
    assert n_params(m) == sum(a * b + b for a, b in zip(widths, widths[1:]))
    assert m(torch.randn(7, 20)).shape == (7, 5)


def test_matches_hand_written_sequential():
    torch.manual_seed(0)
    m = FlexibleMLP(6, [8, 4], 3, activation="tanh")
    ref = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 4), nn.Tanh(), nn.Linear(4, 3))
    ref.load_state_dict({k: v for k, v in zip(ref.state_dict(), m.state_dict().values())}, strict=True)
    x = torch.randn(10, 6)
    torch.testing.assert_close(m(x), ref(x))


def test_batch_norm_dropout_and_modes():
    torch.manual_seed(0)
    m = FlexibleMLP(6, [16], 2, batch_norm=True, dropout=0.5)
    assert any(isinstance(x, nn.BatchNorm1d) for x in m.modules())
    x = torch.randn(32, 6)
    m.eval()
    torch.testing.assert_close(m(x), m(x))  # deterministic in eval
    m.train()
    assert not torch.equal(m(x), m(x))  # dropout masks differ


@pytest.mark.parametrize(
    "init, bound", [("xavier", lambda i, o: math.sqrt(6 / (i + o))), ("kaiming", lambda i, o: math.sqrt(6 / i))]
)
def test_init_bounds(init, bound):
    torch.manual_seed(0)
    m = FlexibleMLP(784, [256], 10, init=init)
    w = m.blocks[0][0].weight
    b = bound(784, 256)
    assert w.abs().max() <= b and w.abs().max() > 0.99 * b
    assert torch.all(m.blocks[0][0].bias == 0)


def test_all_activations_run():
    for name in ACTIVATIONS:
        assert FlexibleMLP(3, [4], 2, activation=name)(torch.randn(2, 3)).shape == (2, 2)


def test_bad_inputs():
    with pytest.raises(ValueError, match="input_size"):
        FlexibleMLP(0, [4], 2)
    with pytest.raises(ValueError, match="hidden_sizes"):
        FlexibleMLP(3, [4, -1], 2)
    with pytest.raises(ValueError, match="activation"):
        FlexibleMLP(3, [4], 2, activation="swish2")
    with pytest.raises(ValueError, match="dropout"):
        FlexibleMLP(3, [4], 2, dropout=1.0)
    with pytest.raises(ValueError, match="init"):
        FlexibleMLP(3, [4], 2, init="orthogonal")
    m = FlexibleMLP(3, [4], 2)
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        m(torch.randn(2, 4))
    with pytest.raises(TypeError, match="torch.Tensor"):
        m([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize(
    ("hidden", "error", "match"),
    [
        (None, TypeError, r"hidden_sizes must be a list of positive ints \(possibly empty\), got None"),
        (5, TypeError, r"hidden_sizes must be a list of positive ints \(possibly empty\), got 5 \(int\)"),
        ([True], ValueError, r"hidden_sizes must be positive ints, got \[True\]"),
    ],
)
def test_hidden_sizes_of_the_wrong_kind_are_named(hidden, error, match):
    with pytest.raises(error, match=match):
        FlexibleMLP(3, hidden, 1)


# Each public object of dlfp.models.flexible, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.flexible.SimplestModel": [
        (lambda: flexible.SimplestModel(0), ValueError, r"in_features must be a positive int, got 0"),
        (
            lambda: flexible.SimplestModel(10)(torch.randn(4, 3)),
            ValueError,
            r"x must have shape \(N, 10\), got \(4, 3\)",
        ),
        (
            lambda: flexible.SimplestModel(10)(torch.ones(4, 10, dtype=torch.long)),
            TypeError,
            r"x must be a floating-point tensor",
        ),
    ],
    "dlfp.models.flexible.FlexibleMLP": [
        (lambda: flexible.FlexibleMLP(3, None, 1), TypeError, r"hidden_sizes must be a list of positive ints"),
        (lambda: flexible.FlexibleMLP(3, [8], 2, dropout=1.5), ValueError, r"dropout must be in \[0, 1\), got 1\.5"),
        (
            lambda: flexible.FlexibleMLP(3, [8], 2)(torch.randn(4, 5)),
            ValueError,
            r"x must have shape \(N, 3\), got \(4, 5\)",
        ),
    ],
}
