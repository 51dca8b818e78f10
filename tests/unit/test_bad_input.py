"""Bad input gets a clear error: every public entry point of ``dlfp``, one runner.

Each test module carries the table of its own module: ``BAD_INPUT`` in
``tests/unit/<package>/test_<module>.py`` maps the qualified name of each
public function or class of ``dlfp.<package>.<module>`` to one or more
``(call, error type, regex)`` entries: ``call()`` makes a bad call and must
raise that error with a message matching the regex, which names the argument
(and, where natural, what was expected). Models get a bad constructor
argument *and* a bad ``forward`` input, whose error must name the input and
the expected shape or dtype rather than surface from deep inside a layer.
This module collects the tables (``CASES``) and runs every entry.

``test_every_public_entry_point_has_a_bad_input_case`` fails when a public
function or class (found by walking the package, :func:`public_entry_points`)
has no entry in its module's table; only pure records and exception classes
may be listed in ``EXEMPT`` instead.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from torch import nn

import dlfp

UNIT = Path(__file__).resolve().parent

EXEMPT = {
    "dlfp.book.benchmarks.Run",  # frozen dataclass: one loaded benchmark run
    "dlfp.book.benchmarks.Change",  # frozen dataclass: one benchmark's old and new time
    "dlfp.train.checkpoint.CheckpointError",  # exception type
    "dlfp.data.idx.DataUnavailableError",  # exception type
    "dlfp.data.idx.MNISTSplit",  # frozen dataclass: images, labels, split, source
    "dlfp.data.images.MNISTData",  # frozen dataclass: train, test, note
    "dlfp.autograd.graph.GraphNode",  # frozen dataclass: one node of an autograd graph walk
    "dlfp.nn.init.SignalStats",  # dataclass of per-layer statistics
    "dlfp.models.pinn.PINNHistory",  # dataclass: losses and time of train_pinn
    "dlfp.train.fit.History",  # dataclass: what fit did
}


def public_entry_points() -> dict[str, object]:
    """Every function and class defined (not imported) in a ``dlfp`` module, by qualified name."""
    found = {}
    for info in pkgutil.walk_packages(dlfp.__path__, "dlfp."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


def collect_tables() -> dict[str, list]:
    """The ``BAD_INPUT`` tables of every test module under ``tests/unit``, merged; each table
    may only name objects of the module its test module mirrors."""
    cases = {}
    for path in sorted(UNIT.rglob("test_*.py")):
        dotted = ".".join(path.relative_to(UNIT.parents[1]).with_suffix("").parts)
        table = getattr(importlib.import_module(dotted), "BAD_INPUT", {})
        mirrored = "dlfp." + ".".join((*path.relative_to(UNIT).parent.parts, path.stem.removeprefix("test_")))
        for name, entries in table.items():
            owner = name.rsplit(".", 1)[0].replace("dlfp._checks.", "dlfp.checks.")
            assert owner == mirrored, f"{path.relative_to(UNIT)}: BAD_INPUT names {name}, not an object of {mirrored}"
            assert name not in cases, f"{name} has two bad-input tables"
            cases[name] = entries
    return cases


CASES = collect_tables()


def _ids():
    return [f"{name}[{i}]" for name, cases in CASES.items() for i in range(len(cases))]


@pytest.mark.parametrize("call, error, pattern", [case for cases in CASES.values() for case in cases], ids=_ids())
def test_bad_input_gets_a_clear_error(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_every_public_entry_point_has_a_bad_input_case():
    public = public_entry_points()
    missing = sorted(set(public) - set(CASES) - EXEMPT)
    assert not missing, f"public entry points without a bad-input case in CASES: {missing}"
    stale = sorted((set(CASES) | EXEMPT) - set(public))
    assert not stale, f"CASES/EXEMPT name things that are not public entry points: {stale}"
    assert not set(CASES) & EXEMPT, "an entry point is both exempt and tested"
    for name in EXEMPT:  # only pure records and exception types may be exempt
        obj = public[name]
        assert inspect.isclass(obj) and (dataclasses.is_dataclass(obj) or issubclass(obj, BaseException)), name


def test_every_model_is_checked_at_construction_and_in_forward():
    # a model whose constructor takes arguments needs a bad constructor call and a bad forward input
    for name, obj in public_entry_points().items():
        if not (inspect.isclass(obj) and issubclass(obj, nn.Module)):
            continue
        own_init = obj.__init__ is not nn.Module.__init__
        takes_arguments = own_init and len(inspect.signature(obj.__init__).parameters) > 1
        assert len(CASES[name]) >= (2 if takes_arguments else 1), name
