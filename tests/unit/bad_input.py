"""What the bad-input tables of the test modules share: calls wrapped in an environment, small
fixtures (a loader, an optimiser, q/k/v), constants. Not a test module."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlfp.autograd import modes, numpy_nn
from dlfp.book import benchmarks
from dlfp.models import logistic

NAN = float("nan")

F64 = torch.float64


def with_env(var: str, value: str, call: Callable[[], object]) -> Callable[[], object]:
    """``call`` run with the environment variable ``var`` set to ``value`` (restored afterwards)."""

    def run():
        old = os.environ.get(var)
        os.environ[var] = value
        try:
            return call()
        finally:
            if old is None:
                del os.environ[var]
            else:
                os.environ[var] = old

    return run


def argparse_exit(call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with argparse's error line (written to stderr before it exits) put into the ``SystemExit``."""

    def run():
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):
                return call()
        except SystemExit as exit_:
            last = (err.getvalue().strip().splitlines() or [""])[-1]  # "prog: error: ...", after the usage
            raise SystemExit(f"exit {exit_.code}: {last}") from None

    return run


def launched(rank: str, world_size: str, local_rank: str, call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with the variables ``torchrun`` sets."""
    return with_env("RANK", rank, with_env("WORLD_SIZE", world_size, with_env("LOCAL_RANK", local_rank, call)))


def ddp_args(*extra: str) -> list[str]:
    return ["--out", MISSING, *extra]


def linear_loss():
    model = nn.Linear(3, 1)
    return modes.flat_mse_loss(model, torch.randn(4, 3), torch.randn(4, 1))


def ode(d=3):
    return torch.randn(d, d), torch.randn(d), torch.randn(d)


def line_loader(n=8):
    x = torch.randn(n, 1)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, 2 * x), batch_size=4)


def sgd(model):
    return torch.optim.SGD(model.parameters(), lr=0.1)


def qkv():
    return (torch.randn(2, 3, 7, 4) for _ in range(3))


def numpy_setup():
    X, y = numpy_nn.two_moons(16, 0.1, np.random.default_rng(0))
    return numpy_nn.init_params(2, 4, 2), X, y


def nn_params():
    return nn.Linear(2, 1).parameters()


def make_sgd(ps):
    return torch.optim.SGD(ps, lr=0.1)


def logistic_model():
    return logistic.LogisticRegression(torch.zeros(2, 1), torch.zeros(1))


def fake_run():
    return benchmarks.Run(Path("x.json"), "cpu", "abc", "2026-01-01", {})


MISSING = "/nonexistent-dlfp-dir/nothing.json"
