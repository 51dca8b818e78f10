import pytest
import torch

from dlfp.data import forecast
from dlfp.data.forecast import shifted_windows, valid_time


def test_shifted_windows():
    series = torch.arange(20.0).reshape(10, 2)
    x, y = shifted_windows(series, 4, stride=2)
    assert x.shape == y.shape == (3, 4, 2)
    torch.testing.assert_close(x[1], series[2:6])
    torch.testing.assert_close(y[1], series[3:7])


def test_valid_time():
    truth = torch.zeros(10, 3)
    pred = torch.zeros(10, 3)
    pred[4:, 0] = 1.0
    assert valid_time(pred, truth, dt=0.5, scale=2.0, threshold=0.4) == 2.0
    assert valid_time(truth, truth, dt=0.5, scale=2.0) == 5.0


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: shifted_windows(torch.zeros(10), 3), r"\(T, D\)"),
        (lambda: shifted_windows(torch.zeros(3, 2), 3), "at least 4"),
        (lambda: valid_time(torch.zeros(3, 2), torch.zeros(4, 2), 0.1, 1.0), "shape"),
        (lambda: valid_time(torch.zeros(3, 2), torch.zeros(3, 2), 0.1, 0.0), "positive"),
    ],
)
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_valid_time_refuses_other_devices_and_no_steps():
    with pytest.raises(ValueError, match=r"prediction and truth must be on the same device"):
        valid_time(torch.zeros(5, 3), torch.zeros(5, 3, device="meta"), 0.1, 1.0)
    with pytest.raises(ValueError, match=r"prediction must hold at least one step \(K >= 1\)"):
        valid_time(torch.zeros(0, 3), torch.zeros(0, 3), 0.1, 1.0)


# Each public object of dlfp.data.forecast, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.forecast.shifted_windows": [
        (
            lambda: forecast.shifted_windows(torch.zeros(10), 3),
            ValueError,
            r"series must have shape \(T, D\), got \(10,\)",
        ),
    ],
    "dlfp.data.forecast.valid_time": [
        (
            lambda: forecast.valid_time(torch.zeros(3, 2), torch.zeros(4, 2), 0.1, 1.0),
            ValueError,
            r"truth must have shape \(3, 2\)",
        ),
        (
            lambda: forecast.valid_time(torch.zeros(3, 2), torch.zeros(3, 2), 0.1, 0.0),
            ValueError,
            r"scale must be positive",
        ),
    ],
}
