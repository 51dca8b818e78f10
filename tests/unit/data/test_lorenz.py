import numpy as np
import pytest
import torch

from dlfp.data import lorenz
from dlfp.data.lorenz import lorenz_jacobian, lorenz_max_lyapunov, lorenz_rhs, lorenz_trajectory
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


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: lorenz_trajectory(1), "n_steps"),
        (lambda: lorenz_trajectory(10, dt=0.0), "dt"),
        (lambda: lorenz_trajectory(10, x0=(1.0, 2.0)), "x0"),
        (lambda: lorenz_max_lyapunov(t_total=0.5, renorm_every=1.0), "t_total"),
        (lambda: lorenz_max_lyapunov(renorm_every=0.0), "renorm_every"),
    ],
)
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# Each public object of dlfp.data.lorenz, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.lorenz.lorenz_rhs": [
        (lambda: lorenz.lorenz_rhs(np.zeros(2)), ValueError, r"state must have shape \(3,\) or \(3, M\)"),
    ],
    "dlfp.data.lorenz.lorenz_jacobian": [
        (lambda: lorenz.lorenz_jacobian(np.zeros((3, 2))), ValueError, r"state must have shape \(3,\) \(x, y, z\)"),
    ],
    "dlfp.data.lorenz.lorenz_trajectory": [
        (lambda: lorenz.lorenz_trajectory(1), ValueError, r"n_steps must be an int >= 2, got 1"),
        (lambda: lorenz.lorenz_trajectory(10, x0=(1.0, NAN, 1.0)), ValueError, r"x0 must be finite"),
    ],
    "dlfp.data.lorenz.lorenz_max_lyapunov": [
        (lambda: lorenz.lorenz_max_lyapunov(renorm_every=0.0), ValueError, r"renorm_every must be positive"),
    ],
}
