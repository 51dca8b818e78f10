import pytest
import torch
from torch import nn

from dlfp.models.mlp import MLP, SingleNeuron, linear_parameter_count


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
