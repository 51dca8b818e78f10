"""No page asserts something that cannot fail.

An ``assert`` whose expression holds only literals and profile constants
checks nothing the page computed: ``assert EPOCHS > 0`` after
``EPOCHS = dlfp.pick(quick=2, full=20)``, or ``assert 22 == 22``. Neither does
a tautology such as ``assert x == x`` or ``assert y is y``. Each looks like a
check and passes whatever the code does.

Every code cell of every page is parsed with :mod:`ast` (read as the build
reads it, tests/book/pages.py). A name is a *profile constant* when every
binding of it on the page is a plain assignment of a constant expression:
a literal, a tuple/list/set/dict of them, arithmetic or comparisons of them,
another profile constant, or ``pick(quick=…, full=…)`` / ``dlfp.pick(…)`` of
them. A name bound in any other way anywhere on the page (a loop, a function
argument, ``+=``, an import, a call's result) is a measurement for this test.
An ``assert`` is flagged when its test is a constant expression, when one of
its ``and`` operands is, or when a comparison has the same expression on both
sides.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import pytest
from toc import ROOT, read_notebook, toc_pages

_MAGIC = re.compile(r"^\s*[%!].*$", re.M)  # IPython magics and shell escapes are not Python


@dataclass(frozen=True)
class Flagged:
    page: str
    line: int
    why: str
    source: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.source} ({self.why})"


# Calls whose value is fixed by their arguments: with constant arguments they are constants too.
PURE = {"pick", "range", "len", "min", "max", "abs", "int", "float", "round", "sum", "pow", "divmod", "bool", "str"}
PURE |= {"tuple", "list", "sorted", "reversed", "zip", "enumerate"}


def _is_pure_call(node: ast.Call) -> bool:
    func = node.func
    return (isinstance(func, ast.Name) and func.id in PURE) or (
        isinstance(func, ast.Attribute)
        and (func.attr == "pick" or (isinstance(func.value, ast.Name) and func.value.id == "math"))
    )


def is_constant(node: ast.AST, constants: set[str]) -> bool:
    """Whether ``node`` evaluates to the same value whatever the page computes."""
    match node:
        case ast.Constant():
            return True
        case ast.Name(id=name):
            return name in constants
        case ast.UnaryOp(operand=operand):
            return is_constant(operand, constants)
        case ast.BinOp(left=left, right=right):
            return is_constant(left, constants) and is_constant(right, constants)
        case ast.BoolOp(values=values):
            return all(is_constant(v, constants) for v in values)
        case ast.Compare(left=left, comparators=comparators):
            return all(is_constant(v, constants) for v in [left, *comparators])
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return all(is_constant(v, constants) for v in (test, body, orelse))
        case ast.Tuple(elts=elts) | ast.List(elts=elts) | ast.Set(elts=elts):
            return all(is_constant(v, constants) for v in elts)
        case ast.Dict(keys=keys, values=values):
            return all(k is not None and is_constant(k, constants) for k in keys) and all(
                is_constant(v, constants) for v in values
            )
        case ast.Call(args=args, keywords=keywords) if _is_pure_call(node):
            return all(is_constant(v, constants) for v in [*args, *(k.value for k in keywords)])
    return False


def _names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _bindings(tree: ast.AST):
    """Every ``(name, needs)`` a module binds: the binding is constant when every node in ``needs`` is.

    ``needs`` holds the assigned expression (``None`` for a binding that is not an assignment: an
    import, a function argument, ``with … as``) and the condition of every enclosing loop and
    ``if`` (a count kept in a loop over data is a measurement); a binding inside ``try`` is never
    constant (whether it runs depends on an error).
    """
    yield from _bind(tree, [])


def _bind(node: ast.AST, guards: list[ast.expr | None]):
    match node:
        case ast.Assign(targets=targets, value=value):
            for target in targets:
                if isinstance(target, ast.Tuple | ast.List) and isinstance(value, ast.Tuple | ast.List):
                    if len(target.elts) == len(value.elts):
                        for t, v in zip(target.elts, value.elts, strict=True):
                            yield from ((n, [v if isinstance(t, ast.Name) else None, *guards]) for n in _names(t))
                        continue
                if isinstance(target, ast.Name | ast.Tuple | ast.List):
                    yield from ((n, [value, *guards]) for n in _names(target))
        case ast.AnnAssign(target=ast.Name(id=name), value=value):
            yield name, [value, *guards]
        case ast.AugAssign(target=ast.Name(id=name), op=op, value=value):
            yield name, [ast.BinOp(left=ast.Name(id=name), op=op, right=value), *guards]
        case ast.For(target=target, iter=iterable) | ast.comprehension(target=target, iter=iterable):
            yield from ((n, [iterable, *guards]) for n in _names(target))  # an element of a constant iterable is one
        case ast.withitem(optional_vars=target) if target is not None:
            yield from ((n, [None]) for n in _names(target))
        case ast.NamedExpr(target=ast.Name(id=name)):
            yield name, [None]
        case ast.Import(names=names) | ast.ImportFrom(names=names):
            yield from ((alias.asname or alias.name.split(".")[0], [None]) for alias in names)
        case ast.FunctionDef(args=args) | ast.AsyncFunctionDef(args=args) | ast.Lambda(args=args):
            if not isinstance(node, ast.Lambda):
                yield node.name, [None]
            yield from ((a.arg, [None]) for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
            yield from ((a.arg, [None]) for a in (args.vararg, args.kwarg) if a is not None)
            guards = []  # a new scope: its body runs when called
        case ast.ClassDef(name=name):
            yield name, [None]
        case ast.ExceptHandler(name=name) if name:
            yield name, [None]
    if isinstance(node, ast.For | ast.AsyncFor):
        guards = [*guards, node.iter]
    elif isinstance(node, ast.While | ast.If | ast.IfExp):
        guards = [*guards, node.test]
    elif isinstance(node, ast.Try | ast.TryStar):
        guards = [*guards, None]
    for child in ast.iter_child_nodes(node):
        yield from _bind(child, guards)


def _possibly_mutated(tree: ast.AST):
    """Names whose object may change in place: a method called on it, an item stored, passed to a call."""
    for node in ast.walk(tree):
        match node:
            case ast.Attribute(value=ast.Name(id=name)):
                yield name
            case ast.Subscript(value=ast.Name(id=name), ctx=ast.Store() | ast.Del()):
                yield name
            case ast.Call(args=args, keywords=keywords) if not _is_pure_call(node):
                for arg in [*args, *(k.value for k in keywords)]:
                    yield from _names(arg)


_MUTABLE = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def profile_constants(trees: list[ast.AST]) -> set[str]:
    """Names every binding of which, across the page, is a constant expression.

    The greatest fixpoint: start from every name bound only by assignments and loops, and drop
    those with a binding that is not constant given the rest, until none drops. So ``rf`` in
    ``rf = 1; for k in (3, 2): rf = rf + k - 1`` is a constant, as it should be.
    """
    needs: dict[str, list[ast.expr | None]] = {}
    for tree in trees:
        for name, nodes in _bindings(tree):
            needs.setdefault(name, []).extend(nodes)
    mutated = {name for tree in trees for name in _possibly_mutated(tree)}
    constants = {
        name
        for name, ns in needs.items()
        if None not in ns and not (name in mutated and any(isinstance(n, _MUTABLE) for n in ns))
    }
    while True:
        dropped = {name for name in constants if not all(is_constant(n, constants) for n in needs[name])}
        if not dropped:
            return constants
        constants -= dropped


def _why(test: ast.expr, constants: set[str]) -> str | None:
    if is_constant(test, constants):
        return "only literals and profile constants"
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for operand in test.values:
            if (why := _why(operand, constants)) is not None:
                return f"an `and` operand: {why}"
    if isinstance(test, ast.Compare):
        sides = [test.left, *test.comparators]
        for left, op, right in zip(sides, test.ops, sides[1:], strict=False):
            if isinstance(op, ast.Eq | ast.Is | ast.LtE | ast.GtE) and ast.dump(left) == ast.dump(right):
                return "a tautology: the same expression on both sides"
    return None


def constant_asserts(cells: list[tuple[int, str]], page: str = "<snippet>") -> list[Flagged]:
    """Asserts that cannot fail in ``cells``, a list of ``(first line in the page, source)``."""
    parsed = []
    for first_line, source in cells:
        try:
            parsed.append((first_line, ast.parse(_MAGIC.sub("", source))))
        except SyntaxError:  # a cell that demonstrates a syntax error, or IPython syntax
            continue
    constants = profile_constants([tree for _, tree in parsed])
    flagged = []
    for first_line, tree in parsed:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert) and (why := _why(node.test, constants)) is not None:
                flagged.append(Flagged(page, first_line + node.lineno - 1, why, f"assert {ast.unparse(node.test)}"))
    return sorted(flagged, key=lambda f: f.line)


def page_cells(page) -> list[tuple[int, str]]:
    """The page's code cells as the build reads them, each with the page line its source starts on."""
    text = page.read_text(encoding="utf-8")
    cells, position = [], 0
    for cell in read_notebook(page).cells:
        if cell.cell_type != "code":
            continue
        found = text.find(cell.source, position) if cell.source else -1
        start = found if found >= 0 else position
        cells.append((text.count("\n", 0, start) + 1, cell.source))
        position = start + len(cell.source)
    return cells


