import pytest
import torch

from dlfp.data import oscillator
from dlfp.data.oscillator import harmonic_oscillator
from tests.unit.bad_input import NAN


def test_harmonic_oscillator_solves_the_ode():
    t = torch.linspace(0, 5, 30, dtype=torch.float64)
    u = harmonic_oscillator(t, u0=0.5, v0=2.0, omega=3.0)
    torch.testing.assert_close(u, 0.5 * torch.cos(3 * t) + (2 / 3) * torch.sin(3 * t))
    assert harmonic_oscillator(torch.zeros(1, dtype=torch.float64), 0.5, 2.0, 3.0).item() == 0.5


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: harmonic_oscillator(torch.arange(3)), TypeError, "floating"),
        (lambda: harmonic_oscillator(torch.zeros(3), omega=0), ValueError, "omega"),
    ],
)
def test_validation(call, err, match):
    with pytest.raises(err, match=match):
        call()


# Each public object of dlfp.data.oscillator, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.oscillator.harmonic_oscillator": [
        (lambda: oscillator.harmonic_oscillator(torch.arange(3)), TypeError, r"t must be a floating-point tensor"),
        (lambda: oscillator.harmonic_oscillator(torch.zeros(3), u0=NAN), ValueError, r"u0 must be a finite number"),
    ],
}
