"""Argument checks shared by every public entry point of ``dlfp``.

Each check either returns (the value, sometimes normalised: ``check_int``
returns an ``int``, ``check_positive`` a ``float``) or raises an error whose
message has one form,

    ``<name> must be <what was expected>, got <what came>``

for example ``x must be a 4-D tensor (N, C, H, W), got shape (3, 28, 28)``.
The error type says which kind of mistake it was:

* :class:`TypeError` — the wrong kind of object (a list for a tensor, a
  float for an int, an integer tensor where floating point is needed);
* :class:`ValueError` — the right kind of object with a wrong value (a rank,
  a shape, a device, a NaN, a number out of range, an unknown option).

A function calls the checks at its top, before any work, so that a mistake
is reported in the caller's terms and not as a shape error deep inside a
matrix product. Importing this module does no I/O.

Private: not a topic of the book. Every public entry point of the subject
packages validates its arguments with these checks (DESIGN.md §3).
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ShapeSpec = Sequence[int | str | None]


def describe(value: object, max_length: int = 60) -> str:
    """A short description of ``value`` for the "got ..." part of a message.

    Scalars and strings whose ``repr`` has at most ``max_length`` characters
    are shown with their type (``1.5 (float)``), tensors and arrays by dtype
    and shape, anything else by its type name.

    Raises:
        TypeError, ValueError: if ``max_length`` is not a positive int.
    """
    check_int("max_length", max_length, minimum=1)
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    if value is None or isinstance(value, (bool, numbers.Number, str, bytes)):
        text = repr(value)
        if len(text) <= max_length:
            return text if value is None else f"{text} ({type(value).__name__})"
    return type(value).__name__


def _format_shape(shape: ShapeSpec) -> str:
    """``(B, 1, 28, 28)`` from ``("B", 1, 28, 28)``; ``None`` entries show as ``*``."""
    parts = ["*" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _join(items: Sequence[str]) -> str:
    """``'a'``, ``'a' or 'b'``, ``one of 'a', 'b' or 'c'``."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return "one of " + ", ".join(items[:-1]) + f" or {items[-1]}"


def check_type(name: str, value: object, types: type | tuple[type, ...], expected: str) -> Any:
    """Raise ``TypeError`` unless ``isinstance(value, types)``.

    ``expected`` is the phrase for the message, e.g. ``"an nn.Module"``.
    """
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    return value


def check_floating_dtype(name: str, value: object) -> torch.dtype:
    """Raise ``TypeError`` unless ``value`` is a floating-point ``torch.dtype`` (an argument such as ``dtype=``)."""
    if not isinstance(value, torch.dtype) or not value.is_floating_point:
        raise TypeError(f"{name} must be a floating-point torch.dtype, got {describe(value)}")
    return value


