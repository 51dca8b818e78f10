"""The canonical training loop, written once for every page of the book.

One optimisation step on a mini-batch :math:`B` is

.. math::

    \\theta \\leftarrow \\theta - \\eta\\, \\nabla_\\theta \\frac{1}{|B|} \\sum_{i \\in B} \\ell(f_\\theta(x_i), y_i)

(or the update rule of whichever optimiser is passed). :func:`train_one_epoch`
runs it over a loader and :func:`evaluate` measures a model without changing
it; :func:`dlfp.train.fit.fit` alternates the two. There are no wall-clock
bounds: a quick run is a smaller run (``max_steps``, ``dlfp.pick``), and time
limits belong to the page timeout and the test budget.

Taught in: :ref:`ch-training-loop`, :ref:`gradiens-module-3`
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Iterable

import torch
from torch import nn

from dlfp._checks import (
    check_callable,
    check_int,
    check_positive,
    check_same_device,
    check_tensor,
    check_type,
    describe,
)

Metric = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Fraction of rows whose largest logit is at the target class.

    Shape:
        - logits: :math:`(N, C)`
        - targets: :math:`(N,)`, integer class indices
        - Output: scalar tensor in :math:`[0, 1]`

    Taught in: :ref:`ch-ptf-training`
    """
    check_tensor("logits", logits, shape=("N", "C"))
    check_tensor("targets", targets, shape=(logits.shape[0],), note=f" to match logits {tuple(logits.shape)}")
    check_tensor("targets", targets, integer=True)
    check_same_device(logits=logits, targets=targets)
    if logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(f"logits must hold at least one row and one class, got shape {tuple(logits.shape)}")
    low, high = int(targets.min()), int(targets.max())
    if low < 0 or high >= logits.shape[1]:
        bad = low if low < 0 else high
        raise ValueError(
            f"targets must be class indices in [0, {logits.shape[1] - 1}] (logits has {logits.shape[1]} classes), "
            f"got {bad}"
        )
    return (logits.argmax(dim=1) == targets).float().mean()


def _check_common(model, loader, loss_fn, loader_name: str = "loader") -> None:
    check_type("model", model, nn.Module, "an nn.Module")
    check_type(loader_name, loader, Iterable, "iterable (e.g. a DataLoader)")
    check_callable("loss_fn", loss_fn)


