"""Reference tables that are checked before they are shown.

A reference table is data. Each row of the NumPy ↔ PyTorch table is an
:class:`Equivalent`: a NumPy expression, a PyTorch expression and a check.
:func:`checked_table` evaluates both sides on the same numbers, asserts the
check, and only then writes the Markdown that the page displays, so the table
a reader sees is the table that was tested. :func:`markdown_table` renders
any such table; the symbol table's cells come from :mod:`dlfp.book.signatures`.

Taught in: :ref:`app-numpy-pytorch`
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import torch

#: The names a check can use besides the NumPy-side inputs.
CHECK_NAMES = ("n", "r", "N", "T", "same", "same_distribution", "np", "torch")


def _expressions(value: object, name: str, allow_empty: bool) -> tuple[str, ...]:
    exprs = (value,) if isinstance(value, str) else value
    if not isinstance(exprs, tuple) or not all(isinstance(e, str) for e in exprs):
        raise TypeError(f"{name} must be a str or a tuple of str, got {type(value).__name__}")
    exprs = tuple(e for e in exprs if e.strip())
    if not exprs and not allow_empty:
        raise ValueError(f"{name} must hold at least one expression, got {value!r}")
    return exprs


@dataclass(frozen=True)
class Equivalent:
    """One row of a NumPy ↔ PyTorch table.

    Args:
        numpy: a NumPy expression, or a tuple of interchangeable ones; ``""``
            when NumPy has no counterpart (devices, autograd).
        torch: a PyTorch expression, or a tuple of interchangeable ones.
        note: Markdown for the table's third column.
        check: a Python expression that must evaluate to ``True``. It sees the
            NumPy-side inputs by name, ``n`` (the NumPy result, ``None`` when
            there is no NumPy side), ``r`` (the PyTorch result), ``N`` and
            ``T`` (both namespaces after evaluation, for in-place rows),
            :func:`same`, :func:`same_distribution`, ``np`` and ``torch``.
            The default, ``"same(n, r)"``, says both sides give the same
            numbers in the same shape; a row that documents a *difference*
            asserts the difference instead.

    Every NumPy expression is checked against every PyTorch expression, each
    pair on freshly made inputs.
    """

    numpy: str | tuple[str, ...]
    torch: str | tuple[str, ...]
    note: str = ""
    check: str = "same(n, r)"

    def __post_init__(self) -> None:
        object.__setattr__(self, "numpy", _expressions(self.numpy, "numpy", allow_empty=True))
        object.__setattr__(self, "torch", _expressions(self.torch, "torch", allow_empty=False))
        if not isinstance(self.note, str):
            raise TypeError(f"note must be a str, got {type(self.note).__name__}")
        if not isinstance(self.check, str) or not self.check.strip():
            raise ValueError(f"check must be a non-empty expression string, got {self.check!r}")


def _as_numpy(x: object) -> object:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().resolve_conj().resolve_neg().numpy()
    return x


def same(x: object, y: object, rtol: float = 1e-6, atol: float = 1e-12) -> bool:
    """Whether ``x`` and ``y`` hold the same numbers in the same shape.

    Tensors (on any device, with or without gradient) and lists are
    compared as NumPy arrays, tuples (``torch.Size`` among them) element by
    element; a tuple never equals an array, so a function that returns
    ``(values, indices)`` is not "the same" as one that returns values. Numbers match when
    :math:`|x - y| \\le \\text{atol} + \\text{rtol}\\,|y|` (NaNs match NaNs);
    dtypes are not compared.

    Shape:
        - x, y: any shapes; different shapes are never the same.
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be non-negative, got rtol={rtol}, atol={atol}")
    if isinstance(x, tuple) or isinstance(y, tuple):
        if not (isinstance(x, tuple) and isinstance(y, tuple)) or len(x) != len(y):
            return False
        return all(same(a, b, rtol, atol) for a, b in zip(x, y, strict=True))
    x, y = _as_numpy(x), _as_numpy(y)
    try:
        xa, ya = np.asarray(x), np.asarray(y)
    except (TypeError, ValueError):
        return False
    if xa.shape != ya.shape or xa.dtype == object or ya.dtype == object:
        return False
    if xa.dtype.kind in "biuf" and ya.dtype.kind in "biuf":
        return bool(np.allclose(xa.astype(float), ya.astype(float), rtol=rtol, atol=atol, equal_nan=True))
    return bool(np.array_equal(xa, ya))


def same_distribution(x: object, y: object, sigmas: float = 6.0) -> bool:
    """Whether two large samples could come from one distribution.

    Compares means and standard deviations: with pooled standard deviation
    :math:`s` and sizes :math:`n_x, n_y`, the means must differ by less than
    ``sigmas`` standard errors :math:`s\\sqrt{1/n_x + 1/n_y}` and the standard
    deviations by less than ``sigmas`` times :math:`s\\sqrt{1/(2n_x) + 1/(2n_y)}`
    (the large-sample error of a normal sample's standard deviation).

    Shape:
        - x, y: any shapes with at least 100 elements each; they are flattened.
    """
    if sigmas <= 0:
        raise ValueError(f"sigmas must be positive, got {sigmas}")
    xa = np.asarray(_as_numpy(x), dtype=float).ravel()
    ya = np.asarray(_as_numpy(y), dtype=float).ravel()
    if xa.size < 100 or ya.size < 100:
        raise ValueError(f"samples must have at least 100 elements each, got {xa.size} and {ya.size}")
    s = np.sqrt((xa.var() + ya.var()) / 2)
    mean_error = s * np.sqrt(1 / xa.size + 1 / ya.size)
    std_error = s * np.sqrt(1 / (2 * xa.size) + 1 / (2 * ya.size))
    return bool(abs(xa.mean() - ya.mean()) < sigmas * mean_error and abs(xa.std() - ya.std()) < sigmas * std_error)


