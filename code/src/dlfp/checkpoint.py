"""Checkpoints that survive a crash and resume a run exactly.

A checkpoint is one file holding everything the next epoch depends on:

.. math::

    \\text{state}_k = (\\theta_k,\\; s^{\\text{opt}}_k,\\; s^{\\text{sched}}_k,\\; k,\\;
    r^{\\text{python}}_k,\\; r^{\\text{numpy}}_k,\\; r^{\\text{torch}}_k,\\; r^{\\text{cuda}}_k)

— parameters and buffers, optimiser state (Adam's :math:`m_t, v_t`, step
counts), scheduler state, the epoch counter and the state of every random
number generator (Python, NumPy, torch CPU, every CUDA device, and any
``torch.Generator`` the caller names, e.g. a ``DataLoader``'s). Training is a
deterministic function of this tuple on CPU, so a run stopped after epoch
:math:`k` and resumed from the file reproduces the uninterrupted run bit for bit.

:func:`save_checkpoint` writes to a temporary file in the same directory and
renames it over the target with :func:`os.replace`, which is atomic on POSIX
and Windows: a process killed mid-save leaves the previous checkpoint intact.
:func:`load_checkpoint` reads with ``torch.load(weights_only=True)`` (no
arbitrary code runs from a foreign file) and turns a truncated, foreign or
incomplete file into a :class:`CheckpointError` that says which.

Taught in: Part III, *PyTorch Fundamentals — data, training, checkpoints* (§9).
"""

from __future__ import annotations

import os
import pickle
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from dlfp.validation import check_int, check_path, check_type, describe

FORMAT = "dlfp-checkpoint"
VERSION = 1
REQUIRED = ("format", "version", "epoch", "model", "rng")


class CheckpointError(ValueError):
    """A file that cannot be used as a checkpoint (truncated, foreign, incomplete)."""


def rng_state(generators: dict[str, torch.Generator] | None = None) -> dict[str, Any]:
    """The state of every random number generator a training run draws from.

    Returns a dict of plain Python values and tensors only, so that it can be
    loaded with ``torch.load(weights_only=True)``: ``python`` (``random``),
    ``numpy`` (the legacy global ``np.random`` state), ``torch`` (CPU),
    ``cuda`` (one state per device, empty without CUDA) and ``generators``
    (the named ``torch.Generator`` objects passed in).
    """
    generators = _check_generators(generators)
    version, internal, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": {"version": version, "internal": list(internal), "gauss": gauss},
        "numpy": {
            "name": str(name),
            "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached),
        },
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "generators": {key: g.get_state() for key, g in generators.items()},
    }


def set_rng_state(state: dict[str, Any], generators: dict[str, torch.Generator] | None = None) -> None:
    """Restore what :func:`rng_state` returned (the inverse operation).

    Raises:
        TypeError: if ``generators`` is not a dict of ``torch.Generator``.
        CheckpointError: if ``state`` lacks a generator, or names a generator
            that ``generators`` does not supply.
    """
    generators = _check_generators(generators)
    if not isinstance(state, dict) or not {"python", "numpy", "torch"} <= set(state):
        raise CheckpointError(
            f"state must be an rng state, a dict with keys 'python', 'numpy', 'torch'; got "
            f"{sorted(state) if isinstance(state, dict) else describe(state)}"
        )
    py = state["python"]
    random.setstate((py["version"], tuple(py["internal"]), py["gauss"]))
    npy = state["numpy"]
    np.random.set_state(
        (npy["name"], npy["keys"].numpy().astype(np.uint32), npy["pos"], npy["has_gauss"], npy["cached_gaussian"])
    )
    torch.set_rng_state(state["torch"])
    cuda = state.get("cuda", [])
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda[: torch.cuda.device_count()])
    saved = state.get("generators", {})
    missing = sorted(set(saved) - set(generators))
    if missing:
        raise CheckpointError(f"checkpoint holds generator states {missing} but none were passed in")
    for key, g_state in saved.items():
        generators[key].set_state(g_state)


