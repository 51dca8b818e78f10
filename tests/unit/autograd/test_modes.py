import pytest
import torch
from torch import nn

from dlfp.autograd import modes
from dlfp.autograd.modes import count_matmul_flops, flat_mse_loss, forward_mode_gradient, reverse_mode_gradient
from dlfp.book.timing import best_time
from dlfp.models.mlp import MLP
from tests.unit.bad_input import linear_loss


def _problem(dtype=torch.float64):
    torch.manual_seed(0)
    model = MLP(5, 7, 4, 2).to(dtype)
    x = torch.randn(6, 5, dtype=dtype)
    y = torch.randn(6, 2, dtype=dtype)
    return model, x, y


def test_flat_mse_loss_matches_module_and_backward():
    model, x, y = _problem()
    loss_fn, theta0 = flat_mse_loss(model, x, y)
    assert theta0.shape == (sum(p.numel() for p in model.parameters()),)
    loss = nn.functional.mse_loss(model(x), y)
    torch.testing.assert_close(loss_fn(theta0), loss)
    loss.backward()
    expected = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    torch.testing.assert_close(reverse_mode_gradient(loss_fn, theta0), expected)


def test_forward_mode_equals_reverse_mode_and_jacfwd():
    model, x, y = _problem()
    loss_fn, theta0 = flat_mse_loss(model, x, y)
    rev = reverse_mode_gradient(loss_fn, theta0)
    for chunk in (None, 1, 7):
        torch.testing.assert_close(forward_mode_gradient(loss_fn, theta0, chunk_size=chunk), rev)
    torch.testing.assert_close(torch.func.jacfwd(loss_fn)(theta0), rev)


def test_gradients_pass_gradcheck_function():
    model, x, y = _problem()
    loss_fn, theta0 = flat_mse_loss(model, x, y)
    assert torch.autograd.gradcheck(loss_fn, (theta0.clone().requires_grad_(),))


def test_bad_inputs():
    model, x, y = _problem()
    loss_fn, theta0 = flat_mse_loss(model, x, y)
    with pytest.raises(TypeError, match="model"):
        flat_mse_loss("net", x, y)
    with pytest.raises(ValueError, match="targets"):
        flat_mse_loss(model, x, y[:, :1])
    with pytest.raises(ValueError, match="1-D"):
        reverse_mode_gradient(loss_fn, theta0[None])
    with pytest.raises(TypeError, match="floating"):
        forward_mode_gradient(loss_fn, torch.arange(3))
    with pytest.raises(ValueError, match="chunk_size"):
        forward_mode_gradient(loss_fn, theta0, chunk_size=0)
    with pytest.raises(TypeError, match="callable"):
        count_matmul_flops(3)
    with pytest.raises(ValueError, match="repeat"):
        best_time(lambda: None, repeat=0)


def test_count_matmul_flops_of_a_linear_layer():
    layer = nn.Linear(8, 3)
    x = torch.randn(5, 8)
    assert count_matmul_flops(lambda: layer(x)) == 2 * 5 * 8 * 3


def test_flat_mse_loss_refuses_other_devices_and_empty_inputs():
    model = torch.nn.Linear(3, 1)
    with pytest.raises(ValueError, match=r"inputs, targets and model must be on the same device.*targets on meta"):
        flat_mse_loss(model, torch.randn(2, 3), torch.zeros(2, 1, device="meta"))
    with pytest.raises(ValueError, match=r"inputs must hold at least one sample \(the loss is a mean\)"):
        flat_mse_loss(model, torch.randn(0, 3), torch.zeros(0, 1))


# Each public object of dlfp.autograd.modes, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.autograd.modes.flat_mse_loss": [
        (
            lambda: modes.flat_mse_loss("net", torch.zeros(2, 3), torch.zeros(2, 1)),
            TypeError,
            r"model must be an nn\.Module, got 'net' \(str\)",
        ),
        (
            lambda: modes.flat_mse_loss(nn.Linear(3, 1), torch.zeros(2, 3), torch.zeros(2, 2)),
            ValueError,
            r"targets must have shape \(2, 1\) \(the model's output shape\), got \(2, 2\)",
        ),
    ],
    "dlfp.autograd.modes.reverse_mode_gradient": [
        (
            lambda: modes.reverse_mode_gradient(linear_loss()[0], torch.zeros(2, 4)),
            ValueError,
            r"theta must be a 1-D tensor \(P,\)",
        ),
    ],
    "dlfp.autograd.modes.forward_mode_gradient": [
        (
            lambda: modes.forward_mode_gradient(*linear_loss(), chunk_size=0),
            ValueError,
            r"chunk_size must be a positive int or None, got 0",
        ),
        (
            lambda: modes.forward_mode_gradient(linear_loss()[0], torch.arange(4)),
            TypeError,
            r"theta must be a floating-point tensor",
        ),
    ],
    "dlfp.autograd.modes.count_matmul_flops": [
        (lambda: modes.count_matmul_flops(3), TypeError, r"fn must be callable, got 3 \(int\)"),
    ],
}