def _namespaces(inputs: Callable[[], Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    numpy_side, torch_side = inputs(), inputs()  # two calls: nothing is shared between the sides
    for side in (numpy_side, torch_side):
        if not isinstance(side, Mapping) or not all(isinstance(k, str) for k in side):
            raise TypeError(f"inputs() must return a mapping of names to values, got {type(side).__name__}")
        clash = sorted(set(side) & set(CHECK_NAMES))
        if clash:
            raise ValueError(f"inputs() must not define the reserved names {list(CHECK_NAMES)}, got {clash}")
    modules = {"np": np, "torch": torch}
    numpy_ns = {**modules, **numpy_side}
    torch_ns = {
        **modules,
        **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in torch_side.items()},
    }
    return numpy_ns, torch_ns


def check_equivalents(rows: Sequence[Equivalent], inputs: Callable[[], Mapping[str, Any]]) -> list[Equivalent]:
    """Evaluate every row on both sides and assert its check.

    Args:
        rows: the table's rows.
        inputs: called afresh for every evaluation; returns the names the
            expressions use, with NumPy arrays as values. The NumPy side sees
            them as they are, the PyTorch side sees each array as
            ``torch.tensor(array)`` (same numbers, same dtype, its own
            memory) and every other value as it is; ``np`` and ``torch`` are
            defined on both sides.

    Returns:
        ``rows``, as a list, once every check has passed.

    Raises:
        TypeError: if a row is not an :class:`Equivalent` or a check does not
            give a bool.
        AssertionError: naming the row, the expressions and both results, if
            an expression fails or a check is false.
    """
    if not callable(inputs):
        raise TypeError(f"inputs must be a callable returning a mapping, got {type(inputs).__name__}")
    rows = list(rows)
    for index, row in enumerate(rows):
        if not isinstance(row, Equivalent):
            raise TypeError(f"rows[{index}] must be an Equivalent, got {type(row).__name__}")
        for numpy_expr in row.numpy or (None,):
            for torch_expr in row.torch:
                label = f"row {index} ({numpy_expr or '—'} ↔ {torch_expr})"
                numpy_ns, torch_ns = _namespaces(inputs)
                try:
                    n = None if numpy_expr is None else eval(numpy_expr, numpy_ns)  # the rows are the page's own code
                    r = eval(torch_expr, torch_ns)
                except Exception as err:
                    raise AssertionError(f"{label}: evaluating it raised {type(err).__name__}: {err}") from err
                check_ns = {
                    **numpy_ns,
                    "n": n,
                    "r": r,
                    "N": SimpleNamespace(**numpy_ns),
                    "T": SimpleNamespace(**torch_ns),
                    "same": same,
                    "same_distribution": same_distribution,
                }
                try:
                    ok = eval(row.check, check_ns)
                except Exception as err:
                    raise AssertionError(f"{label}: check {row.check!r} raised {type(err).__name__}: {err}") from err
                if not isinstance(ok, bool | np.bool_):
                    raise TypeError(f"{label}: check {row.check!r} must give a bool, got {type(ok).__name__}")
                if not ok:
                    raise AssertionError(f"{label}: check {row.check!r} is false; NumPy gave {n!r}, PyTorch gave {r!r}")
    return rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown (GitHub/MyST) pipe table.

    A ``|`` inside a cell is escaped as ``\\|`` (this works inside inline code
    too), so cells can hold any one-line Markdown.

    Shape:
        - header: ``k`` strings; rows: any number of rows of ``k`` strings each.
    """
    header = list(header)
    if not header:
        raise ValueError("header must name at least one column, got an empty header")
    lines = []
    for index, row in enumerate([header, *rows]):
        row = list(row)
        where = "header" if index == 0 else f"rows[{index - 1}]"
        if len(row) != len(header):
            raise ValueError(f"{where} must have {len(header)} cells like the header, got {len(row)}")
        for cell in row:
            if not isinstance(cell, str):
                raise TypeError(f"{where} must hold str cells, got {type(cell).__name__}: {cell!r}")
            if "\n" in cell:
                raise ValueError(f"{where} cells must be one line, got {cell!r}")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        if index == 0:
            lines.append("|" + "---|" * len(header))
    return "\n".join(lines)


def _code(exprs: tuple[str, ...]) -> str:
    return " or ".join(f"`{e}`" for e in exprs) if exprs else "—"


def checked_table(rows: Sequence[Equivalent], inputs: Callable[[], Mapping[str, Any]]) -> str:
    """Check every row (:func:`check_equivalents`), then render the table.

    Returns:
        Markdown with the columns *NumPy*, *PyTorch* and *Note*; alternatives
        are joined with "or", a missing NumPy side is shown as "—".
    """
    checked = check_equivalents(rows, inputs)
    return markdown_table(["NumPy", "PyTorch", "Note"], [(_code(r.numpy), _code(r.torch), r.note) for r in checked])
