"""dlfp.autograd.adjoint: the discrete adjoint is autograd's gradient; the continuous one differs by O(h)."""

import pytest
import torch

from dlfp.autograd import adjoint
from dlfp.autograd.adjoint import euler_adjoint_gradients, euler_loss
from tests.unit.bad_input import NAN, ode


def _ode(d=3, dtype=torch.float64):
    g = torch.Generator().manual_seed(1)
    W = torch.randn(d, d, generator=g, dtype=dtype)
    return W, torch.randn(d, generator=g, dtype=dtype), torch.randn(d, generator=g, dtype=dtype)


def test_discrete_adjoint_is_autograd():
    W, x0, y = _ode()
    Wg = W.clone().requires_grad_()
    euler_loss(Wg, x0, y, steps=20).backward()
    grads = euler_adjoint_gradients(W, x0, y, steps=20)
    torch.testing.assert_close(grads["discrete"], Wg.grad, rtol=1e-12, atol=1e-12)


def test_continuous_adjoint_differs_by_order_h():
    W, x0, y = _ode()
    diffs = []
    for steps in (50, 100, 200):
        g = euler_adjoint_gradients(W, x0, y, steps=steps)
        diffs.append((g["discrete"] - g["continuous"]).norm().item())
    assert diffs[0] > 0
    for a, b in zip(diffs, diffs[1:]):
        assert 1.8 < a / b < 2.2


def test_euler_bad_inputs():
    W, x0, y = _ode()
    with pytest.raises(ValueError, match="W must be a square"):
        euler_loss(W[:2], x0, y, steps=3)
    with pytest.raises(ValueError, match="x0"):
        euler_adjoint_gradients(W, x0[:2], y, steps=3)
    with pytest.raises(ValueError, match="steps"):
        euler_loss(W, x0, y, steps=0)


# Each public object of dlfp.autograd.adjoint, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.autograd.adjoint.euler_loss": [
        (
            lambda: adjoint.euler_loss(torch.zeros(2, 3), torch.zeros(2), torch.zeros(2), 3),
            ValueError,
            r"W must be a square matrix \(d, d\)",
        ),
        (lambda: adjoint.euler_loss(*ode(), steps=0), ValueError, r"steps must be a positive int"),
    ],
    "dlfp.autograd.adjoint.euler_adjoint_gradients": [
        (
            lambda: adjoint.euler_adjoint_gradients(torch.eye(3), torch.full((3,), NAN), torch.zeros(3), 3),
            ValueError,
            r"x0 must be finite",
        ),
        (
            lambda: adjoint.euler_adjoint_gradients(*ode(), steps=3, t_final=0.0),
            ValueError,
            r"t_final must be positive",
        ),
    ],
}