def _batch(batch, index: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """``(inputs, targets)`` of one batch, on ``device``, refusing what would poison training."""
    if not isinstance(batch, tuple | list) or len(batch) != 2:
        raise TypeError(f"each batch must be a pair (inputs, targets), got {describe(batch)} at batch {index}")
    inputs, targets = batch
    for name, t in (("inputs", inputs), ("targets", targets)):
        check_tensor(f"batch {index} {name}", t)
        if t.ndim > 0 and t.shape[0] == 0:
            raise ValueError(f"batch {index} {name} must hold at least one sample, got shape {tuple(t.shape)}")
        if t.is_floating_point():  # a NaN input gives a NaN loss whose origin is lost
            check_tensor(f"batch {index} {name}", t, finite=True, allow_inf=True)
    return inputs.to(device), targets.to(device)


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def train_one_epoch(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    *,
    accumulation_steps: int = 1,
    max_steps: int | None = None,
    clip_grad_norm: float | None = None,
    step_scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> float:
    """Train ``model`` for one pass over ``loader``; return the mean batch loss.

    Each batch is a pair ``(inputs, targets)``, moved to the model's device.
    With ``accumulation_steps = k`` the gradients of ``k`` consecutive batches
    are summed, each loss scaled by :math:`1/k`, before one optimiser step, so
    ``k`` batches of size :math:`b` give the gradient of one batch of size
    :math:`kb` (exactly, for a loss that is a mean over equally sized batches).
    A trailing group of fewer than ``k`` batches is stepped too.

    Args:
        accumulation_steps: batches per optimiser step.
        max_steps: stop after this many batches (a bound for quick runs).
        clip_grad_norm: if set, rescale gradients to at most this total 2-norm.
        step_scheduler: a scheduler stepped after every optimiser step
            (e.g. ``OneCycleLR``); epoch-wise schedulers belong to :func:`dlfp.train.fit.fit`.

    Raises:
        FloatingPointError: if the loss becomes NaN or infinite.
        TypeError, ValueError: for a batch that is not a pair of tensors, or
            holds NaN (found when the batch arrives, not before the loop).

    Taught in: :ref:`ch-training-loop`, :ref:`gradiens-module-3`
    """
    _check_common(model, loader, loss_fn)
    check_type("optimizer", optimizer, torch.optim.Optimizer, "a torch.optim.Optimizer")
    check_int("accumulation_steps", accumulation_steps, minimum=1)
    check_int("max_steps", max_steps, minimum=1, optional=True)
    check_positive("clip_grad_norm", clip_grad_norm, optional=True)
    device = _model_device(model)
    model.train()
    optimizer.zero_grad(set_to_none=True)
    total, batches, pending = 0.0, 0, 0
    for batch in loader:
        if max_steps is not None and batches >= max_steps:
            break
        inputs, targets = _batch(batch, batches, device)
        loss = loss_fn(model(inputs), targets)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"loss became {loss.item()} at batch {batches}")
        (loss / accumulation_steps).backward()
        total += loss.item()
        batches += 1
        pending += 1
        if pending == accumulation_steps:
            _step(model, optimizer, clip_grad_norm, step_scheduler)
            pending = 0
    if pending:
        _step(model, optimizer, clip_grad_norm, step_scheduler)
    if batches == 0:
        raise ValueError(f"loader must yield at least one batch, got none{_exhausted(loader)}")
    return total / batches


def _is_one_shot(loader: Iterable) -> bool:
    """Whether ``loader`` is an iterator (a generator, ``iter(...)``), which a second pass finds empty.

    Asked of its type, not by calling ``iter``: starting an iterator of a ``DataLoader`` draws a
    seed from the global generator, which would change the shuffles of the run being checked.
    """
    return isinstance(loader, collections.abc.Iterator)


def _exhausted(loader: Iterable) -> str:
    if _is_one_shot(loader):
        return (
            f" (it is a one-shot {type(loader).__name__}, exhausted by an earlier pass: "
            "pass a re-iterable DataLoader or list)"
        )
    return ""


def _step(model, optimizer, clip_grad_norm, step_scheduler) -> None:
    if clip_grad_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    if step_scheduler is not None:
        step_scheduler.step()


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: Iterable,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    metrics: dict[str, Metric] | None = None,
    *,
    max_steps: int | None = None,
) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``loader``, in eval mode, without gradients.

    Batch results are weighted by batch size, so the result is the mean over
    samples even when the last batch is smaller. The model's previous
    train/eval mode is restored afterwards.

    With ``max_steps`` only that many batches are evaluated.

    Returns:
        ``{"loss": ..., **{name: ...}}`` as Python floats.


    Taught in: :ref:`ch-ptf-training`, :ref:`ch-cosmonet-val-loss`
    """
    _check_common(model, loader, loss_fn)
    check_type("metrics", metrics, (dict, type(None)), "a dict of name -> metric function, or None")
    for name, metric in (metrics or {}).items():
        check_callable(f"metrics[{name!r}]", metric)
    check_int("max_steps", max_steps, minimum=1, optional=True)
    metrics = metrics or {}
    device = _model_device(model)
    was_training = model.training
    model.eval()
    sums = {"loss": 0.0, **{name: 0.0 for name in metrics}}
    count = 0
    try:
        for step, batch in enumerate(loader):
            if max_steps is not None and step >= max_steps:
                break
            inputs, targets = _batch(batch, step, device)
            outputs = model(inputs)
            n = len(targets)
            sums["loss"] += loss_fn(outputs, targets).item() * n
            for name, metric in metrics.items():
                sums[name] += float(metric(outputs, targets)) * n
            count += n
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError(f"loader must yield at least one sample, got none{_exhausted(loader)}")
    return {name: value / count for name, value in sums.items()}
