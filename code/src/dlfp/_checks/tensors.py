"""Checks of tensors and arrays: rank, shape (with named dimensions), dtype, device, values."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from dlfp._checks.values import _join, describe

ShapeSpec = Sequence[int | str | None]


def _format_shape(shape: ShapeSpec) -> str:
    """``(B, 1, 28, 28)`` from ``("B", 1, 28, 28)``; ``None`` entries show as ``*``."""
    parts = ["*" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


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

    Returns ``value`` unchanged.
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
    """Every tensor on one device, else ``q, k and v must be on the same device, got q on cpu, k on cuda:0, ...``."""
    return _check_same(tensors, "device", ValueError, "be on the same device", " on ")


def check_same_dtype(**tensors: torch.Tensor) -> torch.dtype:
    """Every tensor of one dtype, else ``x and W must have the same dtype, got x torch.float32, W torch.float64``."""
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


def check_shapes(module: nn.Module | None = None, **tensors: tuple) -> dict[str, int]:
    """One line of checks for a ``forward``: each tensor's shape, with named dimensions shared.

    ``check_shapes(self, x=(x, "N", I), h=(h, "N", H))`` checks that ``x`` is
    :math:`(N, I)` and ``h`` is :math:`(N, H)` for one :math:`N`: a string names
    a dimension, which must have the same size in every tensor that names it
    (the first tensor fixes it); an int is a fixed size. With ``module``, each
    tensor must also be floating point and have the module's dtype and device
    (as :func:`check_model_input`). Returns the sizes of the named dimensions.
    The message names the argument, the shape expected with the sizes bound
    so far, and what came::

        h must have shape (N, 20) with N = 8 (from x), got (4, 20)
    """
    sizes: dict[str, tuple[int, str]] = {}
    for name, (value, *shape) in tensors.items():
        if module is not None:
            check_model_input(name, value, module, ndim=len(shape))
        else:
            check_tensor(name, value, ndim=len(shape))
        bound = [sizes[d][0] if isinstance(d, str) and d in sizes else d for d in shape]
        wrong = [
            i
            for i, (want, got) in enumerate(zip(bound, value.shape))
            if isinstance(want, int) and not isinstance(want, bool) and want != got
        ]
        if wrong:
            known = [f"{d} = {sizes[d][0]} (from {sizes[d][1]})" for d in shape if isinstance(d, str) and d in sizes]
            where = f" with {', '.join(known)}" if known else ""
            raise ValueError(f"{name} must have shape {_format_shape(shape)}{where}, got {tuple(value.shape)}")
        for d, got in zip(shape, value.shape):
            if isinstance(d, str):
                sizes.setdefault(d, (got, name))
    return {d: size for d, (size, _) in sizes.items()}


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
    """Check that ``value`` is a NumPy array of the expected rank (and integer, or finite)."""
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
