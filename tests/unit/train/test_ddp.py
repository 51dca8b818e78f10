"""dlfp.train.ddp: a real two-process gloo launch, and input validation."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
from torch import nn

import dlfp
from dlfp.scripts.ddp_train import ScaleMLP, make_regression, parse_args, tanh_gelu
from dlfp.train import ddp
from dlfp.train.checkpoint import load_checkpoint
from dlfp.train.ddp import (
    choose_backend,
    ddp_gradients,
    device_for,
    epoch_orders,
    flat_grad,
    launch_environment,
    per_rank_batch,
    save_on_rank0,
    torchrun_command,
)
from tests.unit.bad_input import MISSING, launched

ARGS = dict(epochs=2, batch_size=32, n_samples=128, width=32, depth=1, max_steps=20, seed=0)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One launch of two gloo processes on the CPU, tiny sizes, bounded by a timeout."""
    work = tmp_path_factory.mktemp("ddp")
    args = [f"--{k.replace('_', '-')}={v}" for k, v in ARGS.items()]
    args += [
        f"--out={work / 'out.json'}",
        f"--checkpoint={work / 'ckpt' / 'model.pt'}",
        f"--grad-out={work / 'grad.pt'}",
        "--timeout=60",
    ]
    src = str(Path(dlfp.__file__).parents[1])
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p),
    }
    proc = subprocess.run(torchrun_command(2, args), env=env, timeout=120, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work, json.loads((work / "out.json").read_text())


def test_backend_is_gloo_on_cpu(run):
    _, result = run
    assert result["world_size"] == 2
    assert result["backend"] == choose_backend(2)
    if not torch.cuda.is_available():
        assert result["backend"] == "gloo" and result["device"] == "cpu"


def test_allreduced_gradient_equals_single_process_large_batch(run):
    work, result = run
    check = result["grad_check"]
    assert check["global_batch"] == ARGS["batch_size"]
    assert check["max_abs_diff"] < 1e-6
    assert check["rank_spread"] == 0.0
    assert check["local_vs_allreduced"] > 1e-4  # each rank's own gradient differs from the average
    # Independently, in this process: rank 0's initial weights (seed + 1), the union of both
    # ranks' first shards of epoch 0, one backward pass on the whole global batch.
    torch.manual_seed(ARGS["seed"] + 1)
    model = ScaleMLP(16, ARGS["width"], ARGS["depth"])
    per_rank = ARGS["batch_size"] // 2
    batch = [i for r in range(2) for i in epoch_orders(ARGS["n_samples"], world_size=2, rank=r, epochs=1)[0][:per_rank]]
    x, y = make_regression(ARGS["n_samples"], seed=ARGS["seed"])
    g_big = ddp_gradients(model, x[batch], y[batch])
    g_ddp = torch.load(work / "grad.pt", weights_only=True)
    assert g_ddp.shape == g_big.shape
    assert (g_ddp - g_big).abs().max().item() < 1e-6


def test_replicas_stay_identical(run):
    _, result = run
    assert result["param_spread"] == 0.0
    assert result["ranks"][0]["losses"] == result["ranks"][1]["losses"]


def test_sampler_shards_are_disjoint_cover_and_reshuffle(run):
    _, result = run
    n = ARGS["n_samples"]
    r0, r1 = result["ranks"]
    assert len(r0["orders"]) == ARGS["epochs"]
    for a, b in zip(r0["orders"], r1["orders"]):
        assert set(a).isdisjoint(b) and set(a) | set(b) == set(range(n))
        assert len(a) == len(b) == n // 2
    assert r0["orders"][0] != r0["orders"][1]  # set_epoch changed the shuffle


def test_only_rank0_wrote_the_checkpoint(run):
    work, result = run
    r0, r1 = result["ranks"]
    assert r0["wrote_checkpoint"] == [True] * ARGS["epochs"]
    assert r1["wrote_checkpoint"] == [False] * ARGS["epochs"]
    assert sorted(p.name for p in (work / "ckpt").iterdir()) == ["model.pt"]
    model = ScaleMLP(16, ARGS["width"], ARGS["depth"])
    ckpt = load_checkpoint(work / "ckpt" / "model.pt", model, restore_rng=False)
    assert ckpt["epoch"] == ARGS["epochs"] and ckpt["extra"]["world_size"] == 2
    x, y = make_regression(ARGS["n_samples"], seed=ARGS["seed"])
    with torch.no_grad():
        loss = nn.functional.mse_loss(model(x), y).item()
    assert loss == pytest.approx(ckpt["extra"]["loss"], rel=1e-5)


def test_steps_bounded(run):
    _, result = run
    steps_per_epoch = ARGS["n_samples"] // ARGS["batch_size"]
    assert result["ranks"][0]["steps"] == min(ARGS["max_steps"], ARGS["epochs"] * steps_per_epoch)
    assert len(result["ranks"][0]["step_times"]) == result["ranks"][0]["steps"]


def test_choose_backend():
    assert choose_backend(2, cuda_available=False, device_count=0) == "gloo"
    assert choose_backend(4, cuda_available=True, device_count=2) == "gloo"
    nccl = "nccl" if dist.is_nccl_available() else "gloo"
    assert choose_backend(2, cuda_available=True, device_count=2) == nccl
    assert choose_backend(1, cuda_available=True, device_count=8) == nccl
    with pytest.raises(ValueError, match="world_size must be a positive int, got 0"):
        choose_backend(0)
    with pytest.raises(TypeError, match="world_size must be a positive int, got"):
        choose_backend("2")
    with pytest.raises(ValueError, match="device_count"):
        choose_backend(2, cuda_available=True, device_count=-1)


def test_device_for():
    assert device_for("gloo", 3) == torch.device("cpu")
    assert device_for("nccl", 3) == torch.device("cuda", 3)
    with pytest.raises(ValueError, match="backend must be 'nccl' or 'gloo', got 'mpi'"):
        device_for("mpi", 0)
    with pytest.raises(ValueError, match="local_rank"):
        device_for("gloo", -1)


def test_epoch_orders_and_set_epoch():
    without = epoch_orders(20, world_size=2, rank=1, epochs=3, set_epoch=False)
    with_set = epoch_orders(20, world_size=2, rank=1, epochs=3)
    assert without[0] == without[1] == without[2] == with_set[0]
    assert with_set[1] != with_set[0]
    with pytest.raises(ValueError, match=r"rank must be in \[0, world_size=2\), got 2"):
        epoch_orders(20, world_size=2, rank=2, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        epoch_orders(20, world_size=2, rank=0, epochs=0)


def test_per_rank_batch():
    assert per_rank_batch(256, 4) == 64
    with pytest.raises(ValueError, match="batch_size must be divisible by world_size=3, got 256"):
        per_rank_batch(256, 3)
    with pytest.raises(TypeError, match="batch_size must be a positive int, got"):
        per_rank_batch(2.0, 1)


def test_torchrun_command():
    cmd = torchrun_command(2, ["--epochs", "1"])
    assert cmd[0] == sys.executable and cmd[1:3] == ["-m", "torch.distributed.run"]
    assert "--standalone" in cmd and "--nproc-per-node=2" in cmd
    assert cmd[-3:] == ["dlfp.scripts.ddp_train", "--epochs", "1"]
    with pytest.raises(ValueError, match="nproc_per_node"):
        torchrun_command(0)
    with pytest.raises(TypeError, match="script_args must be a sequence of strings"):
        torchrun_command(1, "--epochs 1")


def test_parse_args_rejects_bad_values(capsys):
    args = parse_args(["--out", "x.json", "--epochs", "2"])
    assert args.epochs == 2 and args.checkpoint is None and args.timeout == 60.0
    for bad, message in (
        (["--epochs", "0"], "--epochs must be >= 1, got 0"),
        (["--max-steps", "-1"], "--max-steps must be >= 1, got -1"),
        (["--timeout", "0"], "--timeout must be > 0"),
        ([], "--out"),
    ):
        with pytest.raises(SystemExit):
            parse_args((["--out", "x.json"] if bad else []) + bad)
        assert message in capsys.readouterr().err


def test_launch_environment(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="must be launched by torchrun"):
        launch_environment()
    monkeypatch.setenv("RANK", "2")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "0")
    with pytest.raises(RuntimeError, match="inconsistent launch: RANK=2, WORLD_SIZE=2"):
        launch_environment()
    monkeypatch.setenv("RANK", "1")
    assert launch_environment() == (1, 2, 0)


def test_save_on_rank0_needs_a_process_group(tmp_path):
    with pytest.raises(RuntimeError, match="initialised process group"):
        save_on_rank0(tmp_path / "m.pt", nn.Linear(2, 2), epoch=1)
    assert not list(tmp_path.iterdir())


def test_model_data_and_gradients():
    x = torch.linspace(-4, 4, 101)
    torch.testing.assert_close(tanh_gelu(x), nn.functional.gelu(x, approximate="tanh"))
    model = ScaleMLP(4, 8, 2, 3)
    assert model(torch.zeros(5, 4)).shape == (5, 3)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 4\), got \(5, 3\)"):
        model(torch.zeros(5, 3))
    with pytest.raises(ValueError, match="width"):
        ScaleMLP(4, 0)
    xa, ya = make_regression(10, 4, seed=3)
    xb, yb = make_regression(10, 4, seed=3)
    assert xa.shape == (10, 4) and ya.shape == (10, 1) and torch.equal(xa, xb) and torch.equal(ya, yb)
    with pytest.raises(ValueError, match="n must be a positive int, got 0"):
        make_regression(0)
    model = ScaleMLP(4, 8, 1)
    g = ddp_gradients(model, xa, ya[:, :1].expand(10, 1))
    assert g.shape == (sum(p.numel() for p in model.parameters()),)
    assert all(p.grad is None for p in model.parameters())  # nothing left behind
    assert torch.equal(flat_grad(model), torch.zeros_like(g))
    with pytest.raises(ValueError, match="same batch size, got 10 and 9"):
        ddp_gradients(model, xa, ya[:9])


