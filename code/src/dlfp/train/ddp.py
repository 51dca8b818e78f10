"""Data-parallel training with ``torch.distributed`` and ``DistributedDataParallel``.

Data parallelism runs :math:`W` copies (*replicas*) of one model, one per
process. Each step, process :math:`r` draws its own shard :math:`B_r` of the
global batch :math:`B = B_0 \\cup \\dots \\cup B_{W-1}` (equal sizes
:math:`b = |B|/W`), computes its local gradient, and an *all-reduce* averages
the local gradients so that every replica holds

.. math::

    \\frac{1}{W} \\sum_{r=0}^{W-1} \\nabla_\\theta \\frac{1}{b} \\sum_{i \\in B_r} \\ell_i
    \\;=\\; \\nabla_\\theta \\frac{1}{|B|} \\sum_{i \\in B} \\ell_i ,

the gradient of the mean loss over the *global* batch: one process with batch
:math:`|B|` would compute the same (up to the order of floating-point sums).
Every replica then takes the same optimiser step, so the replicas stay equal.
``DistributedDataParallel`` (DDP) broadcasts rank 0's parameters when it wraps
the model and all-reduces gradients in buckets while backward is still running
(Li et al., 2020).

The pieces live here; ``dlfp.scripts.ddp_train`` is the script ``torchrun`` launches.
The backend is ``nccl`` when each process can have its own CUDA GPU and
``gloo`` (CPU) otherwise (:func:`choose_backend`).

Taught in: :ref:`ch-ptf-scale`
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from dlfp._checks import check_callable, check_int, check_path, check_seed, check_tensor, check_type
from dlfp.book.env import pick_device
from dlfp.train.checkpoint import save_checkpoint

LAUNCH_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK")


def _require_process_group(what: str) -> None:
    if not (dist.is_available() and dist.is_initialized()):
        raise RuntimeError(f"{what} needs an initialised process group (dist.init_process_group)")


def choose_backend(world_size: int, *, cuda_available: bool | None = None, device_count: int | None = None) -> str:
    """The ``torch.distributed`` backend for ``world_size`` processes on this machine.

    ``"nccl"`` (NVIDIA's collective library, GPU to GPU) when CUDA is available,
    NCCL is built in, and there is a GPU for every process
    (``world_size <= device_count``); ``"gloo"`` (CPU tensors over TCP)
    otherwise. ``cuda_available`` defaults to whether :func:`dlfp.pick_device`
    chose CUDA, so ``DLFP_DEVICE=cpu`` keeps a run on the CPU even where a GPU
    exists, and ``device_count`` to what this machine reports; pass them to ask
    about another machine.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_int("world_size", world_size, minimum=1)
    if cuda_available is None:
        cuda_available = pick_device().type == "cuda"  # honours DLFP_DEVICE
    if device_count is None:
        device_count = torch.cuda.device_count() if cuda_available else 0
    check_int("device_count", device_count, minimum=0)
    if cuda_available and dist.is_nccl_available() and world_size <= device_count:
        return "nccl"
    return "gloo"


def device_for(backend: str, local_rank: int) -> torch.device:
    """The device a process computes on: GPU ``local_rank`` with NCCL, the CPU with gloo.

    ``LOCAL_RANK`` (set by ``torchrun``) numbers the processes of one machine
    0, 1, ..., so with one process per GPU it is the GPU's index.

    Taught in: :ref:`ch-ptf-scale`
    """
    if backend not in ("nccl", "gloo"):
        raise ValueError(f"backend must be 'nccl' or 'gloo', got {backend!r}")
    check_int("local_rank", local_rank, minimum=0)
    return torch.device("cuda", local_rank) if backend == "nccl" else torch.device("cpu")


def per_rank_batch(batch_size: int, world_size: int) -> int:
    """Each rank's share :math:`b = |B| / W` of a global batch of ``batch_size`` samples.

    Raises:
        ValueError: if ``world_size`` does not divide ``batch_size`` (the shards
            would differ in size and the mean of the shard means would not be the
            global mean).

    Taught in: :ref:`ch-ptf-scale`
    """
    check_int("batch_size", batch_size, minimum=1)
    check_int("world_size", world_size, minimum=1)
    if batch_size % world_size:
        raise ValueError(f"batch_size must be divisible by world_size={world_size}, got {batch_size}")
    return batch_size // world_size


def epoch_orders(
    n: int, *, world_size: int, rank: int, epochs: int, set_epoch: bool = True, seed: int = 0
) -> list[list[int]]:
    """The indices one rank's ``DistributedSampler`` yields in each of ``epochs`` epochs.

    The sampler shuffles with a generator seeded by ``seed + epoch``, pads the
    permutation to a multiple of ``world_size`` by repeating its start, and
    gives rank :math:`r` the entries :math:`r, r + W, r + 2W, \\dots`. The
    epoch comes from ``sampler.set_epoch(epoch)``; without that call it stays 0
    and every epoch repeats the same order. No process group is needed: the
    sampler is told ``num_replicas`` and ``rank``.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_int("n", n, minimum=1)
    check_int("world_size", world_size, minimum=1)
    check_int("epochs", epochs, minimum=1)
    check_int("rank", rank, minimum=0)
    check_seed("seed", seed)
    if rank >= world_size:
        raise ValueError(f"rank must be in [0, world_size={world_size}), got {rank}")
    sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=True, seed=seed)
    orders = []
    for epoch in range(epochs):
        if set_epoch:
            sampler.set_epoch(epoch)
        orders.append(list(sampler))
    return orders


def flat_grad(model: nn.Module) -> torch.Tensor:
    """All parameter gradients of ``model`` concatenated into one vector (zeros where ``None``).

    Shape:
        - Output: :math:`(P,)`, :math:`P` the number of parameters.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    return torch.cat(
        [(p.grad if p.grad is not None else torch.zeros_like(p)).detach().flatten() for p in model.parameters()]
    )


def ddp_gradients(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn=nn.functional.mse_loss) -> torch.Tensor:
    """The gradient one backward pass leaves in ``model``'s parameters, as a flat copy.

    For a ``DistributedDataParallel`` model it is the all-reduced gradient
    (the average over the ranks of each rank's local gradient on its batch);
    for a plain module it is the gradient of ``loss_fn(model(x), y)`` alone.
    The gradients are cleared before and after, so no optimiser step is taken
    and nothing accumulates.

    Shape:
        - ``x``: :math:`(b, *)`, ``y``: whatever ``loss_fn`` expects.
        - Output: :math:`(P,)`.

    Taught in: :ref:`ch-ptf-scale`
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    check_tensor("x", x, min_ndim=1, dims="(b, *)")
    check_tensor("y", y, min_ndim=1, dims="(b, *)")
    check_callable("loss_fn", loss_fn)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same batch size, got {x.shape[0]} and {y.shape[0]}")
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), y).backward()
    grad = flat_grad(model.module if isinstance(model, DistributedDataParallel) else model).clone()
    model.zero_grad(set_to_none=True)
    return grad


def save_on_rank0(path: str | os.PathLike, model: nn.Module, *, epoch: int, **kwargs: Any) -> bool:
    """Rank 0 writes an atomic checkpoint; every rank then waits at a barrier.

    One file, written once: the replicas are identical, so any one could save,
    and if all did they would race on the same path. ``model`` is the plain
    module (``ddp.module``), so the saved keys carry no ``module.`` prefix and
    load into a model that was never wrapped. The barrier keeps the other
    ranks from going on (or reading the file) before it is complete. Keyword
    arguments go to :func:`dlfp.train.checkpoint.save_checkpoint`.

    Returns:
        whether this rank wrote the file.

    Raises:
        TypeError, ValueError: for a bad ``path``, ``model`` or ``epoch``, on every
            rank (a rank 0 failing alone would leave the others at the barrier).
        RuntimeError: if no process group is initialised.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_path("path", path)
    check_type("model", model, nn.Module, "an nn.Module (the plain module, ddp.module)")
    check_int("epoch", epoch, minimum=0)
    _require_process_group("save_on_rank0")
    wrote = False
    if dist.get_rank() == 0:
        save_checkpoint(path, model, epoch=epoch, **kwargs)
        wrote = True
    dist.barrier()
    return wrote


def torchrun_command(nproc_per_node: int, script_args: Sequence[str] = (), *, python: str | None = None) -> list[str]:
    """The command that launches :func:`main` in ``nproc_per_node`` processes.

    ``python -m torch.distributed.run`` is ``torchrun`` for the interpreter in
    use (any virtual environment, Colab). ``--standalone`` starts a
    rendezvous on a free local port, so several launches can run at once.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_int("nproc_per_node", nproc_per_node, minimum=1)
    if isinstance(script_args, str) or not all(isinstance(a, str) for a in script_args):
        raise TypeError(f"script_args must be a sequence of strings, got {script_args!r}")
    return [
        python or sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc-per-node={nproc_per_node}",
        "-m",
        "dlfp.scripts.ddp_train",
        *script_args,
    ]


def launch_environment() -> tuple[int, int, int]:
    """``(rank, world_size, local_rank)`` from the variables ``torchrun`` sets.

    Raises:
        RuntimeError: if they are missing (the script was not launched by
            ``torchrun``), not integers, or inconsistent.
    """
    missing = [name for name in LAUNCH_VARIABLES if name not in os.environ]
    if missing:
        raise RuntimeError(
            f"dlfp.scripts.ddp_train must be launched by torchrun (python -m torch.distributed.run "
            f"--standalone --nproc-per-node N -m dlfp.scripts.ddp_train ...); missing environment "
            f"variables {missing}"
        )
    values = []
    for name in LAUNCH_VARIABLES:
        try:
            values.append(int(os.environ[name]))
        except ValueError:
            raise RuntimeError(f"{name} must be an integer, got {os.environ[name]!r}") from None
    rank, world_size, local_rank = values
    # a node runs at most WORLD_SIZE processes, so LOCAL_RANK < WORLD_SIZE as well
    if not 0 <= rank < world_size or not 0 <= local_rank < world_size:
        raise RuntimeError(f"inconsistent launch: RANK={rank}, WORLD_SIZE={world_size}, LOCAL_RANK={local_rank}")
    return rank, world_size, local_rank


def check_gradient(
    ddp: DistributedDataParallel, reference: nn.Module, x: torch.Tensor, y: torch.Tensor, mine: torch.Tensor
) -> tuple[dict[str, float], torch.Tensor]:
    """Compare the all-reduced gradient with one process's gradient on the whole global batch.

    Every rank passes the indices ``mine`` of its shard of the first global
    batch and ``reference``, a plain (unwrapped) copy of the model with the
    same parameters. The ranks exchange their indices, and each computes on
    its own, without DDP, the gradient of the mean loss over the union — the
    large batch one process would take — and its local gradient on its shard
    alone. No optimiser step is taken.

    Returns:
        ``(measurements, g_ddp)``: the largest absolute differences
        ``max_abs_diff`` (DDP vs large batch), ``local_vs_allreduced`` (this
        rank's shard gradient vs DDP) and ``rank_spread`` (between the ranks'
        DDP gradients), with ``grad_max_abs`` and ``global_batch`` for scale;
        and the all-reduced gradient itself, shape :math:`(P,)`, on the CPU.

    Raises:
        RuntimeError: if no process group is initialised.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_type("ddp", ddp, DistributedDataParallel, "a DistributedDataParallel model")
    check_type("reference", reference, nn.Module, "an nn.Module (a plain copy of the model)")
    check_tensor("x", x, min_ndim=1, dims="(n, *)")
    check_tensor("y", y, min_ndim=1, dims="(n, *)")
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"y must have one row per row of x ({x.shape[0]}), got {y.shape[0]}")
    check_tensor("mine", mine, ndim=1, dims="(b,)", integer=True)
    _require_process_group("check_gradient")
    device = next(reference.parameters()).device
    g_ddp = ddp_gradients(ddp, x[mine].to(device), y[mine].to(device)).cpu()
    g_local = ddp_gradients(reference, x[mine].to(device), y[mine].to(device)).cpu()
    shards = [None] * dist.get_world_size()
    dist.all_gather_object(shards, (mine.tolist(), g_ddp))
    everyone = torch.tensor([i for indices, _ in shards for i in indices])
    g_big = ddp_gradients(reference, x[everyone].to(device), y[everyone].to(device)).cpu()
    return {
        "global_batch": len(everyone),
        "max_abs_diff": (g_ddp - g_big).abs().max().item(),
        "grad_max_abs": g_big.abs().max().item(),
        "local_vs_allreduced": (g_local - g_ddp).abs().max().item(),
        "rank_spread": max((g - g_ddp).abs().max().item() for _, g in shards),
    }, g_ddp


def time_allreduce(tensor: torch.Tensor, repeats: int = 5) -> list[float]:
    """Seconds each of ``repeats`` all-reduces of a copy of ``tensor`` takes (the communication alone).

    The ranks meet at a barrier before each, so the time is the collective's,
    not a rank's wait for a late partner.

    Raises:
        RuntimeError: if no process group is initialised.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_tensor("tensor", tensor)
    check_int("repeats", repeats, minimum=1)
    _require_process_group("time_allreduce")
    times = []
    for _ in range(repeats):
        buffer = tensor.detach().clone()
        dist.barrier()
        t0 = time.perf_counter()
        dist.all_reduce(buffer)
        if buffer.is_cuda:
            torch.cuda.synchronize(buffer.device)
        times.append(time.perf_counter() - t0)
    return times
