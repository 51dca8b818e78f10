"""Device choice, seeding and the one-line execution banner.

Taught in: :ref:`ch-tensor` (§1.4, device management)
"""

from __future__ import annotations

import os
import platform
import random
from datetime import UTC, datetime

import numpy as np
import torch

from dlfp._checks import check_device, check_seed, describe
from dlfp.book.profile import current_profile

DEVICE_ENV_VAR = "DLFP_DEVICE"


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def pick_device(prefer: str | None = None) -> torch.device:
    """Return the best available device: CUDA, then Apple's MPS, then CPU.

    Args:
        prefer: a device string (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``)
            that overrides the automatic choice. When ``None``, the environment
            variable ``DLFP_DEVICE`` is used if set.

    Raises:
        TypeError: if ``prefer`` is neither a string nor a ``torch.device``.
        ValueError: if the preferred device is not a valid device string.
        RuntimeError: if the preferred device is not available on this machine
            (``cuda:7`` with fewer than eight GPUs included).
    """
    if prefer is not None and not isinstance(prefer, (str, torch.device)):
        raise TypeError(f"prefer must be a device string such as 'cpu', 'cuda' or 'mps', got {describe(prefer)}")
    source = "prefer" if prefer is not None else DEVICE_ENV_VAR
    prefer = prefer if prefer is not None else os.environ.get(DEVICE_ENV_VAR, "").strip() or None  # blank = unset
    if prefer is not None:
        try:
            device = torch.device(prefer)
        except RuntimeError as err:
            raise ValueError(
                f"{source} must be a device string such as 'cpu', 'cuda' or 'mps', got {prefer!r}"
            ) from err
        available = {
            "cpu": True,
            "cuda": torch.cuda.is_available(),
            "mps": _mps_available(),
        }.get(device.type, False)
        if not available:
            raise RuntimeError(
                f"{source} must name an available device, got {str(prefer)!r}: device {str(prefer)!r} "
                f"was requested but is not available here"
            )
        if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
            count = torch.cuda.device_count()
            raise RuntimeError(
                f"{source} must name an available device, got {str(prefer)!r}: this machine has {count} "
                f"CUDA device(s), so the index must be below {count}"
            )
        return device
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python's, NumPy's and PyTorch's global generators (all devices).

    Returns a fresh ``torch.Generator`` seeded with ``seed`` for code that
    prefers an explicit generator to the global one.

    Raises:
        TypeError: if ``seed`` is not an ``int``.
        ValueError: if ``seed`` is negative or not below :math:`2^{64}` (torch's seeds are 64-bit).
    """
    seed = check_seed("seed", seed, minimum=0)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def _cpu_model() -> str:
    try:  # Linux names the CPU model here; other systems fall back to the architecture
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def as_generator(seed: int | torch.Generator | None = 0) -> torch.Generator:
    """A ``torch.Generator`` for ``seed``: an int (``None`` means 0) is turned into a
    freshly seeded CPU generator, a generator is returned as it is.

    Raises:
        TypeError: if ``seed`` is neither an int nor a ``torch.Generator``.
        ValueError: if the int is not a 64-bit seed (:math:`-2^{63}` to :math:`2^{64} - 1`).
    """
    if isinstance(seed, torch.Generator):
        return seed
    if seed is None:
        seed = 0
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int or a torch.Generator, got {describe(seed)}")
    return torch.Generator().manual_seed(check_seed("seed", seed))


def device_name(device: torch.device | str) -> str:
    """A human-readable name for ``device``: the GPU model, or the CPU model and thread count.

    Raises:
        TypeError, ValueError: if ``device`` is not a device or a valid device string.
    """
    device = check_device("device", device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple silicon GPU (MPS)"
    return f"{_cpu_model()}, {torch.get_num_threads()} threads"


def banner(device: torch.device | str | None = None) -> str:
    """The one line every page prints first: where and how it was executed.

    Example::

        executed 2026-11-23 10:00 UTC · cpu (x86_64 CPU, 2 threads) · profile quick · torch 2.14.1

    Raises:
        TypeError, ValueError: if ``device`` is not a device or a valid device string.
    """
    device = pick_device() if device is None else check_device("device", device)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"executed {when} · {device.type} ({device_name(device)}) · "
        f"profile {current_profile()} · torch {torch.__version__}"
    )
