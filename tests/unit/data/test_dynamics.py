import numpy as np
import pytest
import torch

from dlfp.data import dynamics
from dlfp.data.dynamics import (
    lorenz_jacobian,
    lorenz_max_lyapunov,
    lorenz_rhs,
    lorenz_trajectory,
    shifted_windows,
    valid_time,
)
from tests.unit.bad_input import NAN


def test_lorenz_trajectory_satisfies_the_ode():
    dt = 0.001
    traj = lorenz_trajectory(2000, dt=dt).numpy()
    assert traj.shape == (2000, 3) and traj.dtype == np.float64
    # central differences of the samples match the vector field
    deriv = (traj[2:] - traj[:-2]) / (2 * dt)
    rhs = lorenz_rhs(traj[1:-1].T).T
    assert np.max(np.abs(deriv - rhs)) < 1e-3 * np.max(np.abs(rhs)) * 10
    # on the attractor: bounded, z positive on average, both wings visited
    assert np.abs(traj).max() < 60 and traj[:, 2].mean() > 15


def test_lorenz_trajectory_is_deterministic_and_starts_after_transient():
    a = lorenz_trajectory(10, transient=0.0, x0=(1.0, 2.0, 3.0))
    torch.testing.assert_close(a[0], torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    torch.testing.assert_close(lorenz_trajectory(10), lorenz_trajectory(10))


def test_jacobian_matches_finite_differences():
    s = np.array([1.3, -2.0, 20.0])
    h = 1e-6
    fd = np.stack([(lorenz_rhs(s + h * e) - lorenz_rhs(s - h * e)) / (2 * h) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(lorenz_jacobian(s), fd, atol=1e-6)


def test_max_lyapunov_exponent_is_0906():
    lam, running = lorenz_max_lyapunov(t_total=500.0)
    assert abs(lam - 0.906) < 0.03
    assert len(running) == 500 and running[-1] == lam


def test_max_lyapunov_of_a_stable_system_is_negative():
    # rho < 1: the origin is a stable fixed point; slowest rate is -1 (y direction) or
    # the x-y eigenvalue (-11 + sqrt(81 + 40 rho)) / 2
    lam, _ = lorenz_max_lyapunov(t_total=40.0, rho=0.5)
    expected = (-11 + np.sqrt(81 + 40 * 0.5)) / 2
    assert abs(lam - expected) < 0.05


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
        (lambda: lorenz_trajectory(1), "n_steps"),
        (lambda: lorenz_trajectory(10, dt=0.0), "dt"),
        (lambda: lorenz_trajectory(10, x0=(1.0, 2.0)), "x0"),
        (lambda: lorenz_max_lyapunov(t_total=0.5, renorm_every=1.0), "t_total"),
        (lambda: lorenz_max_lyapunov(renorm_every=0.0), "renorm_every"),
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
    from dlfp.data.dynamics import valid_time

    with pytest.raises(ValueError, match=r"prediction and truth must be on the same device"):
        valid_time(torch.zeros(5, 3), torch.zeros(5, 3, device="meta"), 0.1, 1.0)
    with pytest.raises(ValueError, match=r"prediction must hold at least one step \(K >= 1\)"):
        valid_time(torch.zeros(0, 3), torch.zeros(0, 3), 0.1, 1.0)


# Each public object of dlfp.data.dynamics, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.dynamics.harmonic_oscillator": [
        (lambda: dynamics.harmonic_oscillator(torch.arange(3)), TypeError, r"t must be a floating-point tensor"),
        (lambda: dynamics.harmonic_oscillator(torch.zeros(3), u0=NAN), ValueError, r"u0 must be a finite number"),
    ],
    "dlfp.data.dynamics.lorenz_rhs": [
        (lambda: dynamics.lorenz_rhs(np.zeros(2)), ValueError, r"state must have shape \(3,\) or \(3, M\)"),
    ],
    "dlfp.data.dynamics.lorenz_jacobian": [
        (lambda: dynamics.lorenz_jacobian(np.zeros((3, 2))), ValueError, r"state must have shape \(3,\) \(x, y, z\)"),
    ],
    "dlfp.data.dynamics.lorenz_trajectory": [
        (lambda: dynamics.lorenz_trajectory(1), ValueError, r"n_steps must be an int >= 2, got 1"),
        (lambda: dynamics.lorenz_trajectory(10, x0=(1.0, NAN, 1.0)), ValueError, r"x0 must be finite"),
    ],
    "dlfp.data.dynamics.lorenz_max_lyapunov": [
        (lambda: dynamics.lorenz_max_lyapunov(renorm_every=0.0), ValueError, r"renorm_every must be positive"),
    ],
    "dlfp.data.dynamics.shifted_windows": [
        (
            lambda: dynamics.shifted_windows(torch.zeros(10), 3),
            ValueError,
            r"series must have shape \(T, D\), got \(10,\)",
        ),
    ],
    "dlfp.data.dynamics.valid_time": [
        (
            lambda: dynamics.valid_time(torch.zeros(3, 2), torch.zeros(4, 2), 0.1, 1.0),
            ValueError,
            r"truth must have shape \(3, 2\)",
        ),
        (
            lambda: dynamics.valid_time(torch.zeros(3, 2), torch.zeros(3, 2), 0.1, 0.0),
            ValueError,
            r"scale must be positive",
        ),
    ],
}