def check_callable(name: str, value: object) -> Callable:
    """Raise ``TypeError`` unless ``value`` is callable."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {describe(value)}")
    return value


def check_int(
    name: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    optional: bool = False,
) -> int | None:
    """Return ``value`` as an ``int`` after checking that it is an integer in range.

    ``bool`` is refused (``True`` is not a size); NumPy integers are accepted.
    With ``optional=True``, ``None`` is accepted and returned.

    Raises:
        TypeError: if ``value`` is not an integer.
        ValueError: if it lies outside ``[minimum, maximum]``.
    """
    if minimum == 1 and maximum is None:
        expected = "a positive int"
    elif minimum == 0 and maximum is None:
        expected = "a non-negative int"
    elif minimum is not None and maximum is not None:
        expected = f"an int in [{minimum}, {maximum}]"
    elif minimum is not None:
        expected = f"an int >= {minimum}"
    elif maximum is not None:
        expected = f"an int <= {maximum}"
    else:
        expected = "an int"
    if optional:
        if value is None:
            return None
        expected += " or None"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {expected}, got {describe(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


SEED_MIN, SEED_MAX = -(2**63), 2**64 - 1  # what torch.manual_seed and torch.Generator.manual_seed take


def check_seed(name: str, value: object, *, minimum: int = SEED_MIN) -> int:
    """Return ``value`` as an ``int`` after checking that ``torch.manual_seed`` takes it.

    PyTorch seeds are 64-bit: from :math:`-2^{63}` to :math:`2^{64} - 1`;
    ``minimum=0`` refuses negative seeds too (NumPy's generators need that).

    Raises:
        TypeError: if ``value`` is not an integer (``bool`` included).
        ValueError: if it lies outside that range.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int (a seed), got {describe(value)}")
    value = int(value)
    if not minimum <= value <= SEED_MAX:
        low = "0" if minimum == 0 else ("-2**63" if minimum == SEED_MIN else str(minimum))
        raise ValueError(
            f"{name} must be an int in [{low}, 2**64 - 1] (the 64-bit seeds torch.manual_seed takes), got {value}"
        )
    return value


def check_real(name: str, value: object, *, finite: bool = True, optional: bool = False) -> float | None:
    """Return ``value`` as a ``float`` after checking that it is a real number (finite by default).

    Python and NumPy numbers and one-element tensors are accepted; ``bool``
    and strings are refused. With ``optional=True``, ``None`` is returned as is.

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if ``finite`` and ``value`` is NaN or infinite.
    """
    if optional and value is None:
        return None
    if isinstance(value, (bool, str, bytes)) or isinstance(value, complex):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"{name} must be a real number, got {describe(value)}") from None
    if finite and not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {number}")
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, got nan")
    return number


def check_positive(
    name: str, value: object, *, allow_zero: bool = False, finite: bool = True, optional: bool = False
) -> float | None:
    """Return ``value`` as a ``float`` after checking that it is a positive real number.

    With ``allow_zero=True`` zero is accepted too (non-negative); with
    ``finite=False`` so is ``+inf`` (e.g. "no time bound").

    Raises:
        TypeError: if ``value`` is not a real number.
        ValueError: if it is negative, zero (unless allowed), NaN or infinite (unless allowed).
    """
    if optional and value is None:
        return None
    number = check_real(name, value, finite=finite)
    if number < 0 or (number == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}, got {value!r}")
    return number


def check_in_range(
    name: str,
    value: object,
    low: float,
    high: float,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
) -> float:
    """Return ``value`` as a ``float`` after checking that it lies in the interval from ``low`` to ``high``.

    The message shows the interval in the usual notation, e.g. ``dropout must
    be in [0, 1), got 1.5``.
    """
    number = check_real(name, value)
    above = number >= low if low_closed else number > low
    below = number <= high if high_closed else number < high
    if not (above and below):
        interval = f"{'[' if low_closed else '('}{low:g}, {high:g}{']' if high_closed else ')'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return number


def check_choice(name: str, value: object, choices: Iterable[object]) -> Any:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    choices = list(choices)
    try:
        ok = value in choices
    except TypeError:  # an unhashable value against dict keys, say
        ok = False
    if not ok:
        raise ValueError(f"{name} must be {_join([repr(c) for c in choices])}, got {describe(value)}")
    return value


def check_device(name: str, value: object) -> torch.device:
    """``torch.device(value)`` for a device or a device string, else an error naming ``name``."""
    if not isinstance(value, (str, torch.device)):
        raise TypeError(f"{name} must be a torch.device or a device string such as 'cpu', got {describe(value)}")
    try:
        return torch.device(value)
    except RuntimeError as err:
        raise ValueError(f"{name} must be a device string such as 'cpu', 'cuda' or 'mps', got {value!r}") from err


def _device_matches(actual: torch.device, expected: torch.device) -> bool:
    return actual.type == expected.type and (
        actual.index is None or expected.index is None or actual.index == expected.index
    )


