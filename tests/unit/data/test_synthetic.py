import math

import pytest
import torch

from dlfp.data import synthetic
from dlfp.data.synthetic import noisy_line, sine_wave, two_blobs


def test_noisy_line_recovers_its_parameters():
    x, y = noisy_line(2000, slope=-1.5, intercept=0.5, noise=0.05, seed=1)
    assert x.shape == y.shape == (2000, 1)
    X = torch.cat([x, torch.ones_like(x)], dim=1)
    coef = torch.linalg.lstsq(X, y).solution.squeeze()
    torch.testing.assert_close(coef, torch.tensor([-1.5, 0.5]), atol=0.01, rtol=0)


def test_sine_wave_without_noise_is_exact_and_seeded():
    x, y = sine_wave(50, noise=0.0, seed=3)
    torch.testing.assert_close(y, torch.sin(x))
    assert torch.equal(sine_wave(50, seed=3)[0], x)
    assert x.min() >= -math.pi and x.max() <= math.pi


def test_two_blobs_labels_and_centres():
    x, y = two_blobs(500, centers=((0.0, 0.0), (5.0, 5.0)), std=0.5, seed=0)
    assert x.shape == (1000, 2) and y.shape == (1000,) and y.dtype == torch.int64
    torch.testing.assert_close(x[y == 1].mean(0), torch.tensor([5.0, 5.0]), atol=0.1, rtol=0)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: noisy_line(0), "n must be a positive int"),
        (lambda: sine_wave(10, noise=-1.0), "noise must be"),
        (lambda: two_blobs(10, std=0.0), "std must be positive"),
        (lambda: two_blobs(10, centers=((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))), "two 2-D points"),
        (lambda: noisy_line(10, seed=1.5), "seed must be"),
    ],
)
def test_validation(call, match):
    with pytest.raises((TypeError, ValueError), match=match):
        call()


# Each public object of dlfp.data.synthetic, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.synthetic.noisy_line": [
        (lambda: synthetic.noisy_line(0), ValueError, r"n must be a positive int, got 0"),
        (lambda: synthetic.noisy_line(5, x_range=(1.0, -1.0)), ValueError, r"x_range must be increasing"),
    ],
    "dlfp.data.synthetic.sine_wave": [
        (lambda: synthetic.sine_wave(10, noise=-1.0), ValueError, r"noise must be non-negative"),
    ],
    "dlfp.data.synthetic.two_blobs": [
        (lambda: synthetic.two_blobs(10, std=0.0), ValueError, r"std must be positive"),
        (
            lambda: synthetic.two_blobs(10, centers=((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))),
            ValueError,
            r"centers must be two 2-D points",
        ),
    ],
}
