"""dlfp._checks.values: what the value checks accept and return (tests/unit/test_bad_input.py has what they refuse)."""

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from dlfp import _checks
from dlfp._checks import check_choice, check_int, check_path, check_positive, check_real, describe
from tests.unit.bad_input import MISSING


def test_numbers_come_back_normalised():
    assert type(check_int("n", np.int64(3))) is int and check_int("n", np.int64(3)) == 3
    assert type(check_positive("lr", 1)) is float
    assert check_real("x", None, optional=True) is None


def test_choices_paths_and_descriptions():
    assert check_choice("mode", "zeros", ("zeros", "reflect")) == "zeros"
    assert check_path("path", "a/b.pt") == Path("a/b.pt")
    assert describe("abc") == "'abc' (str)" and describe("x" * 100) == "str"  # too long to quote: the type alone


@pytest.mark.parametrize("value", [True, 2.0, "3"])
def test_an_int_is_an_int_and_not_a_bool_float_or_string(value):
    with pytest.raises(TypeError, match="n must be"):
        check_int("n", value)


# Each public object of dlfp._checks.values, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp._checks.values.check_seed": [
        (lambda: _checks.check_seed("seed", 2**64), ValueError, r"seed must be an int in \[-2\*\*63, 2\*\*64 - 1\]"),
        (lambda: _checks.check_seed("seed", True), TypeError, r"seed must be an int \(a seed\), got True \(bool\)"),
    ],
    "dlfp._checks.values.describe": [
        (lambda: _checks.describe(1, max_length=0), ValueError, r"max_length must be a positive int, got 0"),
    ],
    "dlfp._checks.values.check_type": [
        (
            lambda: _checks.check_type("model", 3, nn.Module, "an nn.Module"),
            TypeError,
            r"model must be an nn\.Module, got 3 \(int\)",
        ),
    ],
    "dlfp._checks.values.check_floating_dtype": [
        (
            lambda: _checks.check_floating_dtype("dtype", torch.int64),
            TypeError,
            r"dtype must be a floating-point torch\.dtype, got torch\.int64",
        ),
    ],
    "dlfp._checks.values.check_callable": [
        (lambda: _checks.check_callable("fn", 3), TypeError, r"fn must be callable, got 3 \(int\)"),
    ],
    "dlfp._checks.values.check_int": [
        (lambda: _checks.check_int("n", 1.5), TypeError, r"n must be an int, got 1\.5 \(float\)"),
        (lambda: _checks.check_int("n", True), TypeError, r"n must be an int, got True \(bool\)"),
        (lambda: _checks.check_int("n", 0, minimum=1), ValueError, r"n must be a positive int, got 0"),
    ],
    "dlfp._checks.values.check_real": [
        (lambda: _checks.check_real("x", "1.0"), TypeError, r"x must be a real number, got '1\.0' \(str\)"),
        (lambda: _checks.check_real("x", float("inf")), ValueError, r"x must be a finite number, got inf"),
    ],
    "dlfp._checks.values.check_positive": [
        (lambda: _checks.check_positive("lr", 0), ValueError, r"lr must be positive, got 0"),
        (lambda: _checks.check_positive("lr", -1, allow_zero=True), ValueError, r"lr must be non-negative, got -1"),
    ],
    "dlfp._checks.values.check_in_range": [
        (lambda: _checks.check_in_range("p", 2, 0, 1), ValueError, r"p must be in \[0, 1\], got 2"),
    ],
    "dlfp._checks.values.check_choice": [
        (
            lambda: _checks.check_choice("mode", "x", ("a", "b")),
            ValueError,
            r"mode must be 'a' or 'b', got 'x' \(str\)",
        ),
    ],
    "dlfp._checks.values.check_path": [
        (
            lambda: _checks.check_path("path", 3),
            TypeError,
            r"path must be a str or os\.PathLike path, got 3 \(int\)",
        ),
        (
            lambda: _checks.check_path("path", MISSING, must_exist="file"),
            FileNotFoundError,
            r"path must be an existing file",
        ),
    ],
}
