import pytest
import torch

from dlfp.optim import landscapes
from dlfp.optim.landscapes import (
    SCENARIOS,
    bumpy,
    ravine,
    replay_gradients,
    saddle,
    scenario_gradients,
    surface_grid,
    trajectory,
)
from tests.unit.bad_input import NAN, make_sgd


def test_surfaces_values_and_shapes():
    p = torch.tensor([[1.0, 2.0], [0.0, 0.0]])
    torch.testing.assert_close(ravine(p), torch.tensor([0.5 * (1 + 20 * 4), 0.0]))
    torch.testing.assert_close(saddle(p), torch.tensor([-3.0, 0.0]))
    assert bumpy(torch.zeros(2)) == 0
    with pytest.raises(ValueError, match="shape"):
        ravine(torch.zeros(3))
    with pytest.raises(TypeError):
        saddle([1.0, 2.0])
    with pytest.raises(ValueError):
        bumpy(torch.zeros(4, 3))


def test_surface_grid():
    X, Y, Z = surface_grid(ravine, (-1, 1), (-2, 2), n=5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    assert Z[2, 2] == 0 and X[0, -1] == 1 and Y[-1, 0] == 2
    with pytest.raises(ValueError):
        surface_grid(ravine, (1, -1), (0, 1))


def test_trajectory_sgd_matches_closed_form():
    # On f = (x^2 + 20 y^2)/2, SGD multiplies x by (1 - lr) and y by (1 - 20 lr) each step.
    lr, steps = 0.05, 10
    path, losses = trajectory(ravine, (1.0, 1.0), lambda ps: torch.optim.SGD(ps, lr=lr), steps)
    assert path.shape == (steps + 1, 2) and losses.shape == (steps + 1,)
    torch.testing.assert_close(path[-1], torch.tensor([(1 - lr) ** steps, (1 - 20 * lr) ** steps], dtype=torch.float64))
    with pytest.raises(ValueError):
        trajectory(ravine, (1.0, 1.0), lambda ps: torch.optim.SGD(ps, lr=lr), -1)


def test_saddle_stops_on_axis_and_escapes_off_it():
    sgd = lambda ps: torch.optim.SGD(ps, lr=0.1)  # noqa: E731
    on, _ = trajectory(saddle, (1.0, 0.0), sgd, 100)
    assert on[-1].abs().max() < 1e-8
    off, _ = trajectory(saddle, (1.0, 1e-6), sgd, 100)
    assert abs(off[-1, 1]) > 1.0


def test_scenarios_and_replay_against_closed_form():
    assert set(SCENARIOS) >= {"A", "B", "C", "D", "E"}
    torch.testing.assert_close(scenario_gradients("A", 5), scenario_gradients("C", 5))
    g = scenario_gradients("D", 10, switch=4)
    assert g[3] == 100 and g[0] == 0.1
    e = scenario_gradients("E", 10, switch=4)
    assert e[2] == 10 and e[3] == 0.1
    sgd = replay_gradients(g, lambda ps: torch.optim.SGD(ps, lr=0.5))
    torch.testing.assert_close(sgd, 0.5 * g)
    # Adam with bias correction: first step is lr * sign(g).
    adam = replay_gradients(scenario_gradients("B", 20), lambda ps: torch.optim.Adam(ps, lr=1.0))
    torch.testing.assert_close(adam, torch.full((20,), 1.0, dtype=torch.float64), atol=1e-4, rtol=0)


def test_replay_matches_handwritten_adam():
    g = scenario_gradients("noise", 50)
    ours = replay_gradients(g, lambda ps: torch.optim.Adam(ps, lr=0.1))
    m = v = 0.0
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, 51):
        m = b1 * m + (1 - b1) * g[t - 1]
        v = b2 * v + (1 - b2) * g[t - 1] ** 2
        step = 0.1 * (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps)
        torch.testing.assert_close(ours[t - 1], step)


def test_scenario_and_replay_reject():
    with pytest.raises(ValueError, match="name"):
        scenario_gradients("Z")
    with pytest.raises(ValueError, match="switch"):
        scenario_gradients("D", 10, switch=11)
    with pytest.raises(ValueError, match="1-D"):
        replay_gradients(torch.zeros(2, 2), lambda ps: torch.optim.SGD(ps, lr=1))
    with pytest.raises(TypeError):
        replay_gradients([1.0], lambda ps: torch.optim.SGD(ps, lr=1))


def test_trajectory_records_the_start_and_every_step():
    make = lambda ps: torch.optim.SGD(ps, lr=0.01)  # noqa: E731
    path, losses = trajectory(ravine, (1.0, 1.0), make, 20)
    assert path.shape == (21, 2) and losses.shape == (21,)
    path, losses = trajectory(ravine, (1.0, 1.0), make, 0)
    assert path.shape == (1, 2) and losses.shape == (1,)  # only the start


# Each public object of dlfp.optim.landscapes, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.optim.landscapes.ravine": [
        (lambda: landscapes.ravine(torch.zeros(3)), ValueError, r"p must have shape \(\.\.\., 2\), got \(3,\)"),
    ],
    "dlfp.optim.landscapes.bumpy": [
        (lambda: landscapes.bumpy([1.0, 2.0]), TypeError, r"p must be a torch\.Tensor"),
    ],
    "dlfp.optim.landscapes.saddle": [
        (lambda: landscapes.saddle(torch.zeros(2, dtype=torch.long)), TypeError, r"p must be a floating-point tensor"),
    ],
    "dlfp.optim.landscapes.surface_grid": [
        (lambda: landscapes.surface_grid(landscapes.ravine, (1, -1), (0, 1)), ValueError, r"xlim must be increasing"),
    ],
    "dlfp.optim.landscapes.trajectory": [
        (
            lambda: landscapes.trajectory(landscapes.ravine, (NAN, 0.0), make_sgd, 5),
            ValueError,
            r"start\[0\] must be a finite number",
        ),
    ],
    "dlfp.optim.landscapes.scenario_gradients": [
        (lambda: landscapes.scenario_gradients("Z"), ValueError, r"name must be one of 'A', .*got 'Z'"),
        (
            lambda: landscapes.scenario_gradients("D", 10, switch=11),
            ValueError,
            r"switch must be an int in \[1, 10\], got 11",
        ),
    ],
    "dlfp.optim.landscapes.replay_gradients": [
        (
            lambda: landscapes.replay_gradients(torch.zeros(2, 2), make_sgd),
            ValueError,
            r"grads must be a 1-D tensor \(T,\)",
        ),
    ],
}
