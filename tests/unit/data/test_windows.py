import pytest
import torch

from dlfp.data import windows
from dlfp.data.windows import sliding_windows, two_sine_series


def test_two_sine_series_is_the_formula_plus_noise_of_the_right_size():
    t, y, clean = two_sine_series(1000, dt=0.1, noise=0.1, seed=0)
    assert t.shape == y.shape == clean.shape == (1000,)
    torch.testing.assert_close(clean, torch.sin(t) + torch.sin(0.5 * t))
    assert abs((y - clean).std().item() - 0.1) < 0.01
    assert torch.equal(two_sine_series(1000, seed=0)[1], y)


def test_sliding_windows_input_50_target_51():
    series = torch.arange(100.0)
    x, y = sliding_windows(series, window=50)
    assert x.shape == (50, 50, 1) and y.shape == (50, 1)
    assert torch.equal(x[0, :, 0], torch.arange(50.0)) and y[0, 0] == 50.0
    assert torch.equal(x[-1, :, 0], torch.arange(49.0, 99.0)) and y[-1, 0] == 99.0
    x3, y3 = sliding_windows(torch.arange(20.0), window=5, horizon=3)
    assert x3.shape == (13, 5, 1) and y3[0, 0] == 7.0


def test_sliding_windows_multichannel():
    series = torch.randn(30, 2)
    x, y = sliding_windows(series, window=4)
    torch.testing.assert_close(x[3], series[3:7])
    torch.testing.assert_close(y[3], series[7])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: sliding_windows(torch.arange(10.0), window=10), ValueError, "too short"),
        (lambda: sliding_windows(torch.zeros(2, 2, 2)), ValueError, "shape"),
        (lambda: sliding_windows([1.0, 2.0]), TypeError, "torch.Tensor"),
        (lambda: sliding_windows(torch.arange(10.0), window=0), ValueError, "window"),
        (lambda: two_sine_series(0), ValueError, "n must"),
        (lambda: two_sine_series(10, noise=-1.0), ValueError, "noise"),
        (lambda: two_sine_series(10, seed=1.5), TypeError, "seed"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


# Each public object of dlfp.data.windows, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.windows.two_sine_series": [
        (lambda: windows.two_sine_series(0), ValueError, r"n must be a positive int"),
        (lambda: windows.two_sine_series(10, seed=1.5), TypeError, r"seed must be an int or a torch\.Generator"),
    ],
    "dlfp.data.windows.sliding_windows": [
        (lambda: windows.sliding_windows([1.0, 2.0]), TypeError, r"series must be a torch\.Tensor, got list"),
        (
            lambda: windows.sliding_windows(torch.arange(10.0), window=10),
            ValueError,
            r"series of length 10 is too short",
        ),
    ],
}
