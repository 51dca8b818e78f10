import pytest
import torch
from torch import nn

from dlfp.models import mlp
from dlfp.models.mlp import MLP, SingleNeuron, linear_parameter_count
from tests.unit.bad_input import F64


def test_single_neuron_is_sigmoid_of_affine():
    torch.manual_seed(0)
    neuron = SingleNeuron()
    x = torch.randn(4, 10)
    y = neuron(x)
    assert y.shape == (4, 1) and ((0 < y) & (y < 1)).all()
    torch.testing.assert_close(y, torch.sigmoid(x @ neuron.linear.weight.T + neuron.linear.bias))


def test_mlp_matches_sequential_with_same_weights():
    torch.manual_seed(0)
    model = MLP()
    seq = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
    seq.load_state_dict(
        {
            k.replace("layer1", "0").replace("layer2", "2").replace("layer3", "4"): v
            for k, v in model.state_dict().items()
        }
    )
    x = torch.randn(32, 10)
    torch.testing.assert_close(model(x), seq(x))
    assert model(x).shape == (32, 1)


def test_parameter_count():
    assert linear_parameter_count([10, 64, 32, 1]) == 2817
    assert sum(p.numel() for p in MLP().parameters()) == 2817
    assert linear_parameter_count([3, 4], bias=False) == 12
    model = MLP(7, 5, 3, 2)
    assert sum(p.numel() for p in model.parameters()) == linear_parameter_count([7, 5, 3, 2])


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"\(\*, 10\)"):
        MLP()(torch.randn(4, 9))
    with pytest.raises(TypeError, match="floating"):
        SingleNeuron()(torch.ones(2, 10, dtype=torch.long))
    with pytest.raises(ValueError, match="hidden1"):
        MLP(hidden1=0)
    with pytest.raises(ValueError, match="at least"):
        linear_parameter_count([3])
    with pytest.raises(TypeError, match="sizes"):
        linear_parameter_count("34")


# Each public object of dlfp.models.mlp, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
def test_simple_mlp_is_linear_relu_linear_and_has_the_sources_parameter_count():
    torch.manual_seed(0)
    model = mlp.SimpleMLP(10, 50, 2)
    reference = nn.Sequential(nn.Linear(10, 50), nn.ReLU(), nn.Linear(50, 2))
    reference.load_state_dict({k.replace("fc1", "0").replace("fc2", "2"): v for k, v in model.state_dict().items()})
    x = torch.randn(4, 10)
    torch.testing.assert_close(model(x), reference(x))
    assert sum(p.numel() for p in model.parameters()) == 652


BAD_INPUT = {
    "dlfp.models.mlp.SimpleMLP": [
        (lambda: mlp.SimpleMLP(10, 0, 2), ValueError, r"hidden_size must be a positive int, got 0"),
        (lambda: mlp.SimpleMLP(10, 50, 2)(torch.randn(4, 3)), ValueError, r"x must have shape \(N, 10\), got \(4, 3\)"),
    ],
    "dlfp.models.mlp.SingleNeuron": [
        (lambda: mlp.SingleNeuron(0), ValueError, r"input_size must be a positive int, got 0"),
        (lambda: mlp.SingleNeuron()(torch.randn(4, 3)), ValueError, r"x must have shape \(\*, 10\), got \(4, 3\)"),
    ],
    "dlfp.models.mlp.MLP": [
        (lambda: mlp.MLP(hidden1=0), ValueError, r"hidden1 must be a positive int, got 0"),
        (lambda: mlp.MLP()(torch.randn(4, 9)), ValueError, r"x must have shape \(\*, 10\), got \(4, 9\)"),
        (lambda: mlp.MLP()(torch.randn(4, 10, dtype=F64)), TypeError, r"x must have the model's dtype"),
    ],
    "dlfp.models.mlp.linear_parameter_count": [
        (lambda: mlp.linear_parameter_count([10]), ValueError, r"sizes must list at least an input and an output size"),
        (lambda: mlp.linear_parameter_count("10"), TypeError, r"sizes must be a sequence of ints"),
    ],
}
