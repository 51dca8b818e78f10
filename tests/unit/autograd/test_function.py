import pytest
import torch
from torch import nn

from dlfp.autograd import function
from dlfp.autograd.function import XSinX, XSinXActivation, finite_difference_grad, x_sin_x
from tests.unit.bad_input import F64


def test_forward_matches_formula():
    x = torch.linspace(-5, 5, 101)
    torch.testing.assert_close(x_sin_x(x), x * torch.sin(x))


def test_gradcheck_float64():
    x = torch.randn(20, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(XSinX.apply, (x,), eps=1e-6, atol=1e-8)


def test_backward_matches_autograd_of_the_plain_expression():
    x = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    w = torch.randn(4, 5, dtype=torch.float64)
    (g_custom,) = torch.autograd.grad((x_sin_x(x) * w).sum(), x)
    (g_plain,) = torch.autograd.grad((x * torch.sin(x) * w).sum(), x)
    torch.testing.assert_close(g_custom, g_plain)
    torch.testing.assert_close(g_custom, w * (torch.sin(x) + x * torch.cos(x)))


def test_activation_module_in_a_network():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 8), XSinXActivation(), nn.Linear(8, 1))
    net(torch.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    assert XSinXActivation()(torch.zeros(2, 2)).shape == (2, 2)


def test_finite_difference_grad_against_analytic():
    x = torch.randn(3, 4, dtype=torch.float64)
    fd = finite_difference_grad(lambda v: (v * torch.sin(v)).sum(), x)
    torch.testing.assert_close(fd, torch.sin(x) + x * torch.cos(x), atol=1e-8, rtol=0)


def test_finite_difference_does_not_change_input():
    x = torch.randn(5, dtype=torch.float64)
    saved = x.clone()
    finite_difference_grad(lambda v: v.pow(3).sum(), x)
    assert torch.equal(x, saved)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: x_sin_x(torch.arange(3)), TypeError, "floating-point"),
        (lambda: finite_difference_grad(lambda v: v.sum(), torch.zeros(3)), TypeError, "float64"),
        (
            lambda: finite_difference_grad(lambda v: v.sum(), torch.zeros(3, dtype=torch.float64), eps=0),
            ValueError,
            "eps",
        ),
        (lambda: finite_difference_grad(lambda v: v, torch.zeros(3, dtype=torch.float64)), ValueError, "scalar"),
    ],
)
def test_validation(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_finite_difference_matches_autograd_and_gradcheck():
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)

    def f(t):
        return (torch.sin(t) * t).sum() + (t**2).mean()

    (auto,) = torch.autograd.grad(f(x), x)
    torch.testing.assert_close(finite_difference_grad(f, x), auto, rtol=1e-7, atol=1e-8)
    assert torch.autograd.gradcheck(f, (x,))


def test_finite_difference_error_is_second_order():
    x = torch.tensor([0.7], dtype=torch.float64)
    exact = torch.cos(x) * 3 * torch.sin(x) ** 2  # d/dx sin^3

    def f(t):
        return torch.sin(t).pow(3).sum()

    errors = [(finite_difference_grad(f, x, eps) - exact).abs().item() for eps in (1e-2, 1e-3)]
    assert 80 < errors[0] / errors[1] < 120  # shrinking eps tenfold shrinks the error ~100x


def test_finite_difference_rejects_bad_input():
    x = torch.zeros(3, dtype=torch.float64)
    with pytest.raises(TypeError, match="float64"):
        finite_difference_grad(lambda t: t.sum(), torch.zeros(3, dtype=torch.int64))
    with pytest.raises(ValueError, match="scalar"):
        finite_difference_grad(lambda t: t, x)
    with pytest.raises(ValueError, match="eps"):
        finite_difference_grad(lambda t: t.sum(), x, eps=0.0)
    with pytest.raises(TypeError, match="callable"):
        finite_difference_grad(3, x)


# Each public object of dlfp.autograd.function, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.autograd.function.XSinX": [
        (lambda: function.XSinX.apply(torch.arange(3)), TypeError, r"input must be a floating-point tensor"),
    ],
    "dlfp.autograd.function.x_sin_x": [
        (
            lambda: function.x_sin_x(torch.arange(3)),
            TypeError,
            r"x must be a floating-point tensor, got dtype torch\.int64",
        ),
        (lambda: function.x_sin_x([1.0]), TypeError, r"x must be a torch\.Tensor, got list"),
    ],
    "dlfp.autograd.function.XSinXActivation": [
        (lambda: function.XSinXActivation()(torch.arange(3)), TypeError, r"x must be a floating-point tensor"),
    ],
    "dlfp.autograd.function.finite_difference_grad": [
        (
            lambda: function.finite_difference_grad(lambda v: v.sum(), torch.zeros(3)),
            TypeError,
            r"x must be a float64 tensor .*, got torch\.float32",
        ),
        (
            lambda: function.finite_difference_grad(lambda v: v.sum(), torch.zeros(3, dtype=F64), eps=0),
            ValueError,
            r"eps must be positive",
        ),
    ],
}