def save_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    *,
    epoch: int,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any | None = None,
    generators: dict[str, torch.Generator] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write a complete, atomic checkpoint of a training run after ``epoch`` epochs.

    The file appears at ``path`` only once it is complete: it is written to a
    temporary file beside ``path``, flushed and ``fsync``-ed, then renamed
    over ``path`` with :func:`os.replace`. ``extra`` holds anything else to
    keep (losses, metrics) — plain Python values and tensors only.

    Args:
        epoch: number of completed epochs (the loop resumes at ``range(epoch, ...)``).
        generators: named ``torch.Generator`` objects to save too (a
            ``DataLoader``'s ``generator``, a dropout generator...).

    Returns:
        the path written.

    Raises:
        TypeError: if ``path`` is not a path, ``model``/``optimizer``/``scheduler``
            are of the wrong kind, ``extra`` is not a dict or ``epoch`` not an int.
        ValueError: if ``epoch`` is negative.
    """
    path = check_path("path", path)
    _check_states(model, optimizer, scheduler, model_required=True)
    check_int("epoch", epoch, minimum=0)
    check_type("extra", extra, (dict, type(None)), "a dict or None")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "rng": rng_state(generators),
        "extra": dict(extra or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def load_checkpoint(
    path: str | os.PathLike,
    model: nn.Module | None = None,
    *,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: Any | None = None,
    generators: dict[str, torch.Generator] | None = None,
    restore_rng: bool = True,
    map_location: str | torch.device = "cpu",
) -> dict[str, Any]:
    """Read a checkpoint written by :func:`save_checkpoint` and restore it in place.

    Loads into ``model``, ``optimizer`` and ``scheduler`` when given, and, with
    ``restore_rng``, resets every random number generator to its state at the
    save, so the next epoch draws the same shuffles and dropout masks as the
    uninterrupted run. Reading uses ``torch.load(weights_only=True)``.

    Returns:
        the checkpoint dict (``epoch``, ``extra``, the raw states).

    Raises:
        TypeError: if ``path`` is not a path or ``model``/``optimizer``/``scheduler``
            are of the wrong kind.
        FileNotFoundError: if ``path`` does not exist.
        CheckpointError: if the file is truncated, not a PyTorch file, refused
            by the safe unpickler, not a dlfp checkpoint, or lacks a state
            that was asked to be restored (e.g. ``optimizer`` given but none saved).
    """
    path = check_path("path", path)
    _check_states(model, optimizer, scheduler, model_required=False)
    _check_generators(generators)
    if not path.is_file():
        raise FileNotFoundError(f"path must be an existing checkpoint file, got {str(path)!r} (no such file)")
    size = path.stat().st_size
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise CheckpointError(
            f"{path} ({size} bytes) is not a loadable PyTorch checkpoint: the safe unpickler "
            f"(weights_only=True) refused it: {str(err).splitlines()[0]}"
        ) from err
    except Exception as err:  # noqa: BLE001 - the unpickler raises KeyError, EOFError, RuntimeError...
        raise CheckpointError(
            f"{path} ({size} bytes) is truncated or not a PyTorch checkpoint: "
            f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        ) from err
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        found = sorted(ckpt)[:6] if isinstance(ckpt, dict) else type(ckpt).__name__
        raise CheckpointError(
            f"{path} is a PyTorch file but not a {FORMAT} (expected a dict with format={FORMAT!r}; found {found})"
        )
    missing = [key for key in REQUIRED if key not in ckpt]
    if missing:
        raise CheckpointError(f"{path} lacks the entries {missing}")
    if model is not None:
        model.load_state_dict(ckpt["model"])
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is None:
            continue
        if ckpt.get(name) is None:
            raise CheckpointError(f"{path} holds no {name} state, but a {name} was passed to restore")
        obj.load_state_dict(ckpt[name])
    if restore_rng:
        set_rng_state(ckpt["rng"], generators)
    return ckpt


def _check_generators(generators):
    if generators is None:
        return {}
    if not isinstance(generators, dict) or not all(
        isinstance(k, str) and isinstance(g, torch.Generator) for k, g in generators.items()
    ):
        raise TypeError(
            f"generators must be a dict mapping names to torch.Generator objects, got {describe(generators)}"
        )
    return generators


def _check_states(model, optimizer, scheduler, model_required: bool) -> None:
    if model_required or model is not None:
        check_type("model", model, nn.Module, "an nn.Module" if model_required else "an nn.Module or None")
    check_type("optimizer", optimizer, (torch.optim.Optimizer, type(None)), "a torch.optim.Optimizer or None")
    if scheduler is not None and not hasattr(scheduler, "state_dict"):
        raise TypeError(f"scheduler must have a state_dict() (an LR scheduler), got {describe(scheduler)}")