def check_tensor(
    name: str,
    value: object,
    *,
    ndim: int | None = None,
    min_ndim: int | None = None,
    shape: ShapeSpec | None = None,
    dims: str | None = None,
    dtype: torch.dtype | Sequence[torch.dtype] | None = None,
    floating: bool = False,
    integer: bool = False,
    device: torch.device | str | None = None,
    finite: bool = False,
    allow_inf: bool = False,
    note: str = "",
) -> torch.Tensor:
    """Check that ``value`` is a tensor of the expected rank, shape, dtype and device.

    Args:
        name: the argument's name, as the caller spells it.
        ndim: required number of dimensions; ``dims`` names them for the
            message, e.g. ``"(N, C, H, W)"``.
        min_ndim: required least number of dimensions.
        shape: required shape; an entry may be an int (that size), a string
            (any size, shown by that name) or ``None`` (any size, shown ``*``).
        dtype: a dtype, or several, that the tensor must have.
        floating: require a floating-point dtype. ``integer``: an integer dtype.
        device: the device the tensor must be on (``"cuda"`` matches any CUDA index).
        finite: reject NaN and infinite entries (only NaN with ``allow_inf=True``).
        note: words added after the expectation, e.g. ``" to match logits (4, 3)"``.

    Returns:
        ``value``, unchanged.

    Raises:
        TypeError: if ``value`` is not a tensor or has the wrong dtype.
        ValueError: for a wrong rank, shape or device, or non-finite entries.
    """
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {describe(value)}")
    actual = tuple(value.shape)
    if shape is not None:
        shape = tuple(shape)
        if len(actual) != len(shape) or any(
            isinstance(s, int) and not isinstance(s, bool) and s != a for s, a in zip(shape, actual)
        ):
            raise ValueError(f"{name} must have shape {_format_shape(shape)}{note}, got {actual}")
    if ndim is not None and value.ndim != ndim:
        label = f" {dims}" if dims else ""
        raise ValueError(f"{name} must be a {ndim}-D tensor{label}{note}, got shape {actual}")
    if min_ndim is not None and value.ndim < min_ndim:
        label = f" {dims}" if dims else ""
        plural = "" if min_ndim == 1 else "s"
        raise ValueError(f"{name} must have at least {min_ndim} dimension{plural}{label}{note}, got shape {actual}")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if integer and (value.is_floating_point() or value.is_complex() or value.dtype == torch.bool):
        raise TypeError(f"{name} must be an integer tensor, got dtype {value.dtype}")
    if dtype is not None:
        allowed = (dtype,) if isinstance(dtype, torch.dtype) else tuple(dtype)
        if value.dtype not in allowed:
            raise TypeError(f"{name} must have dtype {_join([str(d) for d in allowed])}, got {value.dtype}")
    if device is not None and not _device_matches(value.device, torch.device(device)):
        raise ValueError(f"{name} must be on device {torch.device(device)}, got {value.device}")
    # a finite sum proves every entry finite, and is far cheaper than a mask; count only if it is not
    # (a tensor on the "meta" device has no values to check)
    if (
        finite
        and value.device.type != "meta"
        and (value.is_floating_point() or value.is_complex())
        and not torch.isfinite(value.detach().sum())
    ):
        bad = torch.isnan(value) if allow_inf else ~torch.isfinite(value)
        count = int(bad.sum())
        if count:
            what = "NaN" if allow_inf else "NaN or infinite"
            plural = "y" if count == 1 else "ies"
            raise ValueError(
                f"{name} must {'not contain NaN' if allow_inf else 'be finite'}, "
                f"got {count} {what} entr{plural} (shape {actual})"
            )
    return value


def check_same_device(**tensors: torch.Tensor) -> torch.device:
    """Raise ``ValueError`` unless every tensor is on one device; return that device.

    Example::

        check_same_device(q=q, k=k, v=v)
        # ValueError: q, k and v must be on the same device, got q on cpu, k on cuda:0, v on cpu
    """
    return _check_same(tensors, "device", ValueError, "be on the same device", " on ")


def check_same_dtype(**tensors: torch.Tensor) -> torch.dtype:
    """Raise ``TypeError`` unless every tensor has one dtype; return that dtype.

    Example::

        check_same_dtype(x=x, W=W)
        # TypeError: x and W must have the same dtype, got x torch.float32, W torch.float64
    """
    return _check_same(tensors, "dtype", TypeError, "have the same dtype", " ")


