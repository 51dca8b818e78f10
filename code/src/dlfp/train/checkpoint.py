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

:func:`save_checkpoint` writes through :func:`dlfp.train.atomic.atomic_write`
(a temporary file renamed over the target): a process killed mid-save leaves
the previous checkpoint intact.
:func:`load_checkpoint` reads with ``torch.load(weights_only=True)`` (no
arbitrary code runs from a foreign file) and turns a truncated, foreign or
incomplete file into a :class:`CheckpointError` that says which.

Two rules keep work from being lost. A save that could not be loaded back
never succeeds: :func:`save_checkpoint` refuses, before writing, anything
the safe unpickler would refuse (a NumPy scalar or array, a dataclass, any
other object), naming its place (``extra['loss']``), and reads the finished
temporary file back with the safe unpickler before the rename. And a load
that does not fit changes nothing: :func:`load_checkpoint` checks every
entry, the model's keys and shapes and the optimiser's parameter groups
before it loads any of them, so a mismatch leaves model, optimiser and
random generators as they were.

Taught in: :ref:`ch-ptf-checkpoints`
"""

from __future__ import annotations

import collections
import dataclasses
import os
import pickle
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from dlfp._checks import check_int, check_path, check_type, describe
from dlfp.train.atomic import atomic_write

FORMAT = "dlfp-checkpoint"
VERSION = 1
REQUIRED = ("format", "version", "epoch", "model", "rng")
# what torch.load(weights_only=True) reads back (checked by test_checkpoint.py against torch itself)
_SAFE_LEAVES = (type(None), bool, int, float, complex, str, bytes, torch.dtype, torch.device, torch.Size)
_SAFE_CONTAINERS = (dict, collections.OrderedDict, list, tuple, set)


class CheckpointError(ValueError):
    """A file that cannot be used as a checkpoint (truncated, foreign, incomplete).

    Taught in: :ref:`ch-ptf-checkpoints`
    """


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

    The whole state is checked before any generator is changed, so a bad
    state leaves every generator as it was. States loaded onto a GPU (a
    checkpoint read with ``map_location="cuda"``) are moved back to the CPU.

    Raises:
        CheckpointError: if ``state`` lacks a generator or an entry of one,
            or names a generator that ``generators`` does not supply.

    Taught in: :ref:`ch-ptf-checkpoints`
    """
    generators = _check_generators(generators)
    _check_rng(state, "state")
    saved = state.get("generators", {})
    missing = sorted(set(saved) - set(generators))
    if missing:
        raise CheckpointError(f"checkpoint holds generator states {missing} but none were passed in")
    py = state["python"]
    random.setstate((py["version"], tuple(py["internal"]), py["gauss"]))
    npy = state["numpy"]
    np.random.set_state(
        (npy["name"], npy["keys"].cpu().numpy().astype(np.uint32), npy["pos"], npy["has_gauss"], npy["cached_gaussian"])
    )
    torch.set_rng_state(state["torch"].cpu())
    cuda = state.get("cuda", [])
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in cuda[: torch.cuda.device_count()]])
    for key, g_state in saved.items():
        generators[key].set_state(g_state.cpu())


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

    The file appears at ``path`` only once it is complete and loads back: it
    is written to a temporary file beside ``path``, flushed, ``fsync``-ed and
    read back with ``torch.load(weights_only=True)``, then renamed over
    ``path`` with :func:`os.replace`. ``extra`` holds anything else to keep
    (losses, metrics) — plain Python values, tensors, and dicts, lists and
    tuples of them; anything else is refused before a byte is written. A
    replaced file keeps its permissions; a new one gets those of the umask.
    Temporary files that an earlier, killed save of ``path`` left behind are
    removed.

    Args:
        epoch: number of completed epochs (the loop resumes at ``range(epoch, ...)``).
        generators: named ``torch.Generator`` objects to save too (a
            ``DataLoader``'s ``generator``, a dropout generator...).

    Returns:
        the path written.

    Raises:
        TypeError: if a value (e.g. ``extra['loss']`` a ``numpy.float64``) would
            not load back with ``torch.load(weights_only=True)``; nothing is written.

    Taught in: :ref:`ch-ptf-checkpoints`
    """
    path = check_path("path", path)
    _check_states(model, optimizer, scheduler, model_required=True)
    check_int("epoch", epoch, minimum=0)
    check_type("extra", extra, (dict, type(None)), "a dict or None")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": int(epoch),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "rng": rng_state(generators),
        "extra": dict(extra or {}),
    }
    for key in ("extra", "model", "optimizer", "scheduler"):
        _check_loadable(payload[key], key)
    return atomic_write(path, lambda f: torch.save(payload, f), verify=_verify_loads_back)


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
    uninterrupted run. Reading uses ``torch.load(weights_only=True)``. Every
    entry, and its fit to ``model`` (keys and shapes) and ``optimizer``
    (parameter groups), is checked before anything is restored: an error
    leaves model, optimiser, scheduler and generators unchanged.

    Returns:
        the checkpoint dict (``epoch``, ``extra``, the raw states).

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        CheckpointError: if the file is truncated, not a PyTorch file, refused
            by the safe unpickler, not a dlfp checkpoint, of another format
            version, has a malformed entry, does not fit ``model`` or
            ``optimizer``, or lacks a state that was asked to be restored
            (e.g. ``optimizer`` given but none saved).

    Taught in: :ref:`ch-ptf-checkpoints`
    """
    path = check_path("path", path)
    _check_states(model, optimizer, scheduler, model_required=False)
    _check_generators(generators)
    _check_map_location(map_location)
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
    _check_contents(ckpt, path)
    if model is not None:
        _check_fits_model(ckpt["model"], model, path)
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is not None and ckpt.get(name) is None:
            raise CheckpointError(f"{path} holds no {name} state, but a {name} was passed to restore")
    if optimizer is not None:
        _check_fits_optimizer(ckpt["optimizer"], optimizer, path)
    if restore_rng:
        missing = sorted(set(ckpt["rng"].get("generators", {})) - set(generators or {}))
        if missing:
            raise CheckpointError(f"checkpoint holds generator states {missing} but none were passed in")
    # everything checked: from here on nothing is expected to fail
    if model is not None:
        model.load_state_dict(ckpt["model"])
    if optimizer is not None:
        optimizer.load_state_dict(ckpt["optimizer"])
    if scheduler is not None:
        scheduler.load_state_dict(ckpt["scheduler"])
    if restore_rng:
        set_rng_state(ckpt["rng"], generators)
    return ckpt


def _type_name(value: object) -> str:
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _hint(value: object) -> str:
    if isinstance(value, np.generic):
        return " (convert with .item())"
    if isinstance(value, np.ndarray):
        return " (convert with torch.from_numpy(...))"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " (convert with dataclasses.asdict(...))"
    return ""


def _check_loadable(value: object, where: str) -> None:
    """Raise ``TypeError`` naming ``where`` unless ``torch.load(weights_only=True)`` reads ``value`` back."""
    kind = type(value)
    if kind in _SAFE_LEAVES or isinstance(value, torch.Tensor):
        return
    if kind in _SAFE_CONTAINERS:
        if isinstance(value, dict):
            for key, item in value.items():
                _check_loadable(key, f"{where} key {key!r}")
                _check_loadable(item, f"{where}[{key!r}]")
        else:
            for i, item in enumerate(value):
                _check_loadable(item, f"{where}[{i}]")
        return
    raise TypeError(
        f"{where} must be a plain Python value (None, bool, int, float, str), a tensor, or a dict, list or "
        f"tuple of them, so that torch.load(weights_only=True) can read the checkpoint back; "
        f"got {_type_name(value)}{_hint(value)}"
    )


def _verify_loads_back(tmp: str) -> None:
    """Read the written file with the safe unpickler (memory-mapped, so cheap); raise if it refuses."""
    try:
        torch.load(tmp, map_location="cpu", weights_only=True, mmap=True)
    except pickle.UnpicklingError as err:
        raise TypeError(
            "the checkpoint would not load back with torch.load(weights_only=True), so it was not saved: "
            f"{str(err).splitlines()[0]}"
        ) from err


def _check_map_location(map_location: object) -> None:
    if map_location is None or isinstance(map_location, dict) or callable(map_location):
        return
    expected = "a device such as 'cpu' or 'cuda:0', a torch.device, a dict or a callable (as torch.load takes)"
    if not isinstance(map_location, (str, torch.device)):
        raise TypeError(f"map_location must be {expected}, got {describe(map_location)}")
    try:
        device = torch.device(map_location)
    except (RuntimeError, ValueError):
        raise ValueError(f"map_location must be {expected}, got {describe(map_location)}") from None
    if device.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ValueError(f"map_location must be a device this machine has, got {device} (no CUDA device)")
        if device.index is not None and device.index >= count:
            raise ValueError(
                f"map_location must be a device this machine has, got {device} ({count} CUDA device(s), "
                f"indices 0..{count - 1})"
            )


def _check_contents(ckpt: object, path: Path) -> None:
    """Raise ``CheckpointError`` unless ``ckpt`` has every entry of a checkpoint, each of the right kind."""
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        found = sorted(map(str, ckpt))[:6] if isinstance(ckpt, dict) else type(ckpt).__name__
        raise CheckpointError(
            f"{path} is a PyTorch file but not a {FORMAT} (expected a dict with format={FORMAT!r}; found {found})"
        )
    missing = [key for key in REQUIRED if key not in ckpt]
    if missing:
        raise CheckpointError(f"{path} lacks the entries {missing}")
    version = ckpt["version"]
    if type(version) is not int or version != VERSION:
        raise CheckpointError(
            f"{path} has format version {version!r}, but this dlfp reads version {VERSION} "
            "(written by another dlfp release?)"
        )
    epoch = ckpt["epoch"]
    if type(epoch) is not int or epoch < 0:
        raise CheckpointError(f"{path}: entry 'epoch' must be a non-negative int, got {describe(epoch)}")
    model = ckpt["model"]
    if not isinstance(model, dict):
        raise CheckpointError(f"{path}: entry 'model' must be a state dict (a dict), got {describe(model)}")
    for key, value in model.items():
        extra_state = isinstance(key, str) and key.endswith("_extra_state")  # a module's get_extra_state()
        if not isinstance(key, str) or not (isinstance(value, torch.Tensor) or extra_state):
            raise CheckpointError(
                f"{path}: entry 'model' must map names to tensors, got {describe(key)} -> {describe(value)}"
            )
    for name in ("optimizer", "scheduler", "extra"):
        value = ckpt.get(name)
        if value is not None and not isinstance(value, dict):
            raise CheckpointError(f"{path}: entry {name!r} must be a dict or None, got {describe(value)}")
    optimizer = ckpt.get("optimizer")
    if optimizer is not None and not (
        isinstance(optimizer.get("state"), dict) and isinstance(optimizer.get("param_groups"), list)
    ):
        raise CheckpointError(f"{path}: entry 'optimizer' must have 'state' (a dict) and 'param_groups' (a list)")
    try:
        _check_rng(ckpt["rng"], "rng")
    except CheckpointError as err:
        raise CheckpointError(f"{path}: {err}") from None


# each generator's state: entry -> (types, what the message says)
_RNG_ENTRIES = {
    "python": {
        "version": (int, "an int"),
        "internal": ((list, tuple), "a list"),
        "gauss": ((float, type(None)), "a float or None"),
    },
    "numpy": {
        "name": (str, "a str"),
        "keys": (torch.Tensor, "a tensor"),
        "pos": (int, "an int"),
        "has_gauss": (int, "an int"),
        "cached_gaussian": (float, "a float"),
    },
}


def _check_rng(state: object, where: str) -> None:
    """Raise ``CheckpointError`` naming the entry unless ``state`` is what :func:`rng_state` returns."""
    if not isinstance(state, dict) or not {"python", "numpy", "torch"} <= set(state):
        raise CheckpointError(
            f"{where} must be an rng state, a dict with keys 'python', 'numpy', 'torch'; got "
            f"{sorted(map(str, state)) if isinstance(state, dict) else describe(state)}"
        )
    for part, entries in _RNG_ENTRIES.items():
        sub = state[part]
        if not isinstance(sub, dict):
            raise CheckpointError(f"{where}[{part!r}] must be a dict, got {describe(sub)}")
        for key, (types, expected) in entries.items():
            if key not in sub:
                raise CheckpointError(f"{where}[{part!r}] lacks the entry {key!r}")
            if not isinstance(sub[key], types) or isinstance(sub[key], bool):
                raise CheckpointError(f"{where}[{part!r}][{key!r}] must be {expected}, got {describe(sub[key])}")
    if not isinstance(state["torch"], torch.Tensor) or state["torch"].dtype != torch.uint8:
        raise CheckpointError(f"{where}['torch'] must be a uint8 tensor, got {describe(state['torch'])}")
    cuda = state.get("cuda", [])
    if not isinstance(cuda, (list, tuple)) or not all(isinstance(t, torch.Tensor) for t in cuda):
        raise CheckpointError(f"{where}['cuda'] must be a list of tensors, got {describe(cuda)}")
    gens = state.get("generators", {})
    if not isinstance(gens, dict) or not all(isinstance(t, torch.Tensor) for t in gens.values()):
        raise CheckpointError(f"{where}['generators'] must be a dict of tensors, got {describe(gens)}")


def _check_fits_model(state: dict[str, torch.Tensor], model: nn.Module, path: Path) -> None:
    """Raise ``CheckpointError`` listing every key and shape of ``state`` that ``model`` does not have."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    tensors = [k for k in own if k in state and isinstance(own[k], torch.Tensor) and isinstance(state[k], torch.Tensor)]
    shapes = [
        f"{k}: checkpoint {tuple(state[k].shape)}, model {tuple(own[k].shape)}"
        for k in tensors
        if tuple(state[k].shape) != tuple(own[k].shape)
    ]
    complex_ = [k for k in tensors if state[k].is_complex() and not own[k].is_complex()]
    problems = []
    if missing:
        problems.append(f"missing from the checkpoint: {_few(missing)}")
    if unexpected:
        problems.append(f"not in the model: {_few(unexpected)}")
    if shapes:
        problems.append(f"shapes differ: {_few(shapes)}")
    if complex_:
        problems.append(f"complex in the checkpoint, real in the model: {_few(complex_)}")
    if problems:
        raise CheckpointError(
            f"{path} does not fit model ({type(model).__name__}), which is left unchanged: " + "; ".join(problems)
        )


def _check_fits_optimizer(state: dict[str, Any], optimizer: torch.optim.Optimizer, path: Path) -> None:
    saved = [len(g.get("params", [])) if isinstance(g, dict) else None for g in state["param_groups"]]
    own = [len(g["params"]) for g in optimizer.param_groups]
    if saved != own:
        raise CheckpointError(
            f"{path} does not fit optimizer ({type(optimizer).__name__}), which is left unchanged: "
            f"the checkpoint's parameter groups hold {saved} parameters, the optimizer's {own}"
        )


def _few(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(i) if ":" not in i else i for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


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
