"""dlfp.models.recurrent: the LSTM forecaster."""

import pytest
import torch

from dlfp.models import recurrent
from dlfp.models.recurrent import LSTMForecaster


def test_forecaster_shape_and_gradient():
    model = LSTMForecaster(1, 16, 2)
    out = model(torch.randn(3, 50, 1))
    assert out.shape == (3, 1)
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_forecaster_refuses_a_window_of_length_zero():
    with pytest.raises(ValueError, match=r"x must have time >= 1 \(not empty\), got shape \(2, 0, 1\)"):
        LSTMForecaster(1, 8, 1)(torch.zeros(2, 0, 1))


# Each public object of dlfp.models.recurrent, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.recurrent.LSTMForecaster": [
        (
            lambda: recurrent.LSTMForecaster(1, 4, 1)(torch.zeros(2, 0, 1)),
            ValueError,
            r"x must have time >= 1 \(not empty\)",
        ),
        (lambda: recurrent.LSTMForecaster(num_layers=0), ValueError, r"num_layers must be a positive int, got 0"),
        (
            lambda: recurrent.LSTMForecaster()(torch.randn(3, 50)),
            ValueError,
            r"x must have shape \(batch, time, 1\), got \(3, 50\)",
        ),
    ],
}
