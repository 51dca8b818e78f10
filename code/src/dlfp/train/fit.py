"""Training for many epochs: :func:`fit` alternates a training pass and an evaluation.

Each epoch is one :func:`dlfp.train.loop.train_one_epoch` and, given a
validation loader, one :func:`dlfp.train.loop.evaluate`; around them come
optional early stopping (with the best weights restored), gradient
accumulation and a learning-rate scheduler. :class:`History` records what
happened.

Taught in: :ref:`ch-ptf-training`, :ref:`ch-pg-exercises`
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import torch
from torch import nn

from dlfp._checks import check_callable, check_int, check_type, describe
from dlfp.train.loop import Metric, _check_common, _is_one_shot, evaluate, train_one_epoch


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
