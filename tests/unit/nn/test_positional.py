"""dlfp.nn.positional: the sinusoidal encoding against its formula and its rotation property."""

import math

import pytest
import torch

from dlfp.nn import positional
from dlfp.nn.positional import sinusoidal_positional_encoding


def test_odd_widths_are_refused():
    with pytest.raises(ValueError, match="even"):
        sinusoidal_positional_encoding(10, 7)


def test_positional_encoding_values_and_rotation_property():
    pe = sinusoidal_positional_encoding(50, 16, dtype=torch.float64)
    assert pe.shape == (50, 16)
    torch.testing.assert_close(pe[0, 0::2], torch.zeros(8, dtype=torch.float64))
    torch.testing.assert_close(pe[0, 1::2], torch.ones(8, dtype=torch.float64))
    torch.testing.assert_close(pe[7, 2], torch.tensor(math.sin(7 * 10000 ** (-2 / 16)), dtype=torch.float64))
    k = 5
    omega = 10000 ** (-torch.arange(0, 16, 2, dtype=torch.float64) / 16)
    c, s = torch.cos(omega * k), torch.sin(omega * k)
    sin_t, cos_t = pe[:-k, 0::2], pe[:-k, 1::2]
    torch.testing.assert_close(pe[k:, 0::2], sin_t * c + cos_t * s)
    torch.testing.assert_close(pe[k:, 1::2], cos_t * c - sin_t * s)


# Each public object of dlfp.nn.positional, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.positional.sinusoidal_positional_encoding": [
        (lambda: positional.sinusoidal_positional_encoding(10, 7), ValueError, r"d_model must be even"),
        (
            lambda: positional.sinusoidal_positional_encoding(10, 8, dtype=torch.long),
            TypeError,
            r"dtype must be a floating-point torch\.dtype, got torch\.int64",
        ),
    ],
}
