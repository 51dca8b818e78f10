"""The data-parallel training script, run by torchrun.

Launched as

.. code-block:: bash

    python -m torch.distributed.run --standalone --nproc-per-node 2 -m dlfp.scripts.ddp_train \\
        --epochs 3 --batch-size 256 --out results.json --checkpoint model.pt

every process runs :func:`main`: it trains :class:`ScaleMLP` on a generated
regression problem with ``DistributedDataParallel``, checks one step's gradient
against a single-process reference, and rank 0 writes the results and the
checkpoint. The pieces are in ``dlfp.train.ddp``.

Taught in: :ref:`ch-ptf-scale`
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from dlfp._checks import check_int, check_seed, check_tensor, check_type
from dlfp.train.atomic import atomic_write
from dlfp.train.ddp import (
    _require_process_group,
    check_gradient,
    choose_backend,
    device_for,
    launch_environment,
    per_rank_batch,
    save_on_rank0,
    time_allreduce,
)


def tanh_gelu(x: torch.Tensor) -> torch.Tensor:
    """GELU in its tanh approximation, written out operation by operation.

    .. math::

        \\mathrm{GELU}(x) \\approx \\tfrac12 x\\Big(1 + \\tanh\\big(\\sqrt{2/\\pi}\\,(x + 0.044715\\,x^3)\\big)\\Big)

    Equal to ``F.gelu(x, approximate="tanh")``. Written as a chain of
    element-wise operations — as custom activations and physics terms often
    are — eager PyTorch runs each as its own kernel, which gives
    ``torch.compile`` something to fuse.

    Shape:
        - Input: any shape. Output: the same shape.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_tensor("x", x, floating=True)
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