@pytest.mark.parametrize(
    ("rank", "world", "local", "match"),
    [
        ("0", "2", "5", r"inconsistent launch: RANK=0, WORLD_SIZE=2, LOCAL_RANK=5"),
        ("-1", "2", "0", r"inconsistent launch: RANK=-1"),
        ("0", "0", "0", r"inconsistent launch: RANK=0, WORLD_SIZE=0"),
        (" ", "2", "0", r"RANK must be an integer, got ' '"),
        ("0", "2.0", "0", r"WORLD_SIZE must be an integer, got '2\.0'"),
    ],
)
def test_launch_variables_that_no_torchrun_sets_are_refused(monkeypatch, rank, world, local, match):
    monkeypatch.setenv("RANK", rank)
    monkeypatch.setenv("WORLD_SIZE", world)
    monkeypatch.setenv("LOCAL_RANK", local)
    with pytest.raises(RuntimeError, match=match):
        launch_environment()


def test_dlfp_device_cpu_keeps_ddp_on_the_cpu_where_a_gpu_exists(monkeypatch):
    # the downloads test (a GPU reported, DLFP_DEVICE=cpu) found the 1-process script choosing NCCL on cuda:0
    from dlfp.train.ddp import choose_backend

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.distributed, "is_nccl_available", lambda: True)
    monkeypatch.setenv("DLFP_DEVICE", "cpu")
    assert choose_backend(1) == "gloo"
    monkeypatch.setenv("DLFP_DEVICE", "cuda")
    assert choose_backend(1) == "nccl"


# Each public object of dlfp.train.ddp, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
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
}
