"""Argument checks shared by every public entry point of ``dlfp``.

    values.py    types, ints, reals, ranges, choices, seeds, paths, callables
    tensors.py   rank, shape (named dimensions shared across arguments), dtype, device

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
matrix product. Importing this package does no I/O.

Private: not a topic of the book. Every public entry point of the subject
packages validates its arguments with these checks (DESIGN.md §3).
"""

from dlfp._checks.tensors import (
    check_array,
    check_device,
    check_model_input,
    check_same_device,
    check_same_dtype,
    check_shapes,
    check_tensor,
)
from dlfp._checks.values import (
    check_callable,
    check_choice,
    check_floating_dtype,
    check_in_range,
    check_int,
    check_path,
    check_positive,
    check_real,
    check_seed,
    check_type,
    describe,
)

__all__ = [
    "check_array",
    "check_callable",
    "check_choice",
    "check_device",
    "check_floating_dtype",
    "check_in_range",
    "check_int",
    "check_model_input",
    "check_path",
    "check_positive",
    "check_real",
    "check_same_device",
    "check_same_dtype",
    "check_seed",
    "check_shapes",
    "check_tensor",
    "check_type",
    "describe",
]