PAGES = toc_pages()


def _book_flagged() -> list[Flagged]:
    return [f for page in PAGES for f in constant_asserts(page_cells(page), str(page.relative_to(ROOT)))]


# ---------------------------------------------------------------- the detector itself


@pytest.mark.parametrize(
    "cells, source",
    [
        (["rf = 22\nassert rf == 22"], "assert rf == 22"),
        (["import dlfp\nEPOCHS = dlfp.pick(quick=2, full=20)", "assert EPOCHS > 0"], "assert EPOCHS > 0"),
        (["N = pick(quick=100, full=1000)\nM = 2 * N + 1\nassert M % 2 == 1"], "assert M % 2 == 1"),
        (
            ["steps = 10\nassert (1 - 1e-3 * 1e-4) ** steps > 1 - 1e-5"],
            "assert (1 - 0.001 * 0.0001) ** steps > 1 - 1e-05",
        ),
        (["assert True"], "assert True"),
        (["for k in range(3):\n    assert k < 3"], "assert k < 3"),
        (
            [
                "rf, jump = 1, 1\nfor kernel, stride in [(3, 1), (2, 2)] * 3:\n    rf, jump = rf + (kernel - 1) * jump, jump * stride\nassert rf == 22"
            ],
            "assert rf == 22",
        ),
        (["total = 0\nfor k in (1, 2, 3):\n    total += k\nassert total == 6"], "assert total == 6"),
        (["x = model(inputs)\nassert x == x"], "assert x == x"),
        (["y = f()\nassert y is y"], "assert y is y"),
        (["A, B = 3, 4\nloss = train()\nassert A < B and loss < 1"], "assert A < B and loss < 1"),
        (
            ["SIZES = (8, 16)\nassert len(SIZES) == 2 or SIZES[0] == 8", "assert SIZES == (8, 16)"],
            "assert SIZES == (8, 16)",
        ),
    ],
)
def test_an_assert_that_cannot_fail_is_flagged(cells, source):
    flagged = constant_asserts([(1, c) for c in cells])
    assert [f.source for f in flagged] == [source]


