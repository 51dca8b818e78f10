"""dlfp._checks.values: what the value checks accept and return (tests/unit/test_bad_input.py has what they refuse)."""

from pathlib import Path

import numpy as np
import pytest

from dlfp._checks import check_choice, check_int, check_path, check_positive, check_real, describe


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
