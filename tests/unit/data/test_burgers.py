import math

import pytest
import torch

from dlfp.data import burgers
from dlfp.data.burgers import (
    burgers_dataset,
    cole_hopf_solution,
    grid,
    random_initial_conditions,
    solve_burgers,
)
from tests.unit.bad_input import F64, NAN

KW = dict(nu=0.02, mean=1.5, cos_coeffs=[1.0, 0.0], sin_coeffs=[0.0, 0.4])


@pytest.mark.parametrize("n", [64, 128])
def test_solver_matches_cole_hopf(n):
    x = grid(n)
    u0 = cole_hopf_solution(x, 0.0, **KW)
    uT = solve_burgers(u0, KW["nu"], 1.0)
    torch.testing.assert_close(uT, cole_hopf_solution(x, 1.0, **KW), atol=1e-7, rtol=0)


def test_cole_hopf_satisfies_the_pde_by_finite_differences():
    x = grid(2048)
    nu, t, h = KW["nu"], 0.3, 1e-5
    u = cole_hopf_solution(x, t, **KW)
    u_t = (cole_hopf_solution(x, t + h, **KW) - cole_hopf_solution(x, t - h, **KW)) / (2 * h)
    dx = 1 / 2048
    u_x = (u.roll(-1) - u.roll(1)) / (2 * dx)
    u_xx = (u.roll(-1) - 2 * u + u.roll(1)) / dx**2
    residual = u_t + u * u_x - nu * u_xx
    assert residual.abs().max() < 1e-3 * (u_t.abs().max() + 1)


def test_solver_conserves_the_mean_and_batches():
    u0 = random_initial_conditions(3, 64, seed=1) + 0.1
    uT = solve_burgers(u0, 0.05, 0.5)
    torch.testing.assert_close(uT.mean(-1), u0.mean(-1), atol=1e-12, rtol=0)
    torch.testing.assert_close(uT[1], solve_burgers(u0[1], 0.05, 0.5))
    assert torch.equal(solve_burgers(u0, 0.05, 0.0), u0)


def test_pure_diffusion_of_one_mode():
    x = grid(32)
    u0 = 1e-8 * torch.sin(2 * math.pi * x)  # so small that the nonlinear term is negligible
    uT = solve_burgers(u0, 0.1, 0.7)
    torch.testing.assert_close(uT, u0 * math.exp(-0.1 * (2 * math.pi) ** 2 * 0.7), atol=1e-20, rtol=1e-6)


def test_dataset_shapes_and_statistics():
    u0, uT = burgers_dataset(8, n_points=32, seed=3)
    assert u0.shape == uT.shape == (8, 32) and u0.dtype == torch.float32
    torch.testing.assert_close(u0.mean(-1), torch.zeros(8), atol=1e-6, rtol=0)
    assert uT.std() < u0.std()  # viscosity dissipates energy
    assert torch.equal(burgers_dataset(8, n_points=32, seed=3)[1], uT)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: solve_burgers(torch.zeros(7), 0.1, 1.0), ValueError, "N even"),
        (lambda: solve_burgers(torch.zeros(8, dtype=torch.long), 0.1, 1.0), TypeError, "floating"),
        (lambda: solve_burgers(torch.zeros(8), -0.1, 1.0), ValueError, "nu"),
        (lambda: cole_hopf_solution(grid(8), 0.1, 0.1, mean=1.0, cos_coeffs=[1.0]), ValueError, "phi > 0"),
        (lambda: random_initial_conditions(0, 8), ValueError, "n_samples"),
        (lambda: burgers_dataset(2, refine=0), ValueError, "refine"),
        (lambda: grid(0), ValueError, "n_points"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_solver_refuses_an_empty_batch():
    with pytest.raises(
        ValueError, match=r"u0 must hold at least one initial condition \(B >= 1\), got shape \(0, 16\)"
    ):
        solve_burgers(torch.zeros(0, 16, dtype=torch.float64), 0.1, 0.1)


# Each public object of dlfp.data.burgers, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.burgers.grid": [
        (lambda: burgers.grid(0), ValueError, r"n_points must be a positive int, got 0"),
    ],
    "dlfp.data.burgers.solve_burgers": [
        (
            lambda: burgers.solve_burgers(torch.zeros(0, 16, dtype=F64), 0.1, 0.1),
            ValueError,
            r"u0 must hold at least one initial condition \(B >= 1\)",
        ),
        (
            lambda: burgers.solve_burgers(torch.zeros(7), 0.1, 1.0),
            ValueError,
            r"u0 must have shape \(N,\) or \(B, N\) with N even",
        ),
        (lambda: burgers.solve_burgers(torch.full((8,), NAN), 0.1, 1.0), ValueError, r"u0 must be finite"),
        (lambda: burgers.solve_burgers(torch.zeros(8), -0.1, 1.0), ValueError, r"nu must be non-negative"),
    ],
    "dlfp.data.burgers.cole_hopf_solution": [
        (
            lambda: burgers.cole_hopf_solution(burgers.grid(8), 0.1, 0.1, mean=1.0, cos_coeffs=[1.0]),
            ValueError,
            r"mean must exceed the sum of \|coefficients\|",
        ),
        (lambda: burgers.cole_hopf_solution(burgers.grid(8), 0.1, 0.0, 2.0, [1.0]), ValueError, r"nu must be positive"),
    ],
    "dlfp.data.burgers.random_initial_conditions": [
        (lambda: burgers.random_initial_conditions(0, 8), ValueError, r"n_samples must be a positive int"),
    ],
    "dlfp.data.burgers.burgers_dataset": [
        (lambda: burgers.burgers_dataset(2, refine=0), ValueError, r"refine must be a positive int"),
    ],
}
