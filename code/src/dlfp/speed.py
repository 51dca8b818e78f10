"""Faster steps on one device: mixed precision (``torch.autocast``) and ``torch.compile``.

**Mixed precision** (Micikevicius et al., 2018) keeps the parameters, the
optimiser state and the gradients in float32 and runs the matrix products of
the forward and backward passes in a 16-bit type. ``torch.autocast`` picks
the type per operation: matrix products in the 16-bit type, reductions and
losses in float32. The two 16-bit types differ in what they give up:

======== ============ ============== ==========================
type     mantissa     exponent       smallest normal number
======== ============ ============== ==========================
float32  23 bits      8 bits         :math:`2^{-126} \\approx 1.2\\times10^{-38}`
bfloat16 7 bits       8 bits         :math:`2^{-126}` (float32's range)
float16  10 bits      5 bits         :math:`2^{-14} \\approx 6.1\\times10^{-5}`
======== ============ ============== ==========================

float16's small range lets gradients underflow to zero, so float16 training
multiplies the loss by a scale :math:`S` (gradients scale by :math:`S` too),
unscales the float32 gradients before the step, skips steps whose gradients
overflowed and adapts :math:`S`: that is ``torch.amp.GradScaler``. bfloat16
has float32's range and needs no scaler. CUDA GPUs use float16 (tensor
cores); CPUs use bfloat16.

**torch.compile** traces the model into a graph and generates fused kernels
(C++/OpenMP on CPU, Triton on GPU): a chain of element-wise operations becomes
one loop over memory instead of one pass per operation. The first call pays
for the compilation; later calls run the compiled code.

Taught in: Part III, *PyTorch Fundamentals VI: Training at Scale*.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from dlfp.validation import check_real

COMPILERS = ("g++", "gcc", "cc")


def autocast_dtype(device: torch.device | str) -> torch.dtype:
    """The 16-bit type mixed precision uses on ``device``: float16 on CUDA, bfloat16 elsewhere.

    Raises:
        ValueError: if ``device`` is not a valid device.
    """
    return torch.float16 if _as_device("device", device).type == "cuda" else torch.bfloat16


def _as_device(name: str, device: object) -> torch.device:
    """``torch.device(device)``, or a ``ValueError`` naming the argument."""
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"{name} must be a torch.device or device string, got {device!r}") from err


def make_grad_scaler(device: torch.device | str, dtype: torch.dtype | None) -> Any | None:
    """A ``GradScaler`` where ``dtype`` needs one (float16), else ``None``.

    Raises:
        ValueError: if ``device`` is not a valid device, or ``dtype`` is not
            ``None`` or a floating-point type.
    """
    device = _as_device("device", device)
    if dtype is not None and not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise ValueError(f"dtype must be None or a floating-point torch.dtype, got {dtype!r}")
    if dtype != torch.float16:
        return None
    return torch.amp.GradScaler(device.type)


def make_train_step(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = nn.functional.mse_loss,
    *,
    amp_dtype: torch.dtype | None = None,
    scaler: Any | None = None,
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """One optimisation step as a function ``step(x, y) -> loss``, optionally in mixed precision.

    With ``amp_dtype`` the forward pass and the loss run under
    ``torch.autocast(device, dtype=amp_dtype)``; backward runs outside it
    (autograd replays each operation in the type its forward used). With a
    ``scaler`` (float16) the loss is multiplied by the scale before backward,
    and ``scaler.step`` unscales the gradients and skips the step if any is
    infinite. The returned loss is detached.

    Shape:
        - ``x``: what ``model`` takes; ``y``: what ``loss_fn`` takes. Output: scalar.

    Raises:
        TypeError: if ``model`` or ``optimizer`` are of the wrong kind.
        ValueError: if ``amp_dtype`` is not a 16-bit float type, or
            ``amp_dtype`` is float16 on CUDA without a ``scaler``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if amp_dtype not in (None, torch.float16, torch.bfloat16):
        raise ValueError(f"amp_dtype must be None, torch.float16 or torch.bfloat16, got {amp_dtype!r}")
    param = next(model.parameters(), None)
    device_type = param.device.type if param is not None else "cpu"
    if amp_dtype == torch.float16 and device_type == "cuda" and scaler is None:
        raise ValueError("amp_dtype=torch.float16 on CUDA needs a GradScaler (scaler=make_grad_scaler(...)), got None")

    def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with torch.autocast(device_type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None):
            loss = loss_fn(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        if scaler is None:
            loss.backward()
            optimizer.step()
        else:
            scaler.scale(loss).backward()  # gradients of S * loss
            scaler.step(optimizer)  # unscale; skip the step on inf/NaN
            scaler.update()  # grow S, or shrink it after an overflow
        return loss.detach()

    return step


def time_interleaved(
    steps: dict[str, Callable[[], Any]],
    *,
    rounds: int,
    max_seconds: float = 10.0,
    warmup: int = 2,
    sync: torch.device | str | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of several step functions, timed in alternation.

    Round :math:`k` calls every function once, starting with a different one
    each round, so that a slow spell of a shared machine (another process,
    frequency changes) falls on all of them alike instead of on whichever ran
    during it. Compare the medians, which a few interrupted calls do not move.
    Stops after ``rounds`` rounds or once ``max_seconds`` have been spent (at
    least one round is timed); ``warmup`` untimed calls of each come first.

    Raises:
        TypeError: if ``steps`` is not a non-empty dict of callables or
            ``max_seconds`` not a number.
        ValueError: if ``rounds`` < 1, ``warmup`` < 0, ``max_seconds`` <= 0
            or ``sync`` is not a valid device.
    """
    if not isinstance(steps, dict) or not steps or not all(callable(f) for f in steps.values()):
        raise TypeError(f"steps must be a non-empty dict of name -> callable, got {steps!r}")
    if not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be an int >= 1, got {rounds!r}")
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0, got {warmup!r}")
    if not check_real("max_seconds", max_seconds, finite=False) > 0:
        raise ValueError(f"max_seconds must be > 0, got {max_seconds!r}")
    cuda = sync is not None and _as_device("sync", sync).type == "cuda"
    names = list(steps)
    for name in names:
        for _ in range(warmup):
            steps[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.perf_counter() + max_seconds
    for k in range(rounds):
        if k and time.perf_counter() > deadline:
            break
        for name in names[k % len(names) :] + names[: k % len(names)]:
            t0 = time.perf_counter()
            steps[name]()
            if cuda:
                torch.cuda.synchronize(sync)
            times[name].append(time.perf_counter() - t0)
    return times


def compilers_found(names: Sequence[str] = COMPILERS) -> dict[str, str | None]:
    """Where each C/C++ compiler ``torch.compile`` may call on CPU is (``None``: not on ``PATH``).

    ``names`` are the programs looked for, by default :data:`COMPILERS`.

    Raises:
        TypeError: if ``names`` is not a sequence of non-empty strings (one
            string is refused: it would be looked up letter by letter).
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

    Raises:
        TypeError: if ``model`` is not an ``nn.Module`` or ``run`` not callable.
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
