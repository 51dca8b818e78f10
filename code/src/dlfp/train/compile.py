"""torch.compile: which compilers this machine has, and what the first call costs.

Taught in: :ref:`ch-ptf-scale`
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

COMPILERS = ("g++", "gcc", "cc")


def compilers_found(names: Sequence[str] = COMPILERS) -> dict[str, str | None]:
    """Where each C/C++ compiler ``torch.compile`` may call on CPU is (``None``: not on ``PATH``).

    ``names`` are the programs looked for, by default :data:`COMPILERS`.

    Raises:
        TypeError: if ``names`` is not a sequence of non-empty strings (one
            string is refused: it would be looked up letter by letter).

    Taught in: :ref:`ch-ptf-scale`
    """
    if isinstance(names, str) or not isinstance(names, Sequence) or not all(isinstance(n, str) and n for n in names):
        raise TypeError(f"names must be a sequence of program names such as ('g++', 'gcc'), got {names!r}")
    return {name: shutil.which(name) for name in names}


def compile_first_call(
    model: nn.Module, run: Callable[[nn.Module], Any], **compile_kwargs: Any
) -> tuple[nn.Module | None, float, str | None]:
    """``torch.compile(model)`` and the time of its first call, ``run(compiled)``.

    The first call traces and compiles (the compile time); the caller times
    later calls separately. Compilation can fail where the backend cannot
    work — no C++ compiler on a CPU machine, an unsupported Python — and that
    failure is returned, not raised, so a page can say so and go on in eager
    mode.

    Returns:
        ``(compiled, seconds, None)`` on success, ``(None, seconds, reason)`` on failure.

    Taught in: :ref:`ch-ptf-scale`
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not callable(run):
        raise TypeError(f"run must be callable, got {type(run).__name__}")
    t0 = time.perf_counter()
    try:
        compiled = torch.compile(model, **compile_kwargs)
        run(compiled)
    except Exception as err:  # noqa: BLE001 - inductor raises many kinds; the reason is reported
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        return None, time.perf_counter() - t0, f"{type(err).__name__}: {first[:200]}"
    return compiled, time.perf_counter() - t0, None
