"""Checks of plain values: types, ints, reals, ranges, choices, seeds, paths, callables."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch


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


def check_positive(name: str, value: object, *, allow_zero: bool = False, optional: bool = False) -> float | None:
    """Return ``value`` as a ``float`` after checking that it is a finite positive real number
    (with ``allow_zero=True``: non-negative)."""
    if optional and value is None:
        return None
    number = check_real(name, value)
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