class ScaleMLP(nn.Module):
    """A residual MLP, the model of the training-at-scale chapter.

    .. math::

        h_0 = \\mathrm{GELU}(W_0 x + b_0), \\qquad
        h_{k} = h_{k-1} + \\mathrm{GELU}(W_k h_{k-1} + b_k)\\ (k = 1..\\text{depth}), \\qquad
        f(x) = W_{\\text{out}} h_{\\text{depth}} + b_{\\text{out}}

    with :func:`tanh_gelu` as the activation.

    Shape:
        - Input: :math:`(N, \\text{in\\_features})`.
        - Output: :math:`(N, \\text{out\\_features})`.

    Taught in: :ref:`ch-ptf-scale`
    """

    def __init__(self, in_features: int = 16, width: int = 256, depth: int = 2, out_features: int = 1):
        super().__init__()
        for name, value in (("in_features", in_features), ("width", width), ("out_features", out_features)):
            check_int(name, value, minimum=1)
        check_int("depth", depth, minimum=0)
        self.inp = nn.Linear(in_features, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(depth))
        self.out = nn.Linear(width, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_tensor("x", x, shape=("N", self.inp.in_features), floating=True)
        h = tanh_gelu(self.inp(x))
        for layer in self.hidden:
            h = h + tanh_gelu(layer(h))
        return self.out(h)


def make_regression(n: int, in_features: int = 16, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded regression data set, identical in every process that asks for it.

    :math:`x_i \\sim \\mathcal N(0, I)`, :math:`y_i = \\sin(a^\\top x_i) + \\tfrac{1}{4}\\|x_i\\|^2/d`
    with a fixed random direction :math:`a` (:math:`\\|a\\| = 1`).

    Shape:
        - Returns ``X`` :math:`(n, d)` and ``y`` :math:`(n, 1)`, float32.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_int("n", n, minimum=1)
    check_int("in_features", in_features, minimum=1)
    check_seed("seed", seed, minimum=0)
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(in_features, generator=g)
    a = a / a.norm()
    x = torch.randn(n, in_features, generator=g)
    y = torch.sin(x @ a) + 0.25 * (x**2).mean(dim=1)
    return x, y[:, None]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command-line options of :func:`main` (``--help`` lists them)."""
    parser = argparse.ArgumentParser(
        prog="dlfp.scripts.ddp_train", description="Data-parallel training of ScaleMLP (launch with torchrun)."
    )
    parser.add_argument("--epochs", type=int, default=3, help="epochs to train (default 3)")
    parser.add_argument(
        "--batch-size", type=int, default=256, help="global batch size, split evenly over the processes (default 256)"
    )
    parser.add_argument("--max-steps", type=int, default=1000, help="stop after this many steps (default 1000)")
    parser.add_argument("--n-samples", type=int, default=4096, help="size of the data set (default 4096)")
    parser.add_argument("--width", type=int, default=256, help="hidden width of ScaleMLP (default 256)")
    parser.add_argument("--depth", type=int, default=2, help="hidden residual layers (default 2)")
    parser.add_argument("--lr", type=float, default=0.05, help="SGD learning rate (default 0.05)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data, model and sampler (default 0)")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds a collective may wait for the other ranks (default 60)"
    )
    parser.add_argument("--out", type=Path, required=True, help="JSON file rank 0 writes the measurements to")
    parser.add_argument(
        "--checkpoint", type=Path, default=None, help="checkpoint rank 0 writes after every epoch (default: none)"
    )
    parser.add_argument(
        "--grad-out",
        type=Path,
        default=None,
        help="file rank 0 saves the all-reduced gradient of the check to (default: none)",
    )
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "max_steps", "n_samples", "width"):
        value = getattr(args, name)
        if value < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {value}")
    if args.depth < 0:
        parser.error(f"--depth must be >= 0, got {args.depth}")
    for name in ("lr", "timeout"):
        value = getattr(args, name)
        if not (value > 0 and math.isfinite(value)):
            parser.error(f"--{name} must be > 0 and finite, got {value}")
    return args


def train_worker(args: argparse.Namespace, device: torch.device) -> dict[str, Any]:
    """What every rank does once the process group is up; returns its measurements.

    Builds the same data set in every rank and the model with *different*
    random weights per rank (DDP's broadcast from rank 0 must make them
    equal); runs :func:`check_gradient` at the initial parameters; trains
    with SGD on a ``DistributedSampler``'s shards (``set_epoch`` every epoch)
    for ``args.epochs`` epochs or ``args.max_steps`` steps, timing every step
    and epoch; checkpoints from rank 0 after every epoch
    (:func:`save_on_rank0`); and times a gradient-sized all-reduce alone.

    Raises:
        RuntimeError: if no process group is initialised.

    Taught in: :ref:`ch-ptf-scale`
    """
    check_type("args", args, argparse.Namespace, "an argparse.Namespace (from parse_args)")
    check_type("device", device, torch.device, "a torch.device (from device_for)")
    _require_process_group("train_worker")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    per_rank = per_rank_batch(args.batch_size, world_size)
    x, y = make_regression(args.n_samples, seed=args.seed)
    dataset = TensorDataset(x, y)
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=args.seed)
    loader = DataLoader(dataset, batch_size=per_rank, sampler=sampler)  # no shuffle=: the sampler shuffles

    torch.manual_seed(args.seed + 1 + rank)
    model = ScaleMLP(x.shape[1], args.width, args.depth).to(device)
    ddp = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)

    reference = ScaleMLP(x.shape[1], args.width, args.depth).to(device)
    reference.load_state_dict(model.state_dict())  # rank 0's weights, after DDP's broadcast
    sampler.set_epoch(0)
    grad_check, g_ddp = check_gradient(ddp, reference, x, y, torch.tensor(list(sampler)[:per_rank]))
    if rank == 0 and args.grad_out is not None:
        atomic_write(args.grad_out, lambda f: torch.save(g_ddp, f))

    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr)
    steps, orders, epoch_times, step_times, losses, wrote = 0, [], [], [], [], []
    for epoch in range(args.epochs):
        if steps >= args.max_steps:
            break
        sampler.set_epoch(epoch)  # a new shuffle each epoch, the same one in every rank
        orders.append(list(sampler))
        start = time.perf_counter()
        for xb, yb in loader:
            if steps >= args.max_steps:
                break
            t0 = time.perf_counter()
            loss = nn.functional.mse_loss(ddp(xb.to(device)), yb.to(device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()  # DDP all-reduces the gradients during backward
            optimizer.step()
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            step_times.append(time.perf_counter() - t0)
            steps += 1
        epoch_times.append(time.perf_counter() - start)
        with torch.no_grad():
            losses.append(nn.functional.mse_loss(model(x.to(device)), y.to(device)).item())
        if args.checkpoint is not None:
            wrote.append(
                save_on_rank0(
                    args.checkpoint,
                    model,
                    epoch=epoch + 1,
                    optimizer=optimizer,
                    extra={"loss": losses[-1], "world_size": world_size, "backend": dist.get_backend()},
                )
            )
    params = torch.cat([p.detach().flatten() for p in model.parameters()])
    return {
        "rank": rank,
        "per_rank_batch": per_rank,
        "steps": steps,
        "epoch_times": epoch_times,
        "step_times": step_times,
        "losses": losses,
        "orders": orders,
        "wrote_checkpoint": wrote,
        "grad_check": grad_check,
        "allreduce_times": time_allreduce(params),
        "params": params.cpu(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Train ScaleMLP data-parallel in every process ``torchrun`` started; rank 0 writes JSON.

    Each rank measures its own steps and epochs; the records are gathered to
    rank 0, which writes them (atomically) to ``--out`` with the gradient
    check and the spread of the final parameters across ranks (0 when the
    replicas stayed in step).

    Taught in: :ref:`ch-ptf-scale`
    """
    args = parse_args(argv)
    rank, world_size, local_rank = launch_environment()
    backend = choose_backend(world_size)
    device = device_for(backend, local_rank)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend, timeout=timedelta(seconds=args.timeout))
    try:
        record = train_worker(args, device)
        records = [None] * world_size
        dist.all_gather_object(records, record)
        if rank == 0:
            params = [r.pop("params") for r in records]
            result = {
                "world_size": world_size,
                "backend": backend,
                "device": str(device),
                "threads_per_process": torch.get_num_threads(),
                "torch": torch.__version__,
                "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                "grad_check": records[0]["grad_check"],
                "param_spread": max((p - params[0]).abs().max().item() for p in params),
                "ranks": records,
            }
            atomic_write(args.out, lambda f: json.dump(result, f), text=True)
        dist.barrier()
    finally:
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