@pytest.mark.parametrize(
    "cells",
    [
        ["rf = receptive_field(layers)\nassert rf == 22"],
        ["EPOCHS = pick(quick=2, full=20)\nhistory = fit(model, epochs=EPOCHS)\nassert len(history.loss) == EPOCHS"],
        ["n = 0\nfor batch in loader:\n    n += 1\nassert n == 10"],
        ["ok = False\nif loss < 1:\n    ok = True\nassert ok"],
        ["try:\n    f()\n    raised = False\nexcept ValueError:\n    raised = True\nassert raised"],
        [
            "sizes = [28]\nfor _ in range(3):\n    sizes.append(pool_output_size(sizes[-1], 2))\nassert sizes == [28, 14, 7, 3]"
        ],
        ["chain = []\nwalk(graph, chain)\nassert chain == ['SumBackward0']"],
        ["N = 3", "N = len(data)", "assert N == 3"],  # N is also bound to a measurement
        ["def f(x):\n    assert x > 0\n    return x"],
        ["import math\nassert math.pi > 3"],  # not a literal: a module attribute (weak, but not this test's class)
        ["x = torch.randn(3)\nassert torch.equal(x, x.clone())"],
        ["%time y = f()\nassert y > 0"],
        ["with expect_error(ValueError):\n    f(-1)\nassert caught"],
    ],
)
def test_an_assert_on_a_computed_value_is_not_flagged(cells):
    assert constant_asserts([(1, c) for c in cells]) == []


def test_flags_name_the_page_line():
    (flagged,) = constant_asserts([(10, "x = 1\n"), (20, "y = f()\n\nassert x < 2")], "book/p.md")
    assert str(flagged) == "book/p.md:22: assert x < 2 (only literals and profile constants)"


def test_page_lines_are_the_lines_of_the_page():
    page = ROOT / "book" / "foundations" / "week-1-shapes.md"
    lines = page.read_text(encoding="utf-8").split("\n")
    for first_line, source in page_cells(page):
        assert lines[first_line - 1] == source.split("\n")[0]


# ---------------------------------------------------------------- the book


def test_no_page_asserts_what_cannot_fail():
    flagged = _book_flagged()
    assert not flagged, f"{len(flagged)} asserts that cannot fail:\n" + "\n".join(map(str, flagged))


if __name__ == "__main__":  # list them: python -m tests.book.test_constant_asserts
    for f in _book_flagged():
        print(f)
