import pytest
import torch

from dlfp.autograd import manual_backprop
from dlfp.autograd.manual_backprop import (
    linear_backward,
    linear_forward,
    relu_backward,
    two_layer_backward,
    two_layer_forward,
)
from tests.unit.bad_input import F64


def _params(d_in=5, h=7, d_out=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    mk = lambda *s: torch.randn(*s, generator=g, dtype=torch.float64, requires_grad=True)  # noqa: E731
    return mk(d_in * 0 + 8, d_in), mk(h, d_in), mk(h), mk(d_out, h), mk(d_out)


def test_linear_forward_matches_nn_linear():
    lin = torch.nn.Linear(5, 3).double()
    x = torch.randn(4, 5, dtype=torch.float64)
    torch.testing.assert_close(linear_forward(x, lin.weight, lin.bias), lin(x))


def test_linear_backward_matches_autograd():
    x, W, b = (torch.randn(*s, dtype=torch.float64, requires_grad=True) for s in [(6, 4), (3, 4), (3,)])
    y = linear_forward(x, W, b)
    delta = torch.randn_like(y)
    y.backward(delta)
    dx, dW, db = linear_backward(delta, x.detach(), W.detach())
    for ours, ref in ((dx, x.grad), (dW, W.grad), (db, b.grad)):
        torch.testing.assert_close(ours, ref)


def test_relu_backward_matches_autograd_including_zero():
    z = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64, requires_grad=True)
    delta = torch.tensor([5.0, 6.0, 7.0], dtype=torch.float64)
    torch.relu(z).backward(delta)
    torch.testing.assert_close(relu_backward(delta, z.detach()), z.grad)


def test_two_layer_backward_matches_autograd_and_gradcheck():
    x, W1, b1, W2, b2 = _params()
    out, cache = two_layer_forward(x, W1, b1, W2, b2)
    loss = (out**2).mean()
    loss.backward()
    delta2 = 2 * out.detach() / out.numel()
    cache = {k: v.detach() for k, v in cache.items()}
    grads = two_layer_backward(delta2, cache, W1.detach(), W2.detach())
    for name, t in zip(["x", "W1", "b1", "W2", "b2"], [x, W1, b1, W2, b2]):
        torch.testing.assert_close(grads[name], t.grad)
        assert grads[name].shape == t.shape

    class Manual(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *ts):
            out, cache = two_layer_forward(*ts)
            ctx.save_for_backward(ts[1], ts[3], cache["x"], cache["z1"], cache["a1"])
            return out

        @staticmethod
        def backward(ctx, delta):
            W1_, W2_, x_, z1, a1 = ctx.saved_tensors
            g = two_layer_backward(delta, {"x": x_, "z1": z1, "a1": a1}, W1_, W2_)
            return g["x"], g["W1"], g["b1"], g["W2"], g["b2"]

    ts = [t.detach().clone().requires_grad_() for t in (x, W1, b1, W2, b2)]
    assert torch.autograd.gradcheck(Manual.apply, ts)


def test_bad_inputs():
    x = torch.randn(4, 5)
    with pytest.raises(ValueError, match="expected x"):
        linear_forward(x, torch.randn(3, 6), torch.randn(3))
    with pytest.raises(TypeError, match="floating"):
        linear_forward(x.long(), torch.randn(3, 5), torch.randn(3))
    with pytest.raises(ValueError, match="expected delta"):
        linear_backward(torch.randn(4, 2), x, torch.randn(3, 5))
    with pytest.raises(ValueError, match="same shape"):
        relu_backward(torch.randn(3), torch.randn(4))
    with pytest.raises(ValueError, match=r"x must be a 2-D tensor \(N, D_in\), got shape \(5,\)"):
        two_layer_forward(torch.randn(5), torch.randn(3, 5), torch.randn(3), torch.randn(2, 3), torch.randn(2))
    with pytest.raises(KeyError, match="missing"):
        two_layer_backward(torch.randn(4, 2), {"x": x}, torch.randn(3, 5), torch.randn(2, 3))


def test_linear_forward_refuses_mixed_dtypes_and_devices():
    x, W, b = torch.randn(2, 3), torch.randn(4, 3, dtype=torch.float64), torch.zeros(4)
    with pytest.raises(TypeError, match=r"x, W and b must have the same dtype, got x torch\.float32, W torch\.float64"):
        linear_forward(x, W, b)
    with pytest.raises(ValueError, match=r"x, W and b must be on the same device"):
        linear_forward(x, torch.randn(4, 3, device="meta"), b)


# Each public object of dlfp.autograd.manual_backprop, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.autograd.manual_backprop.linear_forward": [
        (
            lambda: manual_backprop.linear_forward(torch.randn(2, 3), torch.randn(4, 3, dtype=F64), torch.zeros(4)),
            TypeError,
            r"x, W and b must have the same dtype",
        ),
        (
            lambda: manual_backprop.linear_forward(
                torch.ones(4, 5, dtype=torch.long), torch.randn(3, 5), torch.randn(3)
            ),
            TypeError,
            r"x must be a floating-point tensor",
        ),
        (
            lambda: manual_backprop.linear_forward(torch.randn(4, 5), torch.randn(3, 6), torch.randn(3)),
            ValueError,
            r"expected x \(N, D_in\), W \(D_out, D_in\), b \(D_out,\), got x \(4, 5\), W \(3, 6\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.linear_backward": [
        (
            lambda: manual_backprop.linear_backward(torch.randn(4, 2), torch.randn(4, 5), torch.randn(3, 5)),
            ValueError,
            r"expected delta \(N, D_out\), .*got delta \(4, 2\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.relu_backward": [
        (
            lambda: manual_backprop.relu_backward(torch.randn(3), torch.randn(4)),
            ValueError,
            r"delta and z must have the same shape, got \(3,\) and \(4,\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.two_layer_forward": [
        (
            lambda: manual_backprop.two_layer_forward(
                torch.randn(5), torch.randn(3, 5), torch.randn(3), torch.randn(2, 3), torch.randn(2)
            ),
            ValueError,
            r"x must be a 2-D tensor \(N, D_in\), got shape \(5,\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.two_layer_backward": [
        (
            lambda: manual_backprop.two_layer_backward(
                torch.randn(4, 2), {"x": torch.randn(4, 5)}, torch.randn(3, 5), torch.randn(2, 3)
            ),
            KeyError,
            r"cache must hold x, z1 and a1; missing \['a1', 'z1'\]",
        ),
        (
            lambda: manual_backprop.two_layer_backward(torch.randn(4, 2), [], torch.randn(3, 5), torch.randn(2, 3)),
            TypeError,
            r"cache must be a dict",
        ),
    ],
}
