import numpy as np
import pytest
import torch

from dlfp.book import tables
from dlfp.book.tables import (
    Equivalent,
    check_equivalents,
    checked_table,
    markdown_table,
    same,
    same_distribution,
)


def inputs():
    return {"a": np.arange(6.0).reshape(2, 3), "k": 2}


# same --------------------------------------------------------------------------------------


def test_same_compares_numbers_and_shapes_across_libraries():
    a = np.arange(6.0).reshape(2, 3)
    assert same(a, torch.tensor(a))
    assert same(a, torch.tensor(a, dtype=torch.float32))  # dtypes are not compared
    assert same(torch.tensor(a, requires_grad=True), a)
    assert not same(a, torch.tensor(a).reshape(3, 2))
    assert not same(a, a + 1e-3)
    assert same(torch.Size([2, 3]), (2, 3))
    assert same(np.float64(1.5), torch.tensor(1.5))
    assert same(np.array([np.nan]), torch.tensor([np.nan]))
    assert same(np.array([True, False]), torch.tensor([True, False]))


def test_same_keeps_tuples_apart_from_arrays():
    values, indices = torch.tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
    assert same((values, indices), (np.array([5.0, 7.0]), np.array([1, 0])))
    assert not same(torch.tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1), np.array([5.0, 7.0]))
    assert not same((1, 2), (1, 2, 3))
    assert same([2.0, -5.0], np.array([2.0, -5.0]))  # a list is array-like, not a structure


def test_same_rejects_negative_tolerances():
    with pytest.raises(ValueError, match="rtol and atol must be non-negative"):
        same(1.0, 1.0, rtol=-1.0)


def test_same_distribution_accepts_two_streams_and_rejects_a_shift():
    x = np.random.default_rng(0).normal(size=20_000)
    y = torch.randn(20_000, generator=torch.Generator().manual_seed(0))
    assert same_distribution(x, y) and not same(x, y)
    assert not same_distribution(x, y + 0.2)
    assert not same_distribution(x, 2 * y)


def test_same_distribution_validates():
    with pytest.raises(ValueError, match="at least 100 elements"):
        same_distribution(np.zeros(5), np.zeros(500))
    with pytest.raises(ValueError, match="sigmas must be positive"):
        same_distribution(np.zeros(500), np.zeros(500), sigmas=0)


# Equivalent and check_equivalents ----------------------------------------------------------


def test_equivalent_normalises_and_validates():
    row = Equivalent("a.sum()", ("a.sum()", "torch.sum(a)"))
    assert row.numpy == ("a.sum()",) and row.torch == ("a.sum()", "torch.sum(a)")
    assert Equivalent("", "a.device").numpy == ()
    with pytest.raises(ValueError, match="torch must hold at least one expression"):
        Equivalent("a", "")
    with pytest.raises(TypeError, match="numpy must be a str or a tuple of str"):
        Equivalent(["a"], "a")
    with pytest.raises(ValueError, match="check must be a non-empty expression"):
        Equivalent("a", "a", check=" ")


def test_check_equivalents_passes_equal_rows_and_every_alternative():
    rows = [
        Equivalent("a.sum(axis=0)", ("a.sum(dim=0)", "torch.sum(a, 0)")),
        Equivalent("a * k", "a * k"),
        Equivalent("", "a.device", check="r.type == 'cpu' and n is None"),
    ]
    assert check_equivalents(rows, inputs) == rows


def test_check_equivalents_names_a_failing_row():
    rows = [Equivalent("a.sum()", "a.sum()"), Equivalent("a.std()", "a.std()")]  # ddof 0 vs correction 1
    with pytest.raises(AssertionError, match=r"row 1 \(a\.std\(\) ↔ a\.std\(\)\): check 'same\(n, r\)' is false"):
        check_equivalents(rows, inputs)
    documented = Equivalent("a.std()", "a.std()", check="same(r, a.std(ddof=1)) and not same(n, r)")
    check_equivalents([documented], inputs)


def test_check_equivalents_reports_expression_errors():
    with pytest.raises(AssertionError, match=r"row 0 .*evaluating it raised TypeError"):
        check_equivalents([Equivalent("np.sum(a, dim=0)", "a.sum(dim=0)")], inputs)
    with pytest.raises(AssertionError, match=r"check 'undefined_name' raised NameError"):
        check_equivalents([Equivalent("a", "a", check="undefined_name")], inputs)


def test_check_must_give_a_bool():
    with pytest.raises(TypeError, match="must give a bool, got tuple"):
        check_equivalents([Equivalent("a", "a", check="(n, r)")], inputs)


