"""Bad input gets a clear error: one table, every public entry point of ``dlfp``.

``CASES`` maps the qualified name of each public function or class (found by
walking the package, see :func:`public_entry_points`) to one or more
``(call, error type, regex)`` entries: ``call()`` makes a bad call and must
raise that error with a message matching the regex, which names the argument
(and, where natural, what was expected). Models get a bad constructor
argument *and* a bad ``forward`` input, whose error must name the input and
the expected shape or dtype rather than surface from deep inside a layer.

``test_every_public_entry_point_has_a_bad_input_case`` fails when a public
function or class is added without a case here; only pure records and
exception classes may be listed in ``EXEMPT`` instead.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import inspect
import io
import os
import pkgutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import dlfp
from dlfp import _checks
from dlfp.autograd import adjoint, graph, manual_backprop, modes, numpy_nn
from dlfp.autograd import function as function
from dlfp.book import benchmarks, env, errors, profile, prose, tables, timing
from dlfp.data import burgers, datasets, dynamics, fields, images, root, synthetic, windows
from dlfp.models import autoencoder, cosmonet, decoder, flexible, logistic, mlp, pinn, recurrent, transformer, vgg
from dlfp.nn import attention, green, hooks, padding, positional, receptive_field, rnn
from dlfp.nn import functional as functional
from dlfp.nn import init as init_stats
from dlfp.optim import landscapes, optimizers
from dlfp.scripts import ddp_train
from dlfp.tensor import matmul, shapes
from dlfp.train import amp, atomic, checkpoint, compile, ddp, loop

NAN = float("nan")
F64 = torch.float64

# Pure records and exception types: nothing to validate, so no bad-input case.
EXEMPT = {
    "dlfp.book.benchmarks.Run",  # frozen dataclass: one loaded benchmark run
    "dlfp.book.benchmarks.Change",  # frozen dataclass: one benchmark's old and new time
    "dlfp.train.checkpoint.CheckpointError",  # exception type
    "dlfp.data.images.DataUnavailableError",  # exception type
    "dlfp.data.images.MNISTSplit",  # frozen dataclass: images, labels, split, source
    "dlfp.data.images.MNISTData",  # frozen dataclass: train, test, note
    "dlfp.autograd.graph.GraphNode",  # frozen dataclass: one node of an autograd graph walk
    "dlfp.nn.init.SignalStats",  # dataclass of per-layer statistics
    "dlfp.models.pinn.PINNHistory",  # dataclass: losses and time of train_pinn
    "dlfp.train.loop.History",  # dataclass: what fit did
}


def public_entry_points() -> dict[str, object]:
    """Every function and class defined (not imported) in a ``dlfp`` module, by qualified name."""
    found = {}
    for info in pkgutil.walk_packages(dlfp.__path__, "dlfp."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


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

CASES: dict[str, list[tuple[Callable[[], object], type[BaseException], str]]] = {
    # --- dlfp.autograd.modes
    "dlfp.autograd.modes.flat_mse_loss": [
        (
            lambda: modes.flat_mse_loss("net", torch.zeros(2, 3), torch.zeros(2, 1)),
            TypeError,
            r"model must be an nn\.Module, got 'net' \(str\)",
        ),
        (
            lambda: modes.flat_mse_loss(nn.Linear(3, 1), torch.zeros(2, 3), torch.zeros(2, 2)),
            ValueError,
            r"targets must have shape \(2, 1\) \(the model's output shape\), got \(2, 2\)",
        ),
    ],
    "dlfp.autograd.modes.reverse_mode_gradient": [
        (
            lambda: modes.reverse_mode_gradient(linear_loss()[0], torch.zeros(2, 4)),
            ValueError,
            r"theta must be a 1-D tensor \(P,\)",
        ),
    ],
    "dlfp.autograd.modes.forward_mode_gradient": [
        (
            lambda: modes.forward_mode_gradient(*linear_loss(), chunk_size=0),
            ValueError,
            r"chunk_size must be a positive int or None, got 0",
        ),
        (
            lambda: modes.forward_mode_gradient(linear_loss()[0], torch.arange(4)),
            TypeError,
            r"theta must be a floating-point tensor",
        ),
    ],
    "dlfp.autograd.modes.count_matmul_flops": [
        (lambda: modes.count_matmul_flops(3), TypeError, r"fn must be callable, got 3 \(int\)"),
    ],
    "dlfp.book.timing.best_time": [
        (lambda: timing.best_time(lambda: None, repeat=0), ValueError, r"repeat must be a positive int, got 0"),
    ],
    "dlfp.autograd.adjoint.euler_loss": [
        (
            lambda: adjoint.euler_loss(torch.zeros(2, 3), torch.zeros(2), torch.zeros(2), 3),
            ValueError,
            r"W must be a square matrix \(d, d\)",
        ),
        (lambda: adjoint.euler_loss(*ode(), steps=0), ValueError, r"steps must be a positive int"),
    ],
    "dlfp.autograd.adjoint.euler_adjoint_gradients": [
        (
            lambda: adjoint.euler_adjoint_gradients(torch.eye(3), torch.full((3,), NAN), torch.zeros(3), 3),
            ValueError,
            r"x0 must be finite",
        ),
        (
            lambda: adjoint.euler_adjoint_gradients(*ode(), steps=3, t_final=0.0),
            ValueError,
            r"t_final must be positive",
        ),
    ],
    # --- dlfp.autograd.function
    "dlfp.autograd.function.XSinX": [
        (lambda: function.XSinX.apply(torch.arange(3)), TypeError, r"input must be a floating-point tensor"),
    ],
    "dlfp.autograd.function.x_sin_x": [
        (
            lambda: function.x_sin_x(torch.arange(3)),
            TypeError,
            r"x must be a floating-point tensor, got dtype torch\.int64",
        ),
        (lambda: function.x_sin_x([1.0]), TypeError, r"x must be a torch\.Tensor, got list"),
    ],
    # no constructor arguments: only the forward input can be bad
    "dlfp.autograd.function.XSinXActivation": [
        (lambda: function.XSinXActivation()(torch.arange(3)), TypeError, r"x must be a floating-point tensor"),
    ],
    "dlfp.autograd.function.finite_difference_grad": [
        (
            lambda: function.finite_difference_grad(lambda v: v.sum(), torch.zeros(3)),
            TypeError,
            r"x must be a float64 tensor .*, got torch\.float32",
        ),
        (
            lambda: function.finite_difference_grad(lambda v: v.sum(), torch.zeros(3, dtype=F64), eps=0),
            ValueError,
            r"eps must be positive",
        ),
    ],
    # --- dlfp.book.benchmarks
    "dlfp.book.benchmarks.load_run": [
        (lambda: benchmarks.load_run(3), TypeError, r"path must be a str or os\.PathLike path, got 3 \(int\)"),
        (lambda: benchmarks.load_run(MISSING), FileNotFoundError, r"path must be an existing file"),
        (
            lambda: benchmarks.load_run(Path(__file__)),
            ValueError,
            r"path must be a pytest-benchmark JSON file, got .*test_bad_input\.py",
        ),
    ],
    "dlfp.book.benchmarks.load_runs": [
        (
            lambda: benchmarks.load_runs("/nonexistent-dlfp-dir"),
            FileNotFoundError,
            r"directory must hold committed benchmark results, but /nonexistent-dlfp-dir does not exist",
        ),
        (lambda: benchmarks.load_runs(3), TypeError, r"directory must be a str or os.PathLike path, got 3"),
    ],
    "dlfp.book.benchmarks.previous_on_same_device": [
        (lambda: benchmarks.previous_on_same_device([], "run"), TypeError, r"run must be a Run, got 'run' \(str\)"),
        (lambda: benchmarks.previous_on_same_device([3], fake_run()), TypeError, r"runs\[0\] must be a Run"),
    ],
    "dlfp.book.benchmarks.compare": [
        (lambda: benchmarks.compare("a", fake_run()), TypeError, r"new must be a Run"),
    ],
    "dlfp.book.benchmarks.speedups": [
        (lambda: benchmarks.speedups(None), TypeError, r"run must be a Run, got None"),
    ],
    "dlfp.book.benchmarks.result_name": [
        (lambda: benchmarks.result_name(device=3, commit="abc"), TypeError, r"device must be a str or None"),
    ],
    "dlfp.book.benchmarks.save": [
        (lambda: benchmarks.save(MISSING), FileNotFoundError, r"raw must be an existing file"),
    ],
    # --- dlfp.nn.padding
    "dlfp.nn.padding.ghost_pad": [
        (
            lambda: padding.ghost_pad(torch.zeros(5), "neumann"),
            ValueError,
            r"bc must be one of 'dirichlet', .*got 'neumann'",
        ),
        (
            lambda: padding.ghost_pad(torch.zeros(5), "periodic", dims=2),
            ValueError,
            r"u must have at least 2 dimensions \(\*, n_1, n_2\)",
        ),
    ],
    "dlfp.nn.padding.fd_laplacian": [
        (lambda: padding.fd_laplacian(torch.zeros(5), 0.0, "periodic"), ValueError, r"h must be positive, got 0\.0"),
    ],
    # --- dlfp.train.checkpoint
    "dlfp.train.atomic.atomic_write": [
        (lambda: atomic.atomic_write(3, lambda f: None), TypeError, r"path must be a str or os\.PathLike"),
        (lambda: atomic.atomic_write("x.bin", b"data"), TypeError, r"write must be callable, got b'data' \(bytes\)"),
    ],
    "dlfp.train.checkpoint.rng_state": [
        (
            lambda: checkpoint.rng_state({"x": 1}),
            TypeError,
            r"generators must be a dict mapping names to torch\.Generator",
        ),
    ],
    "dlfp.train.checkpoint.set_rng_state": [
        (
            lambda: checkpoint.set_rng_state({"python": None}),
            checkpoint.CheckpointError,
            r"state must be an rng state, a dict with keys 'python', 'numpy', 'torch'",
        ),
    ],
    "dlfp.train.checkpoint.save_checkpoint": [
        (lambda: checkpoint.save_checkpoint(MISSING, "model", epoch=0), TypeError, r"model must be an nn\.Module"),
        (
            lambda: checkpoint.save_checkpoint(MISSING, nn.Linear(1, 1), epoch=-1),
            ValueError,
            r"epoch must be a non-negative int, got -1",
        ),
        (
            lambda: checkpoint.save_checkpoint(MISSING, nn.Linear(1, 1), epoch=1, extra={"loss": np.float64(0.5)}),
            TypeError,
            r"extra\['loss'\] must be a plain Python value.*got numpy\.float64",
        ),
    ],
    "dlfp.train.checkpoint.load_checkpoint": [
        (
            lambda: checkpoint.load_checkpoint(MISSING, map_location="bogus"),
            ValueError,
            r"map_location must be a device such as 'cpu' or 'cuda:0'.*got 'bogus' \(str\)",
        ),
        (lambda: checkpoint.load_checkpoint(MISSING), FileNotFoundError, r"path must be an existing checkpoint file"),
        (
            lambda: checkpoint.load_checkpoint(MISSING, optimizer=nn.Linear(1, 1)),
            TypeError,
            r"optimizer must be a torch\.optim\.Optimizer or None",
        ),
    ],
    # --- dlfp.data.burgers
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
    "dlfp.data.burgers.characteristic_origin": [
        (
            lambda: burgers.characteristic_origin(torch.ones(8, dtype=F64), 1.0),
            ValueError,
            r"u0 must have zero mean on each row",
        ),
        (lambda: burgers.characteristic_origin(torch.zeros(8), 0.0), ValueError, r"t must be positive"),
    ],
    # --- dlfp.data.datasets
    "dlfp.data.datasets.RandomDihedral": [
        (
            lambda: datasets.RandomDihedral()(torch.zeros(3, 4)),
            ValueError,
            r"field must be a tensor of shape \(\.\.\., N, N\), got shape \(3, 4\)",
        ),
    ],
    "dlfp.data.datasets.FieldDataset": [
        (
            lambda: datasets.FieldDataset(torch.zeros(4, 2, 8, 8), torch.zeros(4)),
            ValueError,
            r"fields must have shape \(M, 1, N, N\)",
        ),
        (
            lambda: datasets.FieldDataset(torch.zeros(4, 8, 8), torch.full((4,), NAN)),
            ValueError,
            r"targets must be finite",
        ),
    ],
    "dlfp.data.datasets.GenerativeFieldDataset": [
        (lambda: datasets.GenerativeFieldDataset(5, size=1), ValueError, r"size must be an int >= 2, got 1"),
        (
            lambda: datasets.GenerativeFieldDataset(5, param_range=(0.5, 0.1)),
            ValueError,
            r"param_range must satisfy 0 < low < high",
        ),
    ],
    "dlfp.data.datasets.create_dataloaders": [
        (lambda: datasets.create_dataloaders(8, 8, batch_size=0), ValueError, r"batch_size must be a positive int"),
        (lambda: datasets.create_dataloaders(0, 8), ValueError, r"train_samples must be a positive int"),
    ],
    # --- dlfp.data.dynamics
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
    # --- dlfp.data.fields
    "dlfp.data.fields.k_equality": [
        (lambda: fields.k_equality(0.3, h=-1.0), ValueError, r"h must be positive"),
    ],
    "dlfp.data.fields.power_spectrum": [
        (lambda: fields.power_spectrum(-torch.ones(2), 0.3), ValueError, r"k must be non-negative"),
    ],
    "dlfp.data.fields.wavenumbers": [
        (lambda: fields.wavenumbers(1), ValueError, r"size must be an int >= 2, got 1"),
    ],
    "dlfp.data.fields.generate_fields": [
        (lambda: fields.generate_fields([], 16), ValueError, r"omega_m must hold at least one value"),
        (lambda: fields.generate_fields(torch.tensor([0.3, -0.1])), ValueError, r"omega_m must be finite and positive"),
        (lambda: fields.generate_fields(0.3, seed=1.5), TypeError, r"seed must be an int or a torch\.Generator"),
    ],
    "dlfp.data.fields.generate_field": [
        (lambda: fields.generate_field(torch.tensor([0.1, 0.2])), ValueError, r"omega_m must be a single number"),
    ],
    "dlfp.data.fields.measure_power_spectrum": [
        (
            lambda: fields.measure_power_spectrum(torch.zeros(4, 5)),
            ValueError,
            r"fields must have shape \(N, N\) or \(B, N, N\)",
        ),
    ],
    # --- dlfp.data.images (no I/O: the arguments are refused before any file is read)
    "dlfp.data.images.load_mnist": [
        (lambda: images.load_mnist("val"), ValueError, r"split must be 'train' or 'test', got 'val'"),
        (lambda: images.load_mnist("test", timeout=0), ValueError, r"timeout must be positive"),
    ],
    "dlfp.data.images.mnist_datasets": [
        (
            lambda: images.mnist_datasets(holdout_fraction=1.5),
            ValueError,
            r"holdout_fraction must be in \(0, 1\), got 1\.5",
        ),
        (lambda: images.mnist_datasets(n_train=0), ValueError, r"n_train must be a positive int or None, got 0"),
    ],
    # --- dlfp.data.root: its input is the environment
    "dlfp.data.root.data_root": [
        (with_env("DLFP_DATA", __file__, root.data_root), NotADirectoryError, r"DLFP_DATA must name a directory"),
    ],
    "dlfp.data.root.data_roots": [
        (with_env("DLFP_DATA", __file__, root.data_roots), NotADirectoryError, r"DLFP_DATA must name a directory"),
    ],
    # --- dlfp.book.errors
    "dlfp.book.errors.expect_error": [
        (lambda: errors.expect_error("ValueError"), TypeError, r"exc_type must be an exception class or a tuple"),
        (lambda: errors.expect_error(ValueError, match=3), TypeError, r"match must be a str \(a regular expression\)"),
    ],
    # --- dlfp.book.prose
    "dlfp.book.prose.glue": [
        (lambda: prose.glue(3, 1.0), TypeError, r"name must be a non-empty str, got 3"),
    ],
    # --- dlfp.data.synthetic
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
    # --- dlfp.data.windows
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
    # --- dlfp.train.ddp (no process group: every argument is refused before one is needed)
    "dlfp.scripts.ddp_train.ScaleMLP": [
        (lambda: ddp_train.ScaleMLP(4, 0), ValueError, r"width must be a positive int, got 0"),
        (
            lambda: ddp_train.ScaleMLP(4, 8)(torch.zeros(5, 3)),
            ValueError,
            r"x must have shape \(N, 4\), got \(5, 3\)",
        ),
        (
            lambda: ddp_train.ScaleMLP(4, 8)(torch.zeros(5, 4, dtype=torch.int64)),
            TypeError,
            r"x must be a floating-point tensor, got dtype torch\.int64",
        ),
    ],
    "dlfp.scripts.ddp_train.tanh_gelu": [
        (lambda: ddp_train.tanh_gelu([1.0]), TypeError, r"x must be a torch\.Tensor, got list"),
        (lambda: ddp_train.tanh_gelu(torch.arange(3)), TypeError, r"x must be a floating-point tensor"),
    ],
    "dlfp.train.ddp.choose_backend": [
        (lambda: ddp.choose_backend(0), ValueError, r"world_size must be a positive int, got 0"),
        (
            lambda: ddp.choose_backend(2, cuda_available=True, device_count=-1),
            ValueError,
            r"device_count must be a non-negative int, got -1",
        ),
    ],
    "dlfp.train.ddp.device_for": [
        (lambda: ddp.device_for("mpi", 0), ValueError, r"backend must be 'nccl' or 'gloo', got 'mpi'"),
        (lambda: ddp.device_for("gloo", -1), ValueError, r"local_rank must be a non-negative int, got -1"),
    ],
    "dlfp.scripts.ddp_train.make_regression": [
        (lambda: ddp_train.make_regression(0), ValueError, r"n must be a positive int, got 0"),
        (
            lambda: ddp_train.make_regression(10, 1.5),
            TypeError,
            r"in_features must be a positive int, got 1\.5 \(float\)",
        ),
    ],
    "dlfp.train.ddp.per_rank_batch": [
        (
            lambda: ddp.per_rank_batch(256, 3),
            ValueError,
            r"batch_size must be divisible by world_size=3, got 256",
        ),
    ],
    "dlfp.train.ddp.epoch_orders": [
        (
            lambda: ddp.epoch_orders(10, world_size=2, rank=2, epochs=1),
            ValueError,
            r"rank must be in \[0, world_size=2\), got 2",
        ),
        (
            lambda: ddp.epoch_orders(10, world_size=2, rank=0, epochs=1, seed=0.5),
            TypeError,
            r"seed must be an int \(a seed\), got 0\.5 \(float\)",
        ),
    ],
    "dlfp.train.ddp.flat_grad": [
        (lambda: ddp.flat_grad("net"), TypeError, r"model must be an nn\.Module, got str"),
    ],
    "dlfp.train.ddp.ddp_gradients": [
        (
            lambda: ddp.ddp_gradients(nn.Linear(2, 1), torch.zeros(10, 2), torch.zeros(9, 1)),
            ValueError,
            r"x and y must have the same batch size, got 10 and 9",
        ),
        (
            lambda: ddp.ddp_gradients(nn.Linear(2, 1), [[0.0, 0.0]], torch.zeros(1, 1)),
            TypeError,
            r"x must be a torch\.Tensor, got list",
        ),
    ],
    "dlfp.train.ddp.save_on_rank0": [
        (lambda: ddp.save_on_rank0(MISSING, "model", epoch=0), TypeError, r"model must be an nn\.Module"),
        (
            lambda: ddp.save_on_rank0(MISSING, nn.Linear(1, 1), epoch=-1),
            ValueError,
            r"epoch must be a non-negative int, got -1",
        ),
    ],
    "dlfp.train.ddp.check_gradient": [
        (
            lambda: ddp.check_gradient(
                nn.Linear(2, 1), nn.Linear(2, 1), torch.zeros(4, 2), torch.zeros(4, 1), torch.arange(2)
            ),
            TypeError,
            r"ddp must be a DistributedDataParallel model, got Linear",
        ),
    ],
    "dlfp.train.ddp.time_allreduce": [
        (
            lambda: ddp.time_allreduce(torch.zeros(3), repeats=0),
            ValueError,
            r"repeats must be a positive int, got 0",
        ),
        (lambda: ddp.time_allreduce([0.0]), TypeError, r"tensor must be a torch\.Tensor, got list"),
    ],
    "dlfp.train.ddp.torchrun_command": [
        (lambda: ddp.torchrun_command(0), ValueError, r"nproc_per_node must be a positive int, got 0"),
        (
            lambda: ddp.torchrun_command(2, "--epochs 3"),
            TypeError,
            r"script_args must be a sequence of strings",
        ),
    ],
    "dlfp.scripts.ddp_train.parse_args": [
        (
            argparse_exit(lambda: ddp_train.parse_args(ddp_args("--epochs", "0"))),
            SystemExit,
            r"exit 2: .*--epochs must be >= 1, got 0",
        ),
        (
            argparse_exit(lambda: ddp_train.parse_args(ddp_args("--lr", "nan"))),
            SystemExit,
            r"exit 2: .*--lr must be > 0 and finite, got nan",
        ),
        (
            argparse_exit(lambda: ddp_train.parse_args(ddp_args("--width", "wide"))),
            SystemExit,
            r"exit 2: .*argument --width: invalid int value: 'wide'",
        ),
    ],
    "dlfp.scripts.ddp_train.main": [
        (
            argparse_exit(lambda: ddp_train.main(ddp_args("--batch-size", "-4"))),
            SystemExit,
            r"exit 2: .*--batch-size must be >= 1, got -4",
        ),
    ],
    # its input is the environment torchrun sets
    "dlfp.train.ddp.launch_environment": [
        (
            launched("2", "2", "0", ddp.launch_environment),
            RuntimeError,
            r"inconsistent launch: RANK=2, WORLD_SIZE=2",
        ),
        (
            launched("one", "2", "0", ddp.launch_environment),
            RuntimeError,
            r"RANK must be an integer, got 'one'",
        ),
        (
            launched("0", "2", "5", ddp.launch_environment),
            RuntimeError,
            r"inconsistent launch: RANK=0, WORLD_SIZE=2, LOCAL_RANK=5",
        ),
    ],
    "dlfp.scripts.ddp_train.train_worker": [
        (
            lambda: ddp_train.train_worker({"epochs": 1}, torch.device("cpu")),
            TypeError,
            r"args must be an argparse\.Namespace \(from parse_args\), got dict",
        ),
        (
            lambda: ddp_train.train_worker(argparse.Namespace(), "cpu"),
            TypeError,
            r"device must be a torch\.device \(from device_for\), got 'cpu' \(str\)",
        ),
    ],
    # --- dlfp.book.env
    "dlfp.book.env.pick_device": [
        (lambda: env.pick_device("gpu0"), ValueError, r"prefer must be a device string such as 'cpu'"),
        (lambda: env.pick_device(3), TypeError, r"prefer must be a device string"),
        (
            with_env("DLFP_DEVICE", "cuda:7", env.pick_device),
            RuntimeError,
            r"DLFP_DEVICE must name an available device, got 'cuda:7'",
        ),
    ],
    "dlfp.book.env.seed_everything": [
        (lambda: env.seed_everything(-1), ValueError, r"seed must be an int in \[0, 2\*\*64 - 1\].*got -1"),
        (lambda: env.seed_everything(1.5), TypeError, r"seed must be an int \(a seed\), got 1\.5 \(float\)"),
        (
            lambda: env.seed_everything(2**64),
            ValueError,
            r"seed must be an int in \[0, 2\*\*64 - 1\].*got 18446744073709551616",
        ),
    ],
    "dlfp.book.env.as_generator": [
        (lambda: env.as_generator(1.5), TypeError, r"seed must be an int or a torch\.Generator, got 1\.5"),
        (lambda: env.as_generator(2**64), ValueError, r"seed must be an int in \[-2\*\*63, 2\*\*64 - 1\]"),
    ],
    "dlfp.book.env.device_name": [
        (lambda: env.device_name("gpu0"), ValueError, r"device must be a device string"),
    ],
    "dlfp.book.env.banner": [
        (lambda: env.banner(3), TypeError, r"device must be a torch\.device or a device string"),
    ],
    # --- dlfp.autograd.graph
    "dlfp.autograd.graph.graph_nodes": [
        (
            lambda: graph.graph_nodes(torch.ones(2)),
            ValueError,
            r"tensor must be the result of operations recorded by autograd",
        ),
    ],
    "dlfp.autograd.graph.format_graph": [
        (lambda: graph.format_graph([1.0]), TypeError, r"tensor must be a torch\.Tensor, got list"),
    ],
    # --- dlfp.nn.hooks
    "dlfp.nn.hooks.ActivationRecorder": [
        (lambda: hooks.ActivationRecorder("model"), TypeError, r"model must be an nn\.Module"),
        (
            lambda: hooks.ActivationRecorder(nn.Linear(1, 1), types=[nn.ReLU]),
            TypeError,
            r"types must be a tuple of classes",
        ),
    ],
    # --- dlfp.nn.init
    "dlfp.nn.init.linear_default_bound": [
        (lambda: init_stats.linear_default_bound(0), ValueError, r"fan_in must be a positive int, got 0"),
    ],
    "dlfp.nn.init.activation_second_moment": [
        (lambda: init_stats.activation_second_moment("gelu"), ValueError, r"activation must be one of .*got 'gelu'"),
    ],
    "dlfp.nn.init.normal_init": [
        (lambda: init_stats.normal_init(-1.0), ValueError, r"std must be non-negative, got -1\.0"),
    ],
    "dlfp.nn.init.signal_stats": [
        (lambda: init_stats.signal_stats(0, 8, "zeros"), ValueError, r"depth must be a positive int, got 0"),
        (lambda: init_stats.signal_stats(2, 8, 3), TypeError, r"init must be a string or a callable"),
    ],
    # --- dlfp.tensor.matmul
    "dlfp.tensor.matmul.matmul_naive": [
        (
            lambda: matmul.matmul_naive(torch.zeros(3), torch.zeros(3, 3)),
            ValueError,
            r"A must be a 2-D tensor \(n, k\), got shape \(3,\)",
        ),
    ],
    "dlfp.nn.functional.conv2d_unfold": [
        (
            lambda: functional.conv2d_unfold(torch.randn(3, 9, 9), torch.randn(4, 3, 3, 3)),
            ValueError,
            r"x must be a 4-D tensor \(B, C_in, H, W\), got shape \(3, 9, 9\)",
        ),
        (
            lambda: functional.conv2d_unfold(torch.randn(1, 3, 9, 9), torch.randn(4, 3, 3, 3), padding=-1),
            ValueError,
            r"padding must be a non-negative int",
        ),
    ],
    "dlfp.nn.functional.layer_norm_naive": [
        (
            lambda: functional.layer_norm_naive(torch.randn(2, 3), torch.ones(3, dtype=F64), torch.zeros(3)),
            TypeError,
            r"x, weight and bias must have the same dtype",
        ),
        (
            lambda: functional.layer_norm_naive(torch.randn(2, 16), torch.ones(8), torch.zeros(16)),
            ValueError,
            r"weight must have shape \(16,\) to match x's last dimension, got \(8,\)",
        ),
    ],
    # --- dlfp.optim.landscapes
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
    # --- dlfp.models.logistic
    "dlfp.models.logistic.sigmoid": [
        (lambda: logistic.sigmoid(torch.arange(3)), TypeError, r"z must be a floating-point tensor"),
    ],
    "dlfp.models.logistic.binary_cross_entropy": [
        (
            lambda: logistic.binary_cross_entropy(torch.rand(3), torch.ones(3, dtype=F64)),
            TypeError,
            r"p and y must have the same dtype",
        ),
        (
            lambda: logistic.binary_cross_entropy(torch.rand(4, 1), torch.ones(4)),
            ValueError,
            r"p and y must have the same shape, got \(4, 1\) and \(4,\)",
        ),
        (
            lambda: logistic.binary_cross_entropy(torch.full((2, 1), NAN), torch.ones(2, 1)),
            ValueError,
            r"p must be finite",
        ),
    ],
    "dlfp.models.logistic.logistic_gradients": [
        (
            lambda: logistic.logistic_gradients(torch.randn(4, 2), torch.ones(4, 1), torch.zeros(3, 1), torch.zeros(1)),
            ValueError,
            r"W must have shape \(2, 1\)",
        ),
    ],
    "dlfp.models.logistic.LogisticRegression": [
        (
            lambda: logistic_model().predict_proba(torch.randn(4, 3)),
            ValueError,
            r"X must have shape \(N, 2\), got \(4, 3\)",
        ),
        (
            lambda: logistic_model().accuracy(torch.randn(4, 2), torch.ones(4)),
            ValueError,
            r"y must have shape \(4, 1\)",
        ),
    ],
    "dlfp.models.logistic.train_logistic_regression": [
        (
            lambda: logistic.train_logistic_regression(torch.randn(4, 2), torch.ones(4)),
            ValueError,
            r"y must have shape \(4, 1\) = \(N, 1\) to match the logits",
        ),
        (
            lambda: logistic.train_logistic_regression(torch.full((4, 2), NAN), torch.ones(4, 1)),
            ValueError,
            r"X must be finite",
        ),
        (
            lambda: logistic.train_logistic_regression(torch.randn(4, 2), torch.ones(4, 1), lr=0),
            ValueError,
            r"lr must be positive",
        ),
    ],
    # --- dlfp.autograd.manual_backprop
    "dlfp.autograd.manual_backprop.linear_forward": [
        (
            lambda: manual_backprop.linear_forward(torch.randn(2, 3), torch.randn(4, 3, dtype=F64), torch.zeros(4)),
            TypeError,
            r"x, W and b must have the same dtype",
        ),
        (
            lambda: manual_backprop.linear_forward(
                torch.ones(4, 5, dtype=torch.long), torch.randn(3, 5), torch.randn(3)
            ),
            TypeError,
            r"x must be a floating-point tensor",
        ),
        (
            lambda: manual_backprop.linear_forward(torch.randn(4, 5), torch.randn(3, 6), torch.randn(3)),
            ValueError,
            r"expected x \(N, D_in\), W \(D_out, D_in\), b \(D_out,\), got x \(4, 5\), W \(3, 6\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.linear_backward": [
        (
            lambda: manual_backprop.linear_backward(torch.randn(4, 2), torch.randn(4, 5), torch.randn(3, 5)),
            ValueError,
            r"expected delta \(N, D_out\), .*got delta \(4, 2\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.relu_backward": [
        (
            lambda: manual_backprop.relu_backward(torch.randn(3), torch.randn(4)),
            ValueError,
            r"delta and z must have the same shape, got \(3,\) and \(4,\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.two_layer_forward": [
        (
            lambda: manual_backprop.two_layer_forward(
                torch.randn(5), torch.randn(3, 5), torch.randn(3), torch.randn(2, 3), torch.randn(2)
            ),
            ValueError,
            r"x must be a 2-D tensor \(N, D_in\), got shape \(5,\)",
        ),
    ],
    "dlfp.autograd.manual_backprop.two_layer_backward": [
        (
            lambda: manual_backprop.two_layer_backward(
                torch.randn(4, 2), {"x": torch.randn(4, 5)}, torch.randn(3, 5), torch.randn(2, 3)
            ),
            KeyError,
            r"cache must hold x, z1 and a1; missing \['a1', 'z1'\]",
        ),
        (
            lambda: manual_backprop.two_layer_backward(torch.randn(4, 2), [], torch.randn(3, 5), torch.randn(2, 3)),
            TypeError,
            r"cache must be a dict",
        ),
    ],
    # --- dlfp.nn.attention
    "dlfp.nn.attention.scaled_dot_product_attention": [
        (
            lambda: attention.scaled_dot_product_attention(torch.ones(3), *list(qkv())[1:]),
            ValueError,
            r"q must have at least 2 dimensions \(\.\.\., L, D\), got shape \(3,\)",
        ),
        (
            lambda: attention.scaled_dot_product_attention(*qkv(), mask=torch.ones(7, 7, dtype=torch.long)),
            TypeError,
            r"mask must be bool or floating point",
        ),
        (
            lambda: attention.scaled_dot_product_attention(
                torch.randn(2, 3, 4), torch.randn(2, 3, 4, dtype=F64), torch.randn(2, 3, 4)
            ),
            TypeError,
            r"q, k and v must have the same dtype, got q torch\.float32, k torch\.float64",
        ),
        (
            lambda: attention.scaled_dot_product_attention(
                torch.randn(2, 3, 4), torch.randn(3, 3, 4), torch.randn(3, 3, 4)
            ),
            ValueError,
            r"q, k and v must have broadcastable batch dimensions",
        ),
    ],
    "dlfp.nn.attention.causal_mask": [
        (lambda: attention.causal_mask(0), ValueError, r"length must be a positive int, got 0"),
    ],
    "dlfp.nn.attention.MultiHeadAttention": [
        (
            lambda: attention.MultiHeadAttention(10, 3),
            ValueError,
            r"embed_dim \(10\) must be divisible by num_heads \(3\)",
        ),
        (
            lambda: attention.MultiHeadAttention(8, 2)(torch.randn(2, 5, 6)),
            ValueError,
            r"query must have shape \(B, L, 8\), got \(2, 5, 6\)",
        ),
        (
            lambda: attention.MultiHeadAttention(8, 2)(torch.randn(2, 5, 8, dtype=F64)),
            TypeError,
            r"query must have the model's dtype torch\.float32, got torch\.float64",
        ),
    ],
    "dlfp.nn.positional.sinusoidal_positional_encoding": [
        (lambda: positional.sinusoidal_positional_encoding(10, 7), ValueError, r"d_model must be even"),
        (
            lambda: positional.sinusoidal_positional_encoding(10, 8, dtype=torch.long),
            TypeError,
            r"dtype must be a floating-point torch\.dtype, got torch\.int64",
        ),
    ],
    # --- dlfp.models.autoencoder
    "dlfp.models.autoencoder.add_gaussian_noise": [
        (
            lambda: autoencoder.add_gaussian_noise(torch.rand(3) * 2 + 1),
            ValueError,
            r"images must have values in \[0, 1\]",
        ),
        (lambda: autoencoder.add_gaussian_noise(torch.rand(3), std=-1), ValueError, r"std must be non-negative"),
    ],
    # no constructor arguments: only the forward input can be bad
    "dlfp.models.autoencoder.ConvDenoisingAutoencoder": [
        (
            lambda: autoencoder.ConvDenoisingAutoencoder()(torch.rand(2, 28, 28)),
            ValueError,
            r"x must have shape \(B, 1, 28, 28\), got \(2, 28, 28\)",
        ),
        (
            lambda: autoencoder.ConvDenoisingAutoencoder()(torch.rand(2, 1, 28, 28, dtype=F64)),
            TypeError,
            r"x must have the model's dtype torch\.float32",
        ),
        (
            lambda: autoencoder.ConvDenoisingAutoencoder().decode(torch.rand(2, 64, 4, 4)),
            ValueError,
            r"z must have shape \(B, 64, 3, 3\)",
        ),
    ],
    # --- dlfp.models.cosmonet
    "dlfp.models.cosmonet.CosmoNet": [
        (
            lambda: cosmonet.CosmoNet(channels=None),
            TypeError,
            r"channels must be a tuple of three positive ints, got None",
        ),
        (
            lambda: cosmonet.CosmoNet(channels=(True, 2, 3)),
            TypeError,
            r"channels\[0\] must be a positive int, got True",
        ),
        (lambda: cosmonet.CosmoNet(channels=(1, 2)), ValueError, r"channels must be three positive ints"),
        (
            lambda: cosmonet.CosmoNet()(torch.randn(2, 64, 64)),
            ValueError,
            r"x must have shape \(B, 1, H, W\), got \(2, 64, 64\)",
        ),
        (
            lambda: cosmonet.CosmoNet()(torch.randn(2, 1, 16, 16, dtype=F64)),
            TypeError,
            r"x must have the model's dtype",
        ),
    ],
    # --- dlfp.models.decoder
    "dlfp.models.decoder.CausalSelfAttention": [
        (lambda: decoder.CausalSelfAttention(10, 3), ValueError, r"d_model \(10\) must be divisible by n_heads \(3\)"),
        (
            lambda: decoder.CausalSelfAttention(16, 4)(torch.randn(2, 5, 8)),
            ValueError,
            r"x must have shape \(B, L, 16\), got \(2, 5, 8\)",
        ),
        (
            lambda: decoder.CausalSelfAttention(16, 4)(torch.randn(5, 16)),
            ValueError,
            r"x must have shape \(B, L, 16\), got \(5, 16\)",
        ),
    ],
    "dlfp.models.decoder.DecoderBlock": [
        (lambda: decoder.DecoderBlock(16, 0), ValueError, r"n_heads must be a positive int, got 0"),
        (lambda: decoder.DecoderBlock(16, 4)(torch.randn(2, 5, 8)), ValueError, r"x must have shape \(B, L, 16\)"),
    ],
    "dlfp.models.decoder.DecoderOnlyTransformer": [
        (
            lambda: decoder.DecoderOnlyTransformer(d_in=3, d_model=8, n_heads=2, n_layers=1)(torch.zeros(2, 0, 3)),
            ValueError,
            r"x must have L >= 1 \(not empty\), got shape \(2, 0, 3\)",
        ),
        (lambda: decoder.DecoderOnlyTransformer(0), ValueError, r"d_in must be a positive int, got 0"),
        (
            lambda: decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 4, 2)),
            ValueError,
            r"x must have shape \(B, L, 3\), got \(2, 4, 2\)",
        ),
        (
            lambda: decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 4, 3, dtype=F64)),
            TypeError,
            r"x must have the model's dtype torch\.float32",
        ),
        (
            lambda: decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 5, 3)),
            ValueError,
            r"x must have at most max_len=4 steps",
        ),
    ],
    "dlfp.models.decoder.rollout": [
        (
            lambda: decoder.rollout(decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4), torch.randn(4, 2), 3),
            ValueError,
            r"context must have shape \(L, 3\), got \(4, 2\)",
        ),
        (
            lambda: decoder.rollout(decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4), torch.full((4, 3), NAN), 3),
            ValueError,
            r"context must be finite",
        ),
        (
            lambda: decoder.rollout(nn.Linear(3, 3), torch.randn(4, 3), 3),
            TypeError,
            r"model must be a DecoderOnlyTransformer",
        ),
    ],
    # --- dlfp.models.flexible
    "dlfp.models.flexible.SimplestModel": [
        (lambda: flexible.SimplestModel(0), ValueError, r"in_features must be a positive int, got 0"),
        (
            lambda: flexible.SimplestModel(10)(torch.randn(4, 3)),
            ValueError,
            r"x must have shape \(N, 10\), got \(4, 3\)",
        ),
        (
            lambda: flexible.SimplestModel(10)(torch.ones(4, 10, dtype=torch.long)),
            TypeError,
            r"x must be a floating-point tensor",
        ),
    ],
    "dlfp.models.flexible.FlexibleMLP": [
        (lambda: flexible.FlexibleMLP(3, None, 1), TypeError, r"hidden_sizes must be a list of positive ints"),
        (lambda: flexible.FlexibleMLP(3, [8], 2, dropout=1.5), ValueError, r"dropout must be in \[0, 1\), got 1\.5"),
        (
            lambda: flexible.FlexibleMLP(3, [8], 2)(torch.randn(4, 5)),
            ValueError,
            r"x must have shape \(N, 3\), got \(4, 5\)",
        ),
    ],
    # --- dlfp.models.mlp
    "dlfp.models.mlp.SingleNeuron": [
        (lambda: mlp.SingleNeuron(0), ValueError, r"input_size must be a positive int, got 0"),
        (lambda: mlp.SingleNeuron()(torch.randn(4, 3)), ValueError, r"x must have shape \(\*, 10\), got \(4, 3\)"),
    ],
    "dlfp.models.mlp.MLP": [
        (lambda: mlp.MLP(hidden1=0), ValueError, r"hidden1 must be a positive int, got 0"),
        (lambda: mlp.MLP()(torch.randn(4, 9)), ValueError, r"x must have shape \(\*, 10\), got \(4, 9\)"),
        (lambda: mlp.MLP()(torch.randn(4, 10, dtype=F64)), TypeError, r"x must have the model's dtype"),
    ],
    "dlfp.models.mlp.linear_parameter_count": [
        (lambda: mlp.linear_parameter_count([10]), ValueError, r"sizes must list at least an input and an output size"),
        (lambda: mlp.linear_parameter_count("10"), TypeError, r"sizes must be a sequence of ints"),
    ],
    # --- dlfp.models.pinn
    "dlfp.models.pinn.PINN": [
        (lambda: pinn.PINN(0, 2), ValueError, r"hidden must be a positive int, got 0"),
        (lambda: pinn.PINN()(torch.zeros(5)), ValueError, r"t must have shape \(N, 1\), got \(5,\)"),
        (lambda: pinn.PINN()(torch.zeros(5, 1, dtype=F64)), TypeError, r"t must have the model's dtype"),
    ],
    "dlfp.models.pinn.derivatives": [
        (
            lambda: pinn.derivatives(pinn.PINN(), torch.zeros(3, 1, dtype=torch.long)),
            TypeError,
            r"t must be a floating-point tensor",
        ),
    ],
    "dlfp.models.pinn.oscillator_loss": [
        (
            lambda: pinn.oscillator_loss(pinn.PINN(), torch.zeros(0, 1)),
            ValueError,
            r"t must hold at least one collocation time",
        ),
        (
            lambda: pinn.oscillator_loss(pinn.PINN(), torch.zeros(3, 1), omega=0.0),
            ValueError,
            r"omega must be positive",
        ),
        (lambda: pinn.oscillator_loss(pinn.PINN(), torch.zeros(3)), ValueError, r"t must have shape \(N, 1\)"),
    ],
    "dlfp.models.pinn.train_pinn": [
        (lambda: pinn.train_pinn(nn.Linear(1, 1)), TypeError, r"model must be a PINN, got Linear"),
        (lambda: pinn.train_pinn(pinn.PINN(), lr=0), ValueError, r"lr must be positive"),
        (lambda: pinn.train_pinn(pinn.PINN(), u0=NAN), ValueError, r"u0 must be a finite number"),
    ],
    # --- dlfp.nn.rnn
    "dlfp.nn.rnn.MyRNNCell": [
        (
            lambda: rnn.MyRNNCell(2, 4).load_from_torch(nn.RNNCell(2, 4, nonlinearity="relu")),
            ValueError,
            r"cell must use nonlinearity='tanh'",
        ),
        (lambda: rnn.MyRNNCell(0, 8), ValueError, r"input_size must be a positive int, got 0"),
        (lambda: rnn.MyRNNCell(5, 8)(torch.randn(2, 4)), ValueError, r"x must have shape \(N, 5\), got \(2, 4\)"),
        (
            lambda: rnn.MyRNNCell(5, 8)(torch.randn(2, 5), torch.randn(3, 8)),
            ValueError,
            r"h_prev must have shape \(N, 8\) with N = 2 \(from x\), got \(3, 8\)",
        ),
    ],
    "dlfp.nn.rnn.MyLSTMCell": [
        (lambda: rnn.MyLSTMCell(3, 0), ValueError, r"hidden_size must be a positive int, got 0"),
        (
            lambda: rnn.MyLSTMCell(3, 4)(torch.ones(2, 3, dtype=torch.long)),
            TypeError,
            r"x must be a floating-point tensor",
        ),
        (
            lambda: rnn.MyLSTMCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 4)),
            TypeError,
            r"state must be a tuple \(h, c\)",
        ),
    ],
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
    # --- dlfp.models.transformer
    "dlfp.models.transformer.MyTransformerBlock": [
        (lambda: transformer.MyTransformerBlock(8, 2, dropout=1.5), ValueError, r"dropout must be in \[0, 1\)"),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5)),
            ValueError,
            r"x must have shape \(B, L, 8\), got \(2, 5\)",
        ),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5, 8), torch.zeros(5, 5, device="meta")),
            ValueError,
            r"mask must be on x's device cpu, got meta",
        ),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5, 8), torch.zeros(4, 4)),
            ValueError,
            r"mask must have shape \(5, 5\) or \(B\*nhead, L, L\)",
        ),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5, 8), torch.zeros(5, 5, dtype=torch.long)),
            TypeError,
            r"mask must be a bool tensor \(True = may not attend\) or a float tensor",
        ),
    ],
    "dlfp.models.transformer.BurgersTransformer": [
        (lambda: transformer.BurgersTransformer(num_layers=0), ValueError, r"num_layers must be a positive int, got 0"),
        (
            lambda: transformer.BurgersTransformer(n_points=16, d_model=8, nhead=2)(torch.randn(2, 15)),
            ValueError,
            r"u0 must have shape \(B, 16\), got \(2, 15\)",
        ),
    ],
    # --- dlfp.models.vgg
    "dlfp.models.vgg.conv_bn_relu": [
        (lambda: vgg.conv_bn_relu(3, -1), ValueError, r"out_channels must be a positive int, got -1"),
    ],
    "dlfp.models.vgg.vgg_block": [
        (lambda: vgg.vgg_block(0, 8), ValueError, r"in_channels must be a positive int, got 0"),
    ],
    "dlfp.models.vgg.MyVGG": [
        (lambda: vgg.MyVGG(channels=None), TypeError, r"channels must be a tuple or list of positive ints, got None"),
        (lambda: vgg.MyVGG(channels=()), ValueError, r"channels must name at least one block"),
        (
            lambda: vgg.MyVGG()(torch.randn(2, 3, 28, 28)),
            ValueError,
            r"x must have shape \(N, 1, 28, 28\), got \(2, 3, 28, 28\)",
        ),
        (lambda: vgg.MyVGG()([0.0]), TypeError, r"x must be a torch\.Tensor, got list"),
    ],
    "dlfp.models.vgg.shape_table": [
        (lambda: vgg.shape_table(lambda x: x, torch.zeros(1)), TypeError, r"model must be an nn\.Module"),
    ],
    # --- dlfp.autograd.numpy_nn
    "dlfp.autograd.numpy_nn.two_moons": [
        (lambda: numpy_nn.two_moons(1), ValueError, r"n must be an int >= 2, got 1"),
    ],
    "dlfp.autograd.numpy_nn.init_params": [
        (lambda: numpy_nn.init_params(2, 0, 2), ValueError, r"d_hidden must be a positive int, got 0"),
    ],
    "dlfp.autograd.numpy_nn.forward": [
        (
            lambda: numpy_nn.forward(numpy_setup()[0], numpy_setup()[1][:, :1]),
            ValueError,
            r"X must have shape \(N, 2\)",
        ),
        (
            lambda: numpy_nn.forward({"W1": None}, numpy_setup()[1]),
            ValueError,
            r"params must be a dict with exactly the keys",
        ),
    ],
    "dlfp.autograd.numpy_nn.softmax_cross_entropy": [
        (
            lambda: numpy_nn.softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)),
            ValueError,
            r"logits must hold at least one row and one class",
        ),
        (
            lambda: numpy_nn.softmax_cross_entropy(np.zeros((2, 2)), np.array([0.0, 1.0])),
            TypeError,
            r"y must hold integer class labels",
        ),
    ],
    "dlfp.autograd.numpy_nn.backward": [
        (
            lambda: numpy_nn.backward(numpy_setup()[0], {"X": None}, np.zeros((2, 3))),
            ValueError,
            r"cache must hold X, z1 and a1",
        ),
    ],
    "dlfp.autograd.numpy_nn.sgd_step": [
        (lambda: numpy_nn.sgd_step(numpy_setup()[0], numpy_setup()[0], -1.0), ValueError, r"lr must be positive"),
    ],
    "dlfp.autograd.numpy_nn.predict": [
        (lambda: numpy_nn.predict(numpy_setup()[0], [[0.0, 0.0]]), TypeError, r"X must be a numpy\.ndarray, got list"),
    ],
    "dlfp.autograd.numpy_nn.train": [
        (
            lambda: numpy_nn.train(np.zeros((0, 2)), np.zeros(0, dtype=np.int64)),
            ValueError,
            r"X must hold at least one sample and one feature",
        ),
        (lambda: numpy_nn.train(*numpy_setup()[1:], epochs=0), ValueError, r"epochs must be a positive int, got 0"),
        (lambda: numpy_nn.train(np.full((4, 2), np.nan), np.zeros(4, dtype=np.int64)), ValueError, r"X must be finite"),
        (
            lambda: numpy_nn.train(*numpy_setup()[1:], max_steps=0),
            ValueError,
            r"max_steps must be a positive int or None",
        ),
    ],
    # --- dlfp.optim.optimizers
    "dlfp.optim.optimizers.SGD": [
        (lambda: optimizers.SGD(nn_params(), lr=0.0), ValueError, r"lr must be positive, got 0\.0"),
        (
            lambda: optimizers.SGD(nn_params(), lr=0.1, momentum=1.0),
            ValueError,
            r"momentum must be in \[0, 1\), got 1\.0",
        ),
    ],
    "dlfp.optim.optimizers.Adam": [
        (
            lambda: optimizers.Adam(nn_params(), betas=(0.9, 1.0)),
            ValueError,
            r"betas\[1\] must be in \[0, 1\), got 1\.0",
        ),
        (
            lambda: optimizers.Adam(nn_params(), betas=("a", 0.9)),
            TypeError,
            r"betas\[0\] must be a real number, got 'a'",
        ),
        (
            lambda: optimizers.Adam(nn_params(), betas=(False, 0.9)),
            TypeError,
            r"betas\[0\] must be a real number, got False",
        ),
        (lambda: optimizers.Adam(nn_params(), weight_decay=-1.0), ValueError, r"weight_decay must be non-negative"),
    ],
    "dlfp.optim.optimizers.AdamW": [
        (lambda: optimizers.AdamW(nn_params(), eps=0.0), ValueError, r"eps must be positive"),
    ],
    # --- dlfp.nn.green
    "dlfp.nn.green.screened_poisson_green": [
        (lambda: green.screened_poisson_green(8, 1.0, -1.0), ValueError, r"kappa must be non-negative, got -1\.0"),
        (lambda: green.screened_poisson_green(1), ValueError, r"n must be an int >= 2, got 1"),
    ],
    "dlfp.nn.green.solve_screened_poisson": [
        (
            lambda: green.solve_screened_poisson(torch.zeros(4, 5)),
            ValueError,
            r"rho must have shape \(\*, n, n\), got \(4, 5\)",
        ),
        (lambda: green.solve_screened_poisson(torch.full((4, 4), NAN)), ValueError, r"rho must be finite"),
    ],
    "dlfp.nn.green.smooth_random_field": [
        (lambda: green.smooth_random_field(8, -1.0), ValueError, r"correlation_length must be non-negative"),
    ],
    # --- dlfp.book.profile: its input is the environment
    "dlfp.book.profile.current_profile": [
        (
            with_env("DLFP_PROFILE", "fast", profile.current_profile),
            ValueError,
            r"DLFP_PROFILE must be one of \('quick', 'full'\), got 'fast'",
        ),
    ],
    "dlfp.book.profile.pick": [
        (
            with_env("DLFP_PROFILE", "fast", lambda: profile.pick(quick=1, full=2)),
            ValueError,
            r"DLFP_PROFILE must be one of",
        ),
    ],
    # --- dlfp.nn.receptive_field
    "dlfp.nn.receptive_field.gradient_support": [
        (
            lambda: receptive_field.gradient_support(nn.Conv2d(1, 1, 3), (8, 8)),
            ValueError,
            r"input_shape must be \(C, H, W\) with positive ints, got \(8, 8\)",
        ),
        (lambda: receptive_field.gradient_support(lambda x: x, (1, 8, 8)), TypeError, r"model must be an nn\.Module"),
    ],
    "dlfp.nn.receptive_field.support_extent": [
        (
            lambda: receptive_field.support_extent(torch.zeros(4, 4)),
            TypeError,
            r"support must have dtype torch\.bool, got torch\.float32",
        ),
        (
            lambda: receptive_field.support_extent(torch.zeros(1, 4, 4, dtype=torch.bool)),
            ValueError,
            r"support must have shape \(H, W\)",
        ),
    ],
    "dlfp.nn.receptive_field.theoretical_receptive_field": [
        (
            lambda: receptive_field.theoretical_receptive_field("conv"),
            TypeError,
            r"model must be an nn\.Module, got 'conv'",
        ),
    ],
    # --- dlfp.book.tables
    "dlfp.book.tables.Equivalent": [
        (lambda: tables.Equivalent(3, "a"), TypeError, r"numpy must be a str or a tuple of str, got int"),
        (lambda: tables.Equivalent("a", " "), ValueError, r"torch must hold at least one expression"),
    ],
    "dlfp.book.tables.same": [
        (
            lambda: tables.same(1.0, 1.0, rtol=-1.0),
            ValueError,
            r"rtol and atol must be non-negative, got rtol=-1\.0",
        ),
    ],
    "dlfp.book.tables.same_distribution": [
        (
            lambda: tables.same_distribution(np.zeros(200), np.zeros(200), sigmas=0),
            ValueError,
            r"sigmas must be positive, got 0",
        ),
        (
            lambda: tables.same_distribution(np.zeros(3), np.zeros(200)),
            ValueError,
            r"samples must have at least 100 elements each, got 3 and 200",
        ),
    ],
    "dlfp.book.tables.check_equivalents": [
        (
            lambda: tables.check_equivalents([tables.Equivalent("a", "a")], 3),
            TypeError,
            r"inputs must be a callable returning a mapping, got int",
        ),
        (lambda: tables.check_equivalents(["a"], dict), TypeError, r"rows\[0\] must be an Equivalent, got str"),
    ],
    "dlfp.book.tables.checked_table": [
        (lambda: tables.checked_table([3], dict), TypeError, r"rows\[0\] must be an Equivalent, got int"),
    ],
    "dlfp.book.tables.markdown_table": [
        (lambda: tables.markdown_table([], []), ValueError, r"header must name at least one column"),
        (
            lambda: tables.markdown_table(["a", "b"], [["x"]]),
            ValueError,
            r"rows\[0\] must have 2 cells like the header, got 1",
        ),
    ],
    "dlfp.book.tables.argument_default": [
        (lambda: tables.argument_default(3, "lr"), TypeError, r"fn must be a callable with a signature, got 3"),
        (
            lambda: tables.argument_default(torch.optim.SGD, 0),
            TypeError,
            r"name must be an argument name \(str\), got 0",
        ),
    ],
    "dlfp.book.tables.argument_cell": [
        (
            lambda: tables.argument_cell("eps", []),
            ValueError,
            r"owners must name at least one callable for 'eps', got none",
        ),
        (
            lambda: tables.argument_cell(None, [nn.LayerNorm]),
            TypeError,
            r"name must be an argument name \(str\), got None",
        ),
    ],
    "dlfp.book.tables.resolve": [
        (
            lambda: tables.resolve("np.zeros"),
            ValueError,
            r"name must start with one of \['torch', 'nn', 'F', 'optim'\]",
        ),
        (lambda: tables.resolve(3), ValueError, r"name must be a dotted name such as 'nn\.ReLU', got 3"),
    ],
    "dlfp.book.tables.api_cell": [
        (
            lambda: tables.api_cell("nn.Softmaxx"),
            ValueError,
            r"nn has no attribute 'Softmaxx' \(looking up 'nn\.Softmaxx'\)",
        ),
        (lambda: tables.api_cell(), ValueError, r"api_cell needs at least one name, got none"),
    ],
    # --- dlfp.tensor.shapes
    "dlfp.tensor.shapes.broadcast_shape": [
        (
            lambda: shapes.broadcast_shape((4, 3), (4,)),
            ValueError,
            r"shapes \[\(4, 3\), \(4,\)\] do not broadcast: dimension -1",
        ),
        (lambda: shapes.broadcast_shape(5), TypeError, r"shapes\[0\] must be a sequence of ints, got 5 \(int\)"),
    ],
    "dlfp.tensor.shapes.conv_output_size": [
        (lambda: shapes.conv_output_size(8, 0), ValueError, r"kernel_size must be a positive int, got 0"),
        (lambda: shapes.conv_output_size(8, 3, padding=-1), ValueError, r"padding must be a non-negative int, got -1"),
    ],
    "dlfp.tensor.shapes.pool_output_size": [
        (lambda: shapes.pool_output_size(8, 2, padding=2), ValueError, r"padding must be at most half of kernel_size"),
        (lambda: shapes.pool_output_size(8, "2"), TypeError, r"kernel_size must be a positive int, got '2' \(str\)"),
        (lambda: shapes.pool_output_size(8, 2, ceil_mode="yes"), TypeError, r"ceil_mode must be a bool, got 'yes'"),
        (lambda: shapes.pool_output_size(2, 3), ValueError, r"kernel spans 3 samples.*the output would be empty"),
    ],
    "dlfp.tensor.shapes.conv_transpose_output_size": [
        (
            lambda: shapes.conv_transpose_output_size(3.0, 3),
            TypeError,
            r"size must be a positive int, got 3\.0 \(float\)",
        ),
        (
            lambda: shapes.conv_transpose_output_size(3, 3, 2, 0, output_padding=2),
            ValueError,
            r"output_padding must be smaller than stride or dilation",
        ),
    ],
    "dlfp.tensor.shapes.check_shape": [
        (
            lambda: shapes.check_shape(torch.zeros(4, 1, 28, 28), (None, 3, 28, 28), "images"),
            ValueError,
            r"images must have shape \(\*, 3, 28, 28\), got \(4, 1, 28, 28\)",
        ),
        (
            lambda: shapes.check_shape(torch.zeros(2), "2"),
            TypeError,
            r"expected must be a sequence of non-negative ints or None",
        ),
    ],
    # --- dlfp.train.amp
    "dlfp.train.amp.autocast_dtype": [
        (
            lambda: amp.autocast_dtype("gpu0"),
            ValueError,
            r"device must be a device string such as .*, got 'gpu0'",
        ),
    ],
    "dlfp.train.amp.make_grad_scaler": [
        (
            lambda: amp.make_grad_scaler("cpu", torch.int32),
            ValueError,
            r"dtype must be None or a floating-point torch\.dtype, got torch\.int32",
        ),
        (
            lambda: amp.make_grad_scaler("gpu0", torch.float16),
            ValueError,
            r"device must be a device string such as",
        ),
    ],
    "dlfp.train.amp.make_train_step": [
        (
            lambda: amp.make_train_step("net", sgd(nn.Linear(1, 1))),
            TypeError,
            r"model must be an nn\.Module, got str",
        ),
        (
            lambda: amp.make_train_step(nn.Linear(1, 1), sgd(nn.Linear(1, 1)), amp_dtype=F64),
            ValueError,
            r"amp_dtype must be None, torch\.float16 or torch\.bfloat16, got torch\.float64",
        ),
    ],
    "dlfp.book.timing.time_interleaved": [
        (
            lambda: timing.time_interleaved({"a": lambda: None}, rounds=0),
            ValueError,
            r"rounds must be an int >= 1, got 0",
        ),
        (
            lambda: timing.time_interleaved({"a": lambda: None}, rounds=1, max_seconds="10"),
            TypeError,
            r"max_seconds must be a real number, got '10' \(str\)",
        ),
        (
            lambda: timing.time_interleaved({}, rounds=1),
            TypeError,
            r"steps must be a non-empty dict of name -> callable",
        ),
        (
            lambda: timing.time_interleaved({"a": lambda: None}, rounds=1, sync="gpu0"),
            ValueError,
            r"sync must be a device string such as .*, got 'gpu0'",
        ),
    ],
    "dlfp.train.compile.compilers_found": [
        (lambda: compile.compilers_found("gcc"), TypeError, r"names must be a sequence of program names .*, got 'gcc'"),
    ],
    "dlfp.train.compile.compile_first_call": [
        (lambda: compile.compile_first_call("net", lambda m: m), TypeError, r"model must be an nn\.Module, got str"),
        (lambda: compile.compile_first_call(nn.Linear(1, 1), None), TypeError, r"run must be callable, got NoneType"),
    ],
    # --- dlfp.nn.functional
    "dlfp.nn.functional.logsumexp": [
        (
            lambda: functional.logsumexp(torch.tensor(1.0)),
            ValueError,
            r"z must have at least 1 dimension, got shape \(\)",
        ),
        (lambda: functional.logsumexp(torch.zeros(3), dim=2), ValueError, r"dim must be an int in \[-1, 0\], got 2"),
    ],
    "dlfp.nn.functional.log_softmax": [
        (lambda: functional.log_softmax(torch.tensor([1, 2])), TypeError, r"z must be a floating-point tensor"),
    ],
    "dlfp.nn.functional.softmax": [
        (lambda: functional.softmax(torch.tensor([NAN, 1.0])), ValueError, r"z must not contain NaN, got 1 NaN entry"),
    ],
    "dlfp.nn.functional.cross_entropy": [
        (
            lambda: functional.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long)),
            ValueError,
            r"logits must hold at least one row",
        ),
        (
            lambda: functional.cross_entropy(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0])),
            TypeError,
            r"targets must be an integer tensor, got dtype torch\.float32",
        ),
        (
            lambda: functional.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 4])),
            ValueError,
            r"targets must lie in \[0, 3\]",
        ),
    ],
    "dlfp.nn.functional.cross_entropy_grad": [
        (
            lambda: functional.cross_entropy_grad(torch.randn(3, 4), torch.tensor([0, 1])),
            ValueError,
            r"targets must have shape \(3,\) to match logits \(3, 4\), got \(2,\)",
        ),
        (
            lambda: functional.cross_entropy_grad(torch.randn(3), torch.tensor([0, 1, 2])),
            ValueError,
            r"logits must have shape \(N, C\), got \(3,\)",
        ),
    ],
    # --- dlfp.train.loop
    "dlfp.train.loop.accuracy": [
        (lambda: loop.accuracy(torch.randn(3, 2), [0, 1, 1]), TypeError, r"targets must be a torch\.Tensor, got list"),
        (
            lambda: loop.accuracy(torch.randn(3, 2), torch.tensor([0, 1])),
            ValueError,
            r"targets must have shape \(3,\)",
        ),
        (
            lambda: loop.accuracy(torch.randn(2, 2), torch.tensor([0, 5])),
            ValueError,
            r"targets must be class indices in \[0, 1\] \(logits has 2 classes\), got 5",
        ),
        (
            lambda: loop.accuracy(torch.zeros(0, 2), torch.zeros(0, dtype=torch.long)),
            ValueError,
            r"logits must hold at least one row",
        ),
    ],
    "dlfp.train.loop.train_one_epoch": [
        (
            lambda: loop.train_one_epoch(
                nn.Linear(1, 1), [(torch.zeros(0, 1), torch.zeros(0, 1))], nn.MSELoss(), sgd(nn.Linear(1, 1))
            ),
            ValueError,
            r"batch 0 inputs must hold at least one sample, got shape \(0, 1\)",
        ),
        (
            lambda: loop.train_one_epoch(nn.Linear(1, 1), [], nn.MSELoss(), sgd(nn.Linear(1, 1)), accumulation_steps=0),
            ValueError,
            r"accumulation_steps must be a positive int, got 0",
        ),
        (
            lambda: loop.train_one_epoch(nn.Linear(1, 1), line_loader(), nn.MSELoss(), "adam"),
            TypeError,
            r"optimizer must be a torch\.optim\.Optimizer",
        ),
        (
            lambda: loop.train_one_epoch(
                nn.Linear(1, 1), [(torch.full((2, 1), NAN), torch.zeros(2, 1))], nn.MSELoss(), sgd(nn.Linear(1, 1))
            ),
            ValueError,
            r"batch 0 inputs must not contain NaN",
        ),
    ],
    "dlfp.train.loop.evaluate": [
        (
            lambda: loop.evaluate(nn.Linear(1, 1), 3, nn.MSELoss()),
            TypeError,
            r"loader must be iterable \(e\.g\. a DataLoader\)",
        ),
        (
            lambda: loop.evaluate(nn.Linear(1, 1), line_loader(), nn.MSELoss(), max_steps=0),
            ValueError,
            r"max_steps must be a positive int or None",
        ),
    ],
    "dlfp.train.loop.fit": [
        (
            lambda: loop.fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 1, metrics={"acc": 1}),
            TypeError,
            r"metrics\['acc'\] must be callable, got 1 \(int\)",
        ),
        (
            lambda: loop.fit(nn.Linear(1, 1), iter(line_loader()), nn.MSELoss(), sgd(nn.Linear(1, 1)), 2),
            TypeError,
            r"train_loader must be re-iterable \(a DataLoader, list or dataset\) to train for epochs=2",
        ),
        (
            lambda: loop.fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 0),
            ValueError,
            r"epochs must be a positive int, got 0",
        ),
        (
            lambda: loop.fit(nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 2, patience=2),
            ValueError,
            r"patience \(early stopping\) needs a val_loader",
        ),
        (
            lambda: loop.fit(
                nn.Linear(1, 1), line_loader(), nn.MSELoss(), sgd(nn.Linear(1, 1)), 2, max_steps_per_epoch=0
            ),
            ValueError,
            r"max_steps_per_epoch must be a positive int or None, got 0",
        ),
    ],
    # --- dlfp._checks: the checks themselves
    "dlfp._checks.tensors.check_same_dtype": [
        (
            lambda: _checks.check_same_dtype(x=torch.zeros(1), W=torch.zeros(1, dtype=F64)),
            TypeError,
            r"x and W must have the same dtype, got x torch\.float32, W torch\.float64",
        ),
    ],
    "dlfp._checks.values.check_seed": [
        (lambda: _checks.check_seed("seed", 2**64), ValueError, r"seed must be an int in \[-2\*\*63, 2\*\*64 - 1\]"),
        (lambda: _checks.check_seed("seed", True), TypeError, r"seed must be an int \(a seed\), got True \(bool\)"),
    ],
    "dlfp._checks.values.describe": [
        (lambda: _checks.describe(1, max_length=0), ValueError, r"max_length must be a positive int, got 0"),
    ],
    "dlfp._checks.values.check_type": [
        (
            lambda: _checks.check_type("model", 3, nn.Module, "an nn.Module"),
            TypeError,
            r"model must be an nn\.Module, got 3 \(int\)",
        ),
    ],
    "dlfp._checks.values.check_floating_dtype": [
        (
            lambda: _checks.check_floating_dtype("dtype", torch.int64),
            TypeError,
            r"dtype must be a floating-point torch\.dtype, got torch\.int64",
        ),
    ],
    "dlfp._checks.values.check_callable": [
        (lambda: _checks.check_callable("fn", 3), TypeError, r"fn must be callable, got 3 \(int\)"),
    ],
    "dlfp._checks.values.check_int": [
        (lambda: _checks.check_int("n", 1.5), TypeError, r"n must be an int, got 1\.5 \(float\)"),
        (lambda: _checks.check_int("n", True), TypeError, r"n must be an int, got True \(bool\)"),
        (lambda: _checks.check_int("n", 0, minimum=1), ValueError, r"n must be a positive int, got 0"),
    ],
    "dlfp._checks.values.check_real": [
        (lambda: _checks.check_real("x", "1.0"), TypeError, r"x must be a real number, got '1\.0' \(str\)"),
        (lambda: _checks.check_real("x", float("inf")), ValueError, r"x must be a finite number, got inf"),
    ],
    "dlfp._checks.values.check_positive": [
        (lambda: _checks.check_positive("lr", 0), ValueError, r"lr must be positive, got 0"),
        (lambda: _checks.check_positive("lr", -1, allow_zero=True), ValueError, r"lr must be non-negative, got -1"),
    ],
    "dlfp._checks.values.check_in_range": [
        (lambda: _checks.check_in_range("p", 2, 0, 1), ValueError, r"p must be in \[0, 1\], got 2"),
    ],
    "dlfp._checks.values.check_choice": [
        (
            lambda: _checks.check_choice("mode", "x", ("a", "b")),
            ValueError,
            r"mode must be 'a' or 'b', got 'x' \(str\)",
        ),
    ],
    "dlfp._checks.tensors.check_tensor": [
        (
            lambda: _checks.check_tensor("x", torch.zeros(3, 28, 28), ndim=4, dims="(N, C, H, W)"),
            ValueError,
            r"x must be a 4-D tensor \(N, C, H, W\), got shape \(3, 28, 28\)",
        ),
        (
            lambda: _checks.check_tensor("x", torch.tensor([1.0, NAN, float("inf")]), finite=True),
            ValueError,
            r"x must be finite, got 2 NaN or infinite entries",
        ),
        (
            lambda: _checks.check_tensor("x", torch.zeros(2), device="meta"),
            ValueError,
            r"x must be on device meta, got cpu",
        ),
    ],
    "dlfp._checks.tensors.check_same_device": [
        (
            lambda: _checks.check_same_device(q=torch.zeros(1), k=torch.zeros(1, device="meta")),
            ValueError,
            r"q and k must be on the same device, got q on cpu, k on meta",
        ),
    ],
    "dlfp._checks.tensors.check_model_input": [
        (
            lambda: _checks.check_model_input("x", torch.zeros(2, 3), nn.Linear(4, 1), shape=("N", 4)),
            ValueError,
            r"x must have shape \(N, 4\), got \(2, 3\)",
        ),
        (
            lambda: _checks.check_model_input("x", torch.zeros(2, 4, device="meta"), nn.Linear(4, 1)),
            ValueError,
            r"x must be on the model's device cpu, got meta",
        ),
    ],
    "dlfp._checks.tensors.check_array": [
        (lambda: _checks.check_array("X", [[1.0]], ndim=2), TypeError, r"X must be a numpy\.ndarray, got list"),
        (
            lambda: _checks.check_array("X", np.zeros(3), ndim=2, dims="(N, D)"),
            ValueError,
            r"X must be a 2-D array \(N, D\), got shape \(3,\)",
        ),
    ],
    "dlfp._checks.tensors.check_shapes": [
        (
            lambda: _checks.check_shapes(x=(torch.ones(8, 3), "N", 3), h=(torch.ones(4, 5), "N", 5)),
            ValueError,
            r"h must have shape \(N, 5\) with N = 8 \(from x\), got \(4, 5\)",
        ),
        (
            lambda: _checks.check_shapes(x=(torch.ones(8, 2), "N", 3)),
            ValueError,
            r"x must have shape \(N, 3\), got \(8, 2\)",
        ),
        (lambda: _checks.check_shapes(x=(torch.ones(8), "N", 3)), ValueError, r"x must be a 2-D tensor"),
        (
            lambda: _checks.check_shapes(nn.Linear(3, 1), x=(torch.ones(8, 3, dtype=F64), "N", 3)),
            TypeError,
            r"x must have the model's dtype torch\.float32, got torch\.float64",
        ),
    ],
    "dlfp._checks.tensors.check_device": [
        (
            lambda: _checks.check_device("device", 3),
            TypeError,
            r"device must be a torch\.device or a device string .*got 3",
        ),
        (
            lambda: _checks.check_device("device", "gpu0"),
            ValueError,
            r"device must be a device string such as .*got 'gpu0'",
        ),
    ],
    "dlfp._checks.values.check_path": [
        (
            lambda: _checks.check_path("path", 3),
            TypeError,
            r"path must be a str or os\.PathLike path, got 3 \(int\)",
        ),
        (
            lambda: _checks.check_path("path", MISSING, must_exist="file"),
            FileNotFoundError,
            r"path must be an existing file",
        ),
    ],
}


def _ids():
    return [f"{name}[{i}]" for name, cases in CASES.items() for i in range(len(cases))]


@pytest.mark.parametrize("call, error, pattern", [case for cases in CASES.values() for case in cases], ids=_ids())
def test_bad_input_gets_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_every_public_entry_point_has_a_bad_input_case():
    public = public_entry_points()
    missing = sorted(set(public) - set(CASES) - EXEMPT)
    assert not missing, f"public entry points without a bad-input case in CASES: {missing}"
    stale = sorted((set(CASES) | EXEMPT) - set(public))
    assert not stale, f"CASES/EXEMPT name things that are not public entry points: {stale}"
    assert not set(CASES) & EXEMPT, "an entry point is both exempt and tested"
    for name in EXEMPT:  # only pure records and exception types may be exempt
        obj = public[name]
        assert inspect.isclass(obj) and (dataclasses.is_dataclass(obj) or issubclass(obj, BaseException)), name


def test_every_model_is_checked_at_construction_and_in_forward():
    # a model whose constructor takes arguments needs a bad constructor call and a bad forward input
    for name, obj in public_entry_points().items():
        if not (inspect.isclass(obj) and issubclass(obj, nn.Module)):
            continue
        own_init = obj.__init__ is not nn.Module.__init__
        takes_arguments = own_init and len(inspect.signature(obj.__init__).parameters) > 1
        assert len(CASES[name]) >= (2 if takes_arguments else 1), name
