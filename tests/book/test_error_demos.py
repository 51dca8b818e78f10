"""No page demonstrates an error with a ``try`` that passes when nothing is raised.

A page that shows what goes wrong often wrote::

    try:
        torch.randn(3).view(4)
    except RuntimeError as err:
        print(err)

This prints the error while there is one, and prints nothing — and passes —
the day the statement stops raising (a new PyTorch version, a changed
helper). The book's form is ``dlfp.book.expect_error``, which shows the error
the same way and fails the page when none comes, or another one does::

    with expect_error(RuntimeError, match="shape"):
        torch.randn(3).view(4)

Every code cell of every page is parsed with :mod:`ast` (read as the build
reads it). A ``try`` statement is flagged when it has ``except`` handlers, no
``else`` block, and at least one handler that *swallows* the error: its body
does not end in a ``raise`` at its top level (neither a bare re-raise nor a
new error; a ``raise`` under an ``if`` lets the error through), unless the
``try`` body itself raises at its top level after the demonstrated
statement (``raise AssertionError("no error")``). A genuine
fallback — an optional feature missing on this machine, after which the page
says so — goes into :data:`ALLOWED` with the exact first line of the ``try``
body and a one-line reason.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pytest
from toc import ROOT, toc_pages

from tests.book.test_constant_asserts import _MAGIC, page_cells

# (page, exact first line of the try body, stripped, why swallowing the error is right there)
ALLOWED: list[tuple[str, str, str]] = [
    (
        "book/foundations/pytorch-fundamentals-checkpoints-schedulers.md",
        'ckpt = load_checkpoint(target) if mode == "atomic" else torch.load(target)',
        "records each mode's outcome (the plain load's error type varies); the cell's assert requires the plain "
        "save to fail and the atomic one to load",
    ),
]


@dataclass(frozen=True)
class Swallowed:
    page: str
    line: int  # the page line of the ``try``
    first: str  # the first line of the try body, stripped: what an allowlist entry names
    caught: str  # the handlers' exception types, as written

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: try: {self.first} … except {self.caught} (no else, the handler swallows)"


def _raises(body: list[ast.stmt]) -> bool:
    """Whether ``body`` always ends in a ``raise``: a top-level one (a conditional raise lets the error pass)."""
    return any(isinstance(stmt, ast.Raise) for stmt in body)


def swallowing_trys(cells: list[tuple[int, str]], page: str = "<snippet>") -> list[Swallowed]:
    """The ``try`` statements in ``cells`` (``(first page line, source)`` pairs) that pass without an error."""
    found = []
    for first_line, source in cells:
        try:
            tree = ast.parse(_MAGIC.sub("", source))
        except SyntaxError:  # a cell that demonstrates a syntax error, or IPython syntax
            continue
        lines = source.split("\n")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try | ast.TryStar) or not node.handlers or node.orelse:
                continue
            if all(_raises(h.body) for h in node.handlers):
                continue  # every handler re-raises or raises another error: nothing is swallowed
            if _raises(node.body):
                continue  # the body raises when its statement did not: "no error" cannot pass
            caught = ", ".join("BaseException" if h.type is None else ast.unparse(h.type) for h in node.handlers)
            first = lines[node.body[0].lineno - 1].strip()
            found.append(Swallowed(page, first_line + node.lineno - 1, first, caught))
    return sorted(found, key=lambda s: s.line)


def allowed(item: Swallowed) -> bool:
    return any(item.page == page and item.first == first for page, first, _ in ALLOWED)


PAGES = toc_pages()


def _book_swallowed() -> list[Swallowed]:
    return [s for page in PAGES for s in swallowing_trys(page_cells(page), str(page.relative_to(ROOT)))]


# ---------------------------------------------------------------- the detector itself


@pytest.mark.parametrize(
    "source, first",
    [
        ("try:\n    x.view(4)\nexcept RuntimeError as err:\n    print(err)", "x.view(4)"),
        ("try:\n    f()\nexcept (TypeError, ValueError) as e:\n    print(type(e).__name__, e)", "f()"),
        ("try:\n    f()\nexcept:\n    pass", "f()"),
        ("try:\n    f()\nexcept ValueError:\n    raise\nexcept TypeError as e:\n    print(e)", "f()"),
        ("for k in range(3):\n    try:\n        g(k)\n    except KeyError:\n        continue", "g(k)"),
        ("def demo():\n    try:\n        return h()\n    except OSError:\n        return None", "return h()"),
        ("try:\n    f()\nexcept ValueError as e:\n    print(e)\nfinally:\n    cleanup()", "f()"),
        ("try:\n    f()\nexcept ValueError as e:\n    if 'shape' not in str(e):\n        raise", "f()"),
    ],
)
def test_a_try_that_swallows_is_flagged(source, first):
    (item,) = swallowing_trys([(1, source)])
    assert item.first == first


@pytest.mark.parametrize(
    "source",
    [
        "with expect_error(RuntimeError, match='shape'):\n    x.view(4)",
        "try:\n    f()\nexcept ValueError as e:\n    print(e)\nelse:\n    raise AssertionError('no error')",
        "try:\n    f()\nexcept ValueError:\n    raise",
        "try:\n    f()\nexcept ValueError as e:\n    raise RuntimeError('bad input') from e",
        "try:\n    f()\n    raise AssertionError('f accepted it')\nexcept ValueError as e:\n    print(e)",
        "try:\n    f()\nfinally:\n    cleanup()",
        "%time y = f()\ntry:\n    g()\nexcept KeyError:\n    raise",
        "this is not python(",
    ],
)
def test_a_try_that_cannot_pass_silently_is_not_flagged(source):
    assert swallowing_trys([(1, source)]) == []


def test_flags_name_the_page_line_of_the_try():
    (item,) = swallowing_trys([(10, "x = 1\n"), (20, "y = f()\n\ntry:\n    g(y)\nexcept E:\n    pass")], "book/p.md")
    assert str(item) == "book/p.md:22: try: g(y) … except E (no else, the handler swallows)"


def test_the_allowlist_is_explicit_and_used():
    found = _book_swallowed()
    for page, first, reason in ALLOWED:
        assert (ROOT / page).is_file() and first and reason, (page, first)
        assert any(s.page == page and s.first == first for s in found), f"stale allowlist entry: {(page, first)}"


# ---------------------------------------------------------------- the book


def test_no_page_demonstrates_an_error_that_need_not_come():
    swallowed = [s for s in _book_swallowed() if not allowed(s)]
    assert not swallowed, (
        f"{len(swallowed)} error demonstrations pass without an error; use dlfp.book.expect_error "
        "(or allowlist a genuine fallback):\n" + "\n".join(map(str, swallowed))
    )


if __name__ == "__main__":  # list them: python -m tests.book.test_error_demos
    for s in _book_swallowed():
        print(("ALLOWED " if allowed(s) else "") + str(s))
