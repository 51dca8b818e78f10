"""dlfp.book.expect_error: an error demonstration that fails when the error does not come."""

import pytest

from dlfp.book import errors, expect_error


def test_the_expected_error_is_shown_and_swallowed(capsys):
    with expect_error(ValueError, match=r"must be positive") as caught:
        raise ValueError("n must be positive, got -1")
    assert capsys.readouterr().out == "ValueError: n must be positive, got -1\n"
    assert isinstance(caught.value, ValueError) and str(caught.value) == "n must be positive, got -1"


def test_subclasses_and_tuples_count_and_match_is_a_search(capsys):
    with expect_error((KeyError, TypeError), match="absent"):
        {}["absent"]
    with expect_error(LookupError):  # KeyError is a LookupError
        {}["x"]
    assert capsys.readouterr().out == "KeyError: 'absent'\nKeyError: 'x'\n"


def test_a_message_of_several_lines_keeps_them(capsys):
    with expect_error(RuntimeError, match="size mismatch"):
        raise RuntimeError("Error(s) in loading:\n\tsize mismatch for w")
    assert capsys.readouterr().out == "RuntimeError: Error(s) in loading:\n\tsize mismatch for w\n"


def test_nothing_raised_fails_naming_what_was_expected(capsys):
    with pytest.raises(AssertionError, match=r"expected ValueError matching 'boom', but nothing was raised"):
        with expect_error(ValueError, match="boom"):
            pass
    assert capsys.readouterr().out == ""


def test_another_type_fails_and_keeps_the_real_error():
    with pytest.raises(AssertionError, match=r"expected ValueError, but got TypeError: wrong kind") as info:
        with expect_error(ValueError):
            raise TypeError("wrong kind")
    assert isinstance(info.value.__cause__, TypeError)


def test_another_message_fails():
    with pytest.raises(AssertionError, match=r"expected ValueError matching 'positive', but the message was: Va"):
        with expect_error(ValueError, match="positive"):
            raise ValueError("n must be an int")


def test_the_statements_after_the_error_do_not_run():
    ran = []
    with expect_error(ZeroDivisionError):
        1 / 0  # noqa: B018
        ran.append("after")
    assert ran == []


@pytest.mark.parametrize(
    "args, error, pattern",
    [
        ((ValueError(),), TypeError, r"exc_type must be an exception class or a tuple of them, got ValueError\(\)"),
        ((int,), TypeError, r"exc_type must be an exception class"),
        (((),), TypeError, r"exc_type must be an exception class or a tuple of them, got \(\)"),
        ((ValueError, 3), TypeError, r"match must be a str \(a regular expression\) or None, got 3"),
        ((ValueError, "(unclosed"), ValueError, r"match must be a valid regular expression, got '\(unclosed'"),
    ],
)
def test_bad_arguments_are_refused_before_the_block_runs(args, error, pattern):
    with pytest.raises(error, match=pattern):
        expect_error(*args)


# Each public object of dlfp.book.errors, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.errors.expect_error": [
        (lambda: errors.expect_error("ValueError"), TypeError, r"exc_type must be an exception class or a tuple"),
        (lambda: errors.expect_error(ValueError, match=3), TypeError, r"match must be a str \(a regular expression\)"),
    ],
}