def _check_same(tensors: dict[str, torch.Tensor], attribute: str, error: type, must: str, joiner: str):
    """The one value of ``attribute`` that every tensor shares, else ``error`` naming each tensor's."""
    values = {name: getattr(t, attribute) for name, t in tensors.items()}
    first = next(iter(values.values()))
    if any(v != first for v in values.values()):
        names = list(values)
        listed = ", ".join(f"{n}{joiner}{v}" for n, v in values.items())
        together = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
        raise error(f"{together} must {must}, got {listed}")
    return first


def check_model_input(
    name: str,
    value: object,
    model: nn.Module,
    *,
    shape: ShapeSpec | None = None,
    ndim: int | None = None,
    min_ndim: int | None = None,
    dims: str | None = None,
    nonempty: Sequence[int] = (),
) -> torch.Tensor:
    """The input check of a model's ``forward``: shape, and the model's own dtype and device.

    ``nonempty`` lists dimensions that must have size at least 1 (a sequence
    length, say), named in the message by their entry in ``shape``.

    The dtype and device are those of the model's first parameter (skipped
    for a model without parameters). The dtype check is skipped inside
    ``torch.autocast``, where activations legitimately have a lower precision
    than the weights.

    Raises:
        TypeError: if ``value`` is not a floating-point tensor of the model's dtype.
        ValueError: for a wrong shape or a device other than the model's.
    """
    check_tensor(name, value, shape=shape, ndim=ndim, min_ndim=min_ndim, dims=dims, floating=True)
    for dim in nonempty:
        if value.shape[dim] == 0:
            label = shape[dim] if shape is not None and isinstance(shape[dim], str) else f"dimension {dim}"
            raise ValueError(f"{name} must have {label} >= 1 (not empty), got shape {tuple(value.shape)}")
    param = next(model.parameters(), None)
    if param is not None:
        if not _device_matches(value.device, param.device):
            raise ValueError(f"{name} must be on the model's device {param.device}, got {value.device}")
        if value.dtype != param.dtype and not _autocast_enabled(value.device.type):
            raise TypeError(
                f"{name} must have the model's dtype {param.dtype}, got {value.dtype} "
                f"(convert with .to({param.dtype}) or the model with .to({value.dtype}))"
            )
    return value


def _autocast_enabled(device_type: str) -> bool:
    try:
        return bool(torch.is_autocast_enabled(device_type))
    except (RuntimeError, TypeError):  # a device type autocast does not know, or an older torch
        return False


def check_array(
    name: str,
    value: object,
    *,
    ndim: int | None = None,
    dims: str | None = None,
    integer: bool = False,
    finite: bool = False,
) -> np.ndarray:
    """Check that ``value`` is a NumPy array of the expected rank (and integer, or finite).

    Raises:
        TypeError: if ``value`` is not an ndarray, or not integer when ``integer``.
        ValueError: for a wrong rank or non-finite entries.
    """
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {describe(value)}")
    if ndim is not None and value.ndim != ndim:
        label = f" {dims}" if dims else ""
        raise ValueError(f"{name} must be a {ndim}-D array{label}, got shape {value.shape}")
    if integer and not np.issubdtype(value.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {value.dtype}")
    if finite and np.issubdtype(value.dtype, np.inexact):
        count = int((~np.isfinite(value)).sum())
        if count:
            raise ValueError(f"{name} must be finite, got {count} NaN or infinite entries (shape {value.shape})")
    return value


def check_path(name: str, value: object, *, must_exist: str | None = None) -> Path:
    """Return ``value`` as a :class:`~pathlib.Path` after checking its type and, optionally, existence.

    Args:
        must_exist: ``"file"`` or ``"dir"`` to require an existing file or directory.

    Raises:
        TypeError: if ``value`` is not a ``str`` or ``os.PathLike``.
        FileNotFoundError: if the file or directory required does not exist.
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike path, got {describe(value)}")
    path = Path(value)
    if must_exist == "file" and not path.is_file():
        raise FileNotFoundError(f"{name} must be an existing file, got {str(path)!r} (no such file)")
    if must_exist == "dir" and not path.is_dir():
        raise FileNotFoundError(f"{name} must be an existing directory, got {str(path)!r} (no such directory)")
    return path
