"""The canonical training loop, written once for every page of the book.

One optimisation step on a mini-batch :math:`B` is

.. math::

    \\theta \\leftarrow \\theta - \\eta\\, \\nabla_\\theta \\frac{1}{|B|} \\sum_{i \\in B} \\ell(f_\\theta(x_i), y_i)

(or the update rule of whichever optimiser is passed). :func:`train_one_epoch`
runs it over a loader, :func:`evaluate` measures a model without changing it,
and :func:`fit` alternates the two with optional early stopping, gradient
accumulation and a learning-rate scheduler. There are no wall-clock bounds:
a quick run is a smaller run (``max_steps``, ``dlfp.pick``), and time limits
belong to the page timeout and the test budget.

Taught in: :ref:`ch-training-loop`, :ref:`gradiens-module-3`
"""

from __future__ import annotations

import collections.abc
import copy
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
            (e.g. ``OneCycleLR``); epoch-wise schedulers belong to :func:`fit`.

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


@dataclass
class History:
    """What :func:`fit` did: per-epoch losses and metrics, and why it stopped.

    Taught in: :ref:`ch-pg-exercises`
    """

    train_loss: list[float] = field(default_factory=list)
    val: list[dict[str, float]] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped: str = "completed"
    seconds: float = 0.0

    @property
    def val_loss(self) -> list[float]:
        return [v["loss"] for v in self.val]

    @property
    def epochs(self) -> int:
        return len(self.train_loss)


def fit(
    model: nn.Module,
    train_loader: Iterable,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    epochs: int,
    *,
    val_loader: Iterable | None = None,
    metrics: dict[str, Metric] | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    patience: int | None = None,
    restore_best: bool = True,
    accumulation_steps: int = 1,
    clip_grad_norm: float | None = None,
    max_steps_per_epoch: int | None = None,
    on_epoch_end: Callable[[int, History], None] | None = None,
) -> History:
    """Train for up to ``epochs`` epochs, evaluating after each one.

    Args:
        scheduler: an epoch-wise scheduler, stepped once per epoch
            (``ReduceLROnPlateau`` is stepped with the validation loss).
        patience: early stopping — stop when the validation loss has not
            improved for this many epochs; needs ``val_loader``. With
            ``restore_best`` the best weights are loaded back at the end.
        max_steps_per_epoch: train at most this many batches per epoch.
        on_epoch_end: called as ``on_epoch_end(epoch, history)``.

    Returns:
        a :class:`History`; ``history.stopped`` says whether the run completed
        or stopped early.

    Raises:
        TypeError: for a one-shot iterator as a loader for more than one epoch
            (it would be empty from the second epoch on), found before the first step.

    Taught in: :ref:`ch-ptf-training`, :ref:`ch-pg-exercises`
    """
    check_int("epochs", epochs, minimum=1)
    _check_common(model, train_loader, loss_fn, "train_loader")
    check_type("optimizer", optimizer, torch.optim.Optimizer, "a torch.optim.Optimizer")
    if val_loader is not None:
        check_type("val_loader", val_loader, Iterable, "iterable (e.g. a DataLoader) or None")
    for name, loader in (("train_loader", train_loader), ("val_loader", val_loader)):
        if epochs > 1 and loader is not None and _is_one_shot(loader):
            raise TypeError(
                f"{name} must be re-iterable (a DataLoader, list or dataset) to train for epochs={epochs}, "
                f"got a one-shot {type(loader).__name__} that would be exhausted after the first epoch"
            )
    check_type("metrics", metrics, (dict, type(None)), "a dict of name -> metric function, or None")
    for name, metric in (metrics or {}).items():
        check_callable(f"metrics[{name!r}]", metric)
    check_int("patience", patience, minimum=0, optional=True)
    check_type("restore_best", restore_best, bool, "a bool")
    if patience is not None and val_loader is None:
        raise ValueError("patience (early stopping) needs a val_loader to watch, got val_loader=None")
    if scheduler is not None and not hasattr(scheduler, "step"):
        raise TypeError(f"scheduler must be an LR scheduler (with .step()), got {describe(scheduler)}")
    check_int("max_steps_per_epoch", max_steps_per_epoch, minimum=1, optional=True)
    if on_epoch_end is not None:
        check_callable("on_epoch_end", on_epoch_end)
    history = History()
    best_loss, best_state = math.inf, None
    start = time.perf_counter()
    for epoch in range(epochs):
        history.learning_rate.append(optimizer.param_groups[0]["lr"])
        history.train_loss.append(
            train_one_epoch(
                model,
                train_loader,
                loss_fn,
                optimizer,
                accumulation_steps=accumulation_steps,
                max_steps=max_steps_per_epoch,
                clip_grad_norm=clip_grad_norm,
            )
        )
        if val_loader is not None:
            result = evaluate(model, val_loader, loss_fn, metrics)
            history.val.append(result)
            if result["loss"] < best_loss:
                best_loss, history.best_epoch = result["loss"], epoch
                if patience is not None and restore_best:
                    best_state = copy.deepcopy(model.state_dict())
        if scheduler is not None:
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(history.val[-1]["loss"] if history.val else history.train_loss[-1])
            else:
                scheduler.step()
        if on_epoch_end is not None:
            on_epoch_end(epoch, history)
        if patience is not None and epoch - history.best_epoch >= patience:
            history.stopped = f"early stopping after epoch {epoch + 1}"
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    history.seconds = time.perf_counter() - start
    return history
