import math

import pytest
import torch
from torch import nn

from dlfp.nn import init as init_stats
from dlfp.nn.init import INITS, activation_second_moment, linear_default_bound, normal_init, signal_stats


@pytest.mark.parametrize("fan_in", [1, 3, 64, 512])
def test_linear_default_bound_matches_nn_linear(fan_in):
    torch.manual_seed(0)
    lin = nn.Linear(fan_in, 2000)
    bound = linear_default_bound(fan_in)
    assert bound == pytest.approx(1 / math.sqrt(fan_in))
    assert lin.weight.abs().max() <= bound
    assert lin.weight.abs().max() > 0.99 * bound
    assert lin.bias.abs().max() <= bound


def test_linear_default_bound_rejects():
    with pytest.raises(ValueError, match="fan_in"):
        linear_default_bound(0)


def test_second_moments_against_sampling():
    z = torch.randn(2_000_000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert activation_second_moment("relu") == 0.5
    assert activation_second_moment("linear") == pytest.approx(1.0)
    for name, f in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu)):
        assert activation_second_moment(name) == pytest.approx(float((f(z) ** 2).mean()), abs=3e-3)
    with pytest.raises(ValueError, match="activation"):
        activation_second_moment("gelu")


def test_normal_init_and_rejects():
    w = torch.empty(500, 500)
    normal_init(0.5)(w)
    assert float(w.std()) == pytest.approx(0.5, rel=0.02)
    with pytest.raises(ValueError, match="std"):
        normal_init(-1.0)


def test_inits_have_documented_variance():
    w = torch.empty(400, 400)
    for name, var in (
        ("lecun_normal", 1 / 400),
        ("xavier_normal", 2 / 800),
        ("kaiming_normal", 2 / 400),
        ("pytorch_default", 1 / (3 * 400)),
    ):
        torch.manual_seed(0)
        INITS[name](w)
        assert float(w.var()) == pytest.approx(var, rel=0.03), name


def test_signal_stats_kaiming_preserves_relu_signal():
    s = signal_stats(8, 256, "kaiming_normal", "relu", n_samples=256)
    assert len(s.act_std) == 8 and len(s.weight_grad_std) == 8
    # Var(z) = n * (2/n) * E[relu(z_prev)^2] = 2 at every layer, so std(z) stays near sqrt(2).
    pre = torch.tensor(s.pre_std)
    assert ((pre / math.sqrt(2) - 1).abs() < 0.15).all()
    small = signal_stats(8, 256, normal_init(0.01), "relu")
    assert small.act_std[-1] < 1e-5 * small.act_std[0]
    zeros = signal_stats(3, 16, "zeros", "relu")
    assert zeros.weight_grad_std == [0.0, 0.0, 0.0]


def test_signal_stats_linear_variance_law():
    # Var(z) multiplies by n * sigma_w^2 per layer for a linear network.
    s = signal_stats(4, 512, normal_init(1.0), "linear", n_samples=512, dtype=torch.float64)
    ratios = [s.pre_std[i + 1] / s.pre_std[i] for i in range(3)]
    assert all(r == pytest.approx(math.sqrt(512), rel=0.1) for r in ratios)


@pytest.mark.parametrize(
    "kwargs, err",
    [
        ({"depth": 0}, ValueError),
        ({"init": "nope"}, ValueError),
        ({"init": 3}, TypeError),
        ({"activation": "gelu"}, ValueError),
    ],
)
def test_signal_stats_rejects(kwargs, err):
    args = {"depth": 2, "width": 4, "init": "zeros"} | kwargs
    with pytest.raises(err):
        signal_stats(**args)


# Each public object of dlfp.nn.init, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.init.linear_default_bound": [
        (lambda: init_stats.linear_default_bound(0), ValueError, r"fan_in must be a positive int, got 0"),
    ],
    "dlfp.nn.init.activation_second_moment": [
        (lambda: init_stats.activation_second_moment("gelu"), ValueError, r"activation must be one of .*got 'gelu'"),
    ],
    "dlfp.nn.init.normal_init": [
        (lambda: init_stats.normal_init(-1.0), ValueError, r"std must be non-negative, got -1\.0"),
    ],
    "dlfp.nn.init.signal_stats": [
        (lambda: init_stats.signal_stats(0, 8, "zeros"), ValueError, r"depth must be a positive int, got 0"),
        (lambda: init_stats.signal_stats(2, 8, 3), TypeError, r"init must be a string or a callable"),
    ],
}