def test_each_evaluation_gets_fresh_unshared_inputs():
    # In place on both sides: with shared or reused inputs the second pair would see 2.0, not 1.0.
    row = Equivalent(
        ("np.add(a, 1, out=a)",),
        ("a.add_(1)", "a.add_(1)"),
        check="same(n, r) and r is T.a and n is N.a and N.a[0, 0] == 1.0",
    )
    check_equivalents([row], inputs)
    shared = np.zeros(3)
    with pytest.raises(AssertionError):  # inputs() returning one array every time is caught by the check
        check_equivalents(
            [Equivalent("np.add(a, 1, out=a)", ("a.add_(1)", "a.add_(1)"), check="N.a[0] == 1.0")],
            lambda: {"a": shared},
        )


def test_check_equivalents_validates_its_arguments():
    with pytest.raises(TypeError, match=r"rows\[0\] must be an Equivalent"):
        check_equivalents([("a", "a")], inputs)
    with pytest.raises(TypeError, match="inputs must be a callable"):
        check_equivalents([], {"a": 1})
    with pytest.raises(ValueError, match="reserved names"):
        check_equivalents([Equivalent("n", "n")], lambda: {"n": 3})
    with pytest.raises(TypeError, match="inputs\\(\\) must return a mapping"):
        check_equivalents([Equivalent("a", "a")], lambda: [1, 2])


# markdown ----------------------------------------------------------------------------------


def test_markdown_table_renders_and_escapes_pipes():
    text = markdown_table(["x", "y"], [("`a | b`", "1")])
    assert text.splitlines() == ["| x | y |", "|---|---|", "| `a \\| b` | 1 |"]


def test_markdown_table_validates():
    with pytest.raises(ValueError, match=r"rows\[0\] must have 2 cells like the header, got 1"):
        markdown_table(["x", "y"], [("a",)])
    with pytest.raises(ValueError, match="one line"):
        markdown_table(["x"], [("a\nb",)])
    with pytest.raises(TypeError, match="str cells"):
        markdown_table(["x"], [(1,)])
    with pytest.raises(ValueError, match="at least one column"):
        markdown_table([], [])


def test_checked_table_shows_alternatives_and_missing_sides():
    text = checked_table(
        [Equivalent("a.T", ("a.T", "a.t()"), "2-D"), Equivalent("", "a.requires_grad_()", check="r.requires_grad")],
        inputs,
    )
    assert "| `a.T` | `a.T` or `a.t()` | 2-D |" in text
    assert "| — | `a.requires_grad_()` |  |" in text
    with pytest.raises(AssertionError):
        checked_table([Equivalent("a.sum()", "a.mean()")], inputs)


# Each public object of dlfp.book.tables, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.tables.Equivalent": [
        (lambda: tables.Equivalent(3, "a"), TypeError, r"numpy must be a str or a tuple of str, got int"),
        (lambda: tables.Equivalent("a", " "), ValueError, r"torch must hold at least one expression"),
    ],
    "dlfp.book.tables.same": [
        (
            lambda: tables.same(1.0, 1.0, rtol=-1.0),
            ValueError,
            r"rtol and atol must be non-negative, got rtol=-1\.0",
        ),
    ],
    "dlfp.book.tables.same_distribution": [
        (
            lambda: tables.same_distribution(np.zeros(200), np.zeros(200), sigmas=0),
            ValueError,
            r"sigmas must be positive, got 0",
        ),
        (
            lambda: tables.same_distribution(np.zeros(3), np.zeros(200)),
            ValueError,
            r"samples must have at least 100 elements each, got 3 and 200",
        ),
    ],
    "dlfp.book.tables.check_equivalents": [
        (
            lambda: tables.check_equivalents([tables.Equivalent("a", "a")], 3),
            TypeError,
            r"inputs must be a callable returning a mapping, got int",
        ),
        (lambda: tables.check_equivalents(["a"], dict), TypeError, r"rows\[0\] must be an Equivalent, got str"),
    ],
    "dlfp.book.tables.checked_table": [
        (lambda: tables.checked_table([3], dict), TypeError, r"rows\[0\] must be an Equivalent, got int"),
    ],
    "dlfp.book.tables.markdown_table": [
        (lambda: tables.markdown_table([], []), ValueError, r"header must name at least one column"),
        (
            lambda: tables.markdown_table(["a", "b"], [["x"]]),
            ValueError,
            r"rows\[0\] must have 2 cells like the header, got 1",
        ),
    ],
}
