"""dlfp.train.compile: compilation that may fail is reported, not raised."""

import pytest
import torch
from torch import nn

from dlfp.train import compile
from dlfp.train.compile import compile_first_call, compilers_found


def setup(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))
    return model, None, torch.randn(64, 8), None


def test_compile_first_call_reports_failure_instead_of_raising():
    model, _, x, _ = setup()

    def broken(m):
        raise RuntimeError("no C++ compiler found\nmore detail")

    compiled, seconds, reason = compile_first_call(model, broken)
    assert compiled is None and seconds >= 0 and reason == "RuntimeError: no C++ compiler found"
    with pytest.raises(TypeError, match="run must be callable"):
        compile_first_call(model, None)


def test_compile_first_call_succeeds_with_eager_backend():
    model, _, x, _ = setup()
    compiled, seconds, reason = compile_first_call(model, lambda m: m(x), backend="eager")
    assert reason is None and seconds > 0
    torch.testing.assert_close(compiled(x), model(x))


def test_compilers_found():
    found = compilers_found()
    assert set(found) == {"g++", "gcc", "cc"}
    assert all(v is None or isinstance(v, str) for v in found.values())


# Each public object of dlfp.train.compile, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.train.compile.compilers_found": [
        (lambda: compile.compilers_found("gcc"), TypeError, r"names must be a sequence of program names .*, got 'gcc'"),
    ],
    "dlfp.train.compile.compile_first_call": [
        (lambda: compile.compile_first_call("net", lambda m: m), TypeError, r"model must be an nn\.Module, got str"),
        (lambda: compile.compile_first_call(nn.Linear(1, 1), None), TypeError, r"run must be callable, got NoneType"),
    ],
}
