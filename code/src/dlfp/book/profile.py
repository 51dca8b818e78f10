"""Quick and full hyper-parameter profiles (DESIGN.md §5).

Every page executes in one of two profiles, chosen by the environment
variable ``DLFP_PROFILE``:

* ``full`` — the sources' own hyper-parameters (epochs, data sizes);
* ``quick`` — shrunk so that the whole book executes within its budget on
  two CPU cores.

When ``DLFP_PROFILE`` is unset the profile is ``full`` if a CUDA GPU is
present and ``quick`` otherwise. A page shows both values where it uses
them, ``epochs = pick(quick=3, full=50)``, so a reader sees what the full
run would do.

Taught in: :ref:`app-execution`
"""

from __future__ import annotations

import os
from typing import TypeVar

import torch

PROFILES = ("quick", "full")
ENV_VAR = "DLFP_PROFILE"

T = TypeVar("T")


def current_profile() -> str:
    """Return the active profile, ``"quick"`` or ``"full"``.

    Raises:
        ValueError: if ``DLFP_PROFILE`` is set to anything else.
    """
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if not value:
        return "full" if torch.cuda.is_available() else "quick"
    if value not in PROFILES:
        raise ValueError(f"{ENV_VAR} must be one of {PROFILES}, got {os.environ[ENV_VAR]!r}")
    return value


def pick(*, quick: T, full: T) -> T:
    """Return ``quick`` or ``full`` according to :func:`current_profile`.

    Both values are keyword-only so that a page always shows both::

        epochs = pick(quick=3, full=50)
    """
    return full if current_profile() == "full" else quick
