import math

import pytest
import torch

from dlfp.data import characteristics
from dlfp.data.burgers import grid
from dlfp.data.characteristics import characteristic_origin
from tests.unit.bad_input import F64


def test_characteristic_origin_before_shock():
    x = grid(256)
    u0 = 0.1 * torch.sin(2 * math.pi * x)  # shock forms at t = 1/(0.2 pi) ~ 1.6
    t = 0.5
    xi = characteristic_origin(u0, t).double() / 256
    foot = xi + u0[(xi * 256).long()] * t
    err = ((foot - x + 0.5) % 1.0) - 0.5
    assert err.abs().max() <= 1.0 / 256 + 0.1 * t / 256 * 2 * math.pi


def test_characteristic_origin_refuses_a_nonzero_mean():
    with pytest.raises(ValueError, match="zero mean"):
        characteristic_origin(torch.ones(8, dtype=torch.float64), 1.0)


# Each public object of dlfp.data.characteristics, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.characteristics.characteristic_origin": [
        (
            lambda: characteristics.characteristic_origin(torch.ones(8, dtype=F64), 1.0),
            ValueError,
            r"u0 must have zero mean on each row",
        ),
        (lambda: characteristics.characteristic_origin(torch.zeros(8), 0.0), ValueError, r"t must be positive"),
    ],
}
