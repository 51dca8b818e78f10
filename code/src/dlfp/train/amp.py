"""Mixed precision (``torch.autocast``): a training step in a 16-bit type.

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

Taught in: :ref:`ch-ptf-scale`
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from dlfp._checks import check_device


def autocast_dtype(device: torch.device | str) -> torch.dtype:
    """The 16-bit type mixed precision uses on ``device``: float16 on CUDA, bfloat16 elsewhere.

    Taught in: :ref:`ch-ptf-scale`
    """
    return torch.float16 if check_device("device", device).type == "cuda" else torch.bfloat16


def make_grad_scaler(device: torch.device | str, dtype: torch.dtype | None) -> Any | None:
    """A ``GradScaler`` where ``dtype`` needs one (float16), else ``None``.

    Torch twin: ``torch.amp.GradScaler``.

    Taught in: :ref:`ch-ptf-scale`
    """
    device = check_device("device", device)
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
        ValueError: if ``amp_dtype`` is float16 on CUDA without a ``scaler``
            (float16 gradients underflow without loss scaling).

    Taught in: :ref:`ch-ptf-scale`
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
