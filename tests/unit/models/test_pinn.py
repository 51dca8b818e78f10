import math

import pytest
import torch
from torch import nn

from dlfp.data.oscillator import harmonic_oscillator
from dlfp.models import pinn
from dlfp.models.pinn import PINN, derivatives, oscillator_loss, train_pinn
from tests.unit.bad_input import F64, NAN


class Cos(torch.nn.Module):
    def forward(self, t):
        return torch.cos(t)


def test_derivatives_of_a_known_function():
    t = torch.linspace(0, 6, 50, dtype=torch.float64)[:, None]
    u, u_t, u_tt = derivatives(Cos(), t)
    torch.testing.assert_close(u_t, -torch.sin(t))
    torch.testing.assert_close(u_tt, -torch.cos(t))
    assert u_tt.requires_grad is False or u_tt.grad_fn is not None


def test_derivatives_of_relu_and_constant_are_zero():
    relu = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    t = torch.linspace(0.1, 3, 20)[:, None]
    _, u_t, u_tt = derivatives(relu, t)
    assert torch.all(u_tt == 0) and u_t.abs().sum() > 0

    class Const(torch.nn.Module):
        def forward(self, t):
            return torch.ones_like(t)

    _, u_t, u_tt = derivatives(Const(), t)
    assert torch.all(u_t == 0) and torch.all(u_tt == 0)


def test_loss_vanishes_on_the_exact_solution():
    t = torch.linspace(0, 6, 50, dtype=torch.float64)[:, None]
    loss, pde, bc = oscillator_loss(Cos(), t)
    assert loss.item() < 1e-24 and pde.item() < 1e-24 and bc.item() < 1e-24
    _, pde_wrong, _ = oscillator_loss(Cos(), t, omega=2.0)
    assert pde_wrong.item() > 1


def test_pinn_derivatives_against_finite_differences():
    torch.manual_seed(0)
    model = PINN(16, 2).double()
    t = torch.linspace(0.5, 5.5, 7, dtype=torch.float64)[:, None]
    _, u_t, u_tt = derivatives(model, t)
    h = 1e-4
    with torch.no_grad():
        fd1 = (model(t + h) - model(t - h)) / (2 * h)
        fd2 = (model(t + h) - 2 * model(t) + model(t - h)) / h**2
    torch.testing.assert_close(u_t, fd1, atol=1e-7, rtol=0)
    torch.testing.assert_close(u_tt, fd2, atol=1e-5, rtol=0)


def test_training_recovers_cosine():
    torch.manual_seed(0)
    model = PINN(32, 3)
    hist = train_pinn(
        model, n_collocation=128, adam_steps=200, lbfgs_steps=100, generator=torch.Generator().manual_seed(0)
    )
    t = torch.linspace(0, 2 * math.pi, 500)[:, None]
    with torch.no_grad():
        err = (model(t) - harmonic_oscillator(t)).abs().max().item()
    assert err < 3e-2
    assert hist.lbfgs_loss[-1] < hist.adam_loss[0] / 1000


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: PINN(0, 2), ValueError, "hidden"),
        (lambda: PINN(8, 2, t_max=0), ValueError, "t_max"),
        (lambda: PINN()(torch.zeros(5)), ValueError, r"\(N, 1\)"),
        (lambda: derivatives(PINN(), torch.zeros(3, 1, dtype=torch.long)), TypeError, "floating"),
        (lambda: train_pinn(torch.nn.Linear(1, 1)), TypeError, "PINN"),
        (lambda: train_pinn(PINN(), lr=0), ValueError, "lr"),
    ],
)
def test_validation(call, err, match):
    with pytest.raises(err, match=match):
        call()


def test_zero_steps_skip_a_stage():
    torch.manual_seed(0)
    hist = train_pinn(PINN(8, 2), n_collocation=16, adam_steps=3, lbfgs_steps=0)
    assert len(hist.adam_loss) == 3 and hist.lbfgs_loss == []
    hist = train_pinn(PINN(8, 2), n_collocation=16, adam_steps=0, lbfgs_steps=5)
    assert hist.adam_loss == [] and len(hist.lbfgs_loss) >= 1


def test_oscillator_loss_refuses_empty_collocation_instead_of_nan():
    with pytest.raises(ValueError, match=r"t must hold at least one collocation time \(N >= 1"):
        oscillator_loss(PINN(), torch.zeros(0, 1))


# Each public object of dlfp.models.pinn, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.pinn.PINN": [
        (lambda: pinn.PINN(0, 2), ValueError, r"hidden must be a positive int, got 0"),
        (lambda: pinn.PINN()(torch.zeros(5)), ValueError, r"t must have shape \(N, 1\), got \(5,\)"),
        (lambda: pinn.PINN()(torch.zeros(5, 1, dtype=F64)), TypeError, r"t must have the model's dtype"),
    ],
    "dlfp.models.pinn.derivatives": [
        (
            lambda: pinn.derivatives(pinn.PINN(), torch.zeros(3, 1, dtype=torch.long)),
            TypeError,
            r"t must be a floating-point tensor",
        ),
    ],
    "dlfp.models.pinn.oscillator_loss": [
        (
            lambda: pinn.oscillator_loss(pinn.PINN(), torch.zeros(0, 1)),
            ValueError,
            r"t must hold at least one collocation time",
        ),
        (
            lambda: pinn.oscillator_loss(pinn.PINN(), torch.zeros(3, 1), omega=0.0),
            ValueError,
            r"omega must be positive",
        ),
        (lambda: pinn.oscillator_loss(pinn.PINN(), torch.zeros(3)), ValueError, r"t must have shape \(N, 1\)"),
    ],
    "dlfp.models.pinn.train_pinn": [
        (lambda: pinn.train_pinn(nn.Linear(1, 1)), TypeError, r"model must be a PINN, got Linear"),
        (lambda: pinn.train_pinn(pinn.PINN(), lr=0), ValueError, r"lr must be positive"),
        (lambda: pinn.train_pinn(pinn.PINN(), u0=NAN), ValueError, r"u0 must be a finite number"),
    ],
}
