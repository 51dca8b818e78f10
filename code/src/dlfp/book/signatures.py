"""Table cells read from PyTorch's own signatures, so a documented default cannot go stale.

:func:`argument_cell` looks each PyTorch argument name of the symbol table up
in the real signature and reports the default found there
(:func:`argument_default`); :func:`api_cell` checks that the PyTorch names a
cell lists exist (:func:`resolve`).

Taught in: :ref:`app-symbols`
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import torch

#: What :func:`argument_default` returns for an argument without a default.
REQUIRED = "required"


def argument_default(fn: Callable[..., Any], name: str) -> Any:
    """The default of argument ``name`` in the signature of ``fn``.

    Returns:
        The default value, or :data:`REQUIRED` when the argument has none.

    Raises:
        TypeError: if ``fn`` has no inspectable signature or ``name`` is not a str.
        ValueError: naming ``fn``, the argument and the arguments it does
            have, if ``fn`` has no argument ``name``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be an argument name (str), got {name!r}")
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError) as err:
        raise TypeError(f"fn must be a callable with a signature, got {fn!r}") from err
    if name not in parameters:
        raise ValueError(f"{getattr(fn, '__qualname__', fn)} has no argument {name!r}; it has {list(parameters)}")
    default = parameters[name].default
    return REQUIRED if default is inspect.Parameter.empty else default


def argument_cell(name: str, owners: Sequence[Callable[..., Any]]) -> str:
    """One table cell naming a PyTorch argument and its defaults, looked up.

    Owners with equal defaults are grouped, e.g. ``argument_cell("eps",
    [nn.BatchNorm2d, nn.LayerNorm])`` gives
    ``"`eps` (`BatchNorm2d`, `LayerNorm`: 1e-05)"``.

    Raises:
        TypeError: if ``name`` is not a str.
        ValueError: if ``owners`` is empty, or (from :func:`argument_default`)
            an owner has no argument ``name``.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be an argument name (str), got {name!r}")
    owners = list(owners)
    if not owners:
        raise ValueError(f"owners must name at least one callable for {name!r}, got none")
    groups: dict[str, list[str]] = {}
    for owner in owners:
        default = argument_default(owner, name)
        groups.setdefault(repr(default) if default is not REQUIRED else REQUIRED, []).append(owner.__name__)
    parts = [", ".join(f"`{o}`" for o in names) + f": {value}" for value, names in groups.items()]
    return f"`{name}` ({'; '.join(parts)})"


#: Short prefixes the book uses for PyTorch's namespaces.
PREFIXES = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "optim": torch.optim}


def resolve(name: str) -> Any:
    """The PyTorch object a dotted name such as ``"nn.LayerNorm"`` denotes.

    The first component is one of :data:`PREFIXES` (``torch``, ``nn``, ``F``
    for ``torch.nn.functional``, ``optim``); the rest are attributes.

    Raises:
        ValueError: if the prefix is unknown or an attribute does not exist,
            naming the part that failed.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a dotted name such as 'nn.ReLU', got {name!r}")
    head, *rest = name.split(".")
    if head not in PREFIXES:
        raise ValueError(f"name must start with one of {list(PREFIXES)}, got {name!r}")
    obj = PREFIXES[head]
    for depth, part in enumerate(rest, start=1):
        if not hasattr(obj, part):
            raise ValueError(f"{'.'.join([head, *rest[: depth - 1]])} has no attribute {part!r} (looking up {name!r})")
        obj = getattr(obj, part)
    return obj


def api_cell(*names: str) -> str:
    """One table cell listing PyTorch names, each checked to exist (:func:`resolve`).

    Raises:
        ValueError: if no name is given or a name does not resolve.
    """
    if not names:
        raise ValueError("api_cell needs at least one name, got none")
    for name in names:
        resolve(name)
    return ", ".join(f"`{name}`" for name in names)
