"""The package keeps the layout DESIGN.md §3 gives it, and the tests keep mirroring it.

- the top level of ``dlfp`` holds only ``__init__.py`` and packages, among them
  the private ``_checks`` (argument checks: not a topic);
- each subpackage's ``__init__`` docstring is its reading order: it names every
  file of the package, and only those;
- ``tests/unit/`` mirrors the tree: ``dlfp/<pkg>/<mod>.py`` is tested in
  ``tests/unit/<pkg>/test_<mod>.py``, and no test module stands for a module
  that does not exist;
- a module stays under about 250 lines, and what a page shows with
  ``:pyobject:`` under about 40. Those still above are listed with their size
  today: they may only shrink, and leave the list once under the limit.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "code" / "src" / "dlfp"
UNIT = ROOT / "tests" / "unit"
MODULE_LINES = 250
SHOWN_LINES = 40

# Modules over MODULE_LINES, with their length when they were listed. Split them
# (one idea per file) and delete the entry; none may grow.
TO_SPLIT = {
    "autograd/numpy_nn.py": 299,
    "scripts/ddp_train.py": 298,
    "train/checkpoint.py": 473,
    "train/ddp.py": 335,
}
# Test modules that stand for no single module, and why.
CROSS_CUTTING_TESTS = {
    "test_bad_input.py": "every public entry point refuses bad input with a message naming the argument",
    "test_import_hygiene.py": "importing dlfp does no I/O",
    "test_seeded_runs.py": "every seeded trainer is bit-identical run to run",
    "data/test_offline_process.py": "data access in a process with no network",
}
# Modules tested by a test module of another name, and where.
TESTED_ELSEWHERE = {}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_top_level_holds_only_the_init_the_checks_and_packages():
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    files = {name for name in entries if (PACKAGE / name).is_file()}
    assert files == {"__init__.py"}, (
        f"top-level modules beyond __init__ (the checks are the private package _checks): {files}"
    )
    assert (PACKAGE / "_checks" / "__init__.py").is_file(), (
        "dlfp/_checks, the private package of argument checks, is missing"
    )
    for name in entries - files:
        assert (PACKAGE / name / "__init__.py").is_file(), f"dlfp/{name} is a folder without __init__.py"


@pytest.mark.parametrize("package", sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py")))
def test_each_package_docstring_names_its_files_in_reading_order(package):
    folder = PACKAGE / package
    doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert doc, f"dlfp/{package}/__init__.py has no docstring (its reading order)"
    named = set(re.findall(r"^\s+(\w+\.py)\b", doc, flags=re.M))
    present = {p.name for p in folder.glob("*.py") if p.name != "__init__.py"}
    assert named == present, (
        f"dlfp/{package}/__init__.py's reading order must name exactly its files: "
        f"missing {sorted(present - named)}, absent {sorted(named - present)}"
    )


def test_unit_tests_mirror_the_package():
    untested = []
    for module in modules():
        relative = module.relative_to(PACKAGE)
        mirror = UNIT / Path(*(p.lstrip("_") for p in relative.parent.parts)) / f"test_{relative.name}"
        if not mirror.is_file() and relative.as_posix() not in TESTED_ELSEWHERE:
            untested.append(f"{relative} (expected {mirror.relative_to(ROOT)})")
    assert not untested, f"modules without their mirrored test module: {untested}"
    orphans = []
    for test in sorted(UNIT.rglob("test_*.py")):
        relative = test.relative_to(UNIT)
        name = relative.name.removeprefix("test_")
        folders = [relative.parent, Path(*(f"_{p}" for p in relative.parent.parts))]
        if (
            not any((PACKAGE / folder / name).is_file() for folder in folders)
            and relative.as_posix() not in CROSS_CUTTING_TESTS
        ):
            orphans.append(relative.as_posix())
    assert not orphans, f"test modules that mirror no module of dlfp: {orphans}"


def test_modules_stay_under_the_size_limit():
    sizes = {m.relative_to(PACKAGE).as_posix(): lines(m) for m in modules()}
    over = {name: n for name, n in sizes.items() if n > MODULE_LINES and name not in TO_SPLIT}
    assert not over, f"modules over {MODULE_LINES} lines (split them: one idea per file): {over}"
    grown = {name: (TO_SPLIT[name], sizes.get(name)) for name in TO_SPLIT if sizes.get(name, 0) > TO_SPLIT[name]}
    assert not grown, f"listed modules may only shrink (listed, now): {grown}"
    done = [name for name in TO_SPLIT if sizes.get(name, 0) <= MODULE_LINES]
    assert not done, f"now under {MODULE_LINES} lines or gone, delete from TO_SPLIT: {done}"


def shown_objects() -> list[tuple[str, str, int]]:
    """(page, object, lines) for every ``:pyobject:`` literalinclude of a dlfp file."""
    shown = []
    for page in sorted((ROOT / "book").rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"```\{literalinclude\} (\S+)\n((?::[a-z-]+:[^\n]*\n)*)", text):
            target = (page.parent / match.group(1)).resolve()
            obj = re.search(r":pyobject: ([\w.]+)", match.group(2))
            if obj is None or target.suffix != ".py" or PACKAGE not in target.parents:
                continue
            body, node = ast.parse(target.read_text(encoding="utf-8")).body, None
            for part in obj.group(1).split("."):
                node = next((n for n in body if getattr(n, "name", None) == part), None)
                assert node is not None, f"{page.relative_to(ROOT)}: {obj.group(1)} not found in {match.group(1)}"
                body = getattr(node, "body", [])
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            source = target.read_text(encoding="utf-8").splitlines()[first - 1 : node.end_lineno]
            shown.append((page.relative_to(ROOT).as_posix(), obj.group(1), len(_selected(source, match.group(2)))))
    return shown


def _selected(source: list[str], options: str) -> list[str]:
    """The lines of ``source`` that ``:start-at:``/``:start-after:``/``:end-at:``/``:end-before:`` keep."""
    for option, after in (("start-at", 0), ("start-after", 1)):
        found = re.search(rf"^:{option}: (.*)$", options, flags=re.M)
        if found:
            index = next(i for i, line in enumerate(source) if found.group(1) in line)
            source = source[index + after :]
    for option, keep in (("end-at", 1), ("end-before", 0)):
        found = re.search(rf"^:{option}: (.*)$", options, flags=re.M)
        if found:
            index = next(i for i, line in enumerate(source) if found.group(1) in line)
            source = source[: index + keep]
    return source


# How many shown objects were over SHOWN_LINES when this test was written. Show the idea
# (``:pyobject: Class.forward`` with ``:dedent:``), not the scaffolding, and lower the number.
SHOWN_OVER_LIMIT = 30


def test_pages_show_short_objects():
    shown = shown_objects()
    assert shown, "no :pyobject: literalinclude found: the scan is broken"
    over = sorted((n, page, obj) for page, obj, n in shown if n > SHOWN_LINES)
    listing = "\n".join(f"  {n:4d} lines  {obj}  ({page})" for n, page, obj in over)
    assert len(over) <= SHOWN_OVER_LIMIT, f"{len(over)} shown objects over {SHOWN_LINES} lines:\n{listing}"
    assert len(over) == SHOWN_OVER_LIMIT, f"only {len(over)} now over {SHOWN_LINES}: lower SHOWN_OVER_LIMIT"


SUBJECT = ("tensor", "autograd", "nn", "optim", "models", "data", "train")
TAUGHT_IN = re.compile(r"^\s*Taught in:(.*?)(?:\n\s*\n|\Z)", re.M | re.S)
SECTIONS = ("Args:", "Shape:", "Raises:", "Taught in:")


def page_labels() -> dict[str, Path]:
    labels = {}
    for page in (ROOT / "book").rglob("*.md"):
        for label in re.findall(r"^\(([\w-]+)\)=\s*$", page.read_text(encoding="utf-8"), flags=re.M):
            labels[label] = page
    return labels


def documented(module: Path):
    """(name, docstring, must_have_taught_in) for the module and each of its public objects."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    relative = module.relative_to(PACKAGE)
    dotted = "dlfp." + ".".join(relative.with_suffix("").parts)
    yield dotted, ast.get_docstring(tree) or "", False
    subject = relative.parts[0] in SUBJECT
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            yield node.name, ast.get_docstring(node) or "", subject


@pytest.mark.parametrize("module", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_taught_in_names_a_page_that_names_the_object(module):
    """``Taught in: :ref:`label``` on every public object of the subject packages that a
    page names; every label resolves to a page that names the object; the sections come in
    torch's order (summary and maths, ``Args:``, ``Shape:``, ``Raises:``, ``Taught in:``)."""
    labels, problems = page_labels(), []
    texts = {page: page.read_text(encoding="utf-8") for page in set(labels.values())}
    every_page = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").rglob("*.md"))
    for name, doc, required in documented(module):
        positions = [doc.find(s) for s in SECTIONS if s in doc]
        if positions != sorted(positions):
            problems.append(f"{name}: sections out of order (want {', '.join(SECTIONS)})")
        found = TAUGHT_IN.search(doc)
        named_somewhere = re.search(rf"\b{re.escape(name.split('.')[-1])}\b", every_page) is not None
        if found is None:
            if required and named_somewhere:
                problems.append(f"{name}: no 'Taught in:' though a page names it")
            continue
        refs = re.findall(r":ref:`([\w-]+)`", found.group(1))
        if not refs:
            problems.append(f"{name}: 'Taught in:' names no page label (:ref:`label`): {found.group(1).strip()!r}")
        short = name.split(".")[-1] if name.startswith("dlfp.") else name
        for ref in refs:
            page = labels.get(ref)
            if page is None:
                problems.append(f"{name}: Taught in :ref:`{ref}`, a label no page defines")
            elif not re.search(rf"\b{re.escape(name if name.startswith('dlfp.') else short)}\b", texts[page]):
                problems.append(f"{name}: Taught in :ref:`{ref}`, but {page.relative_to(ROOT)} never names it")
    assert not problems, "\n".join(problems)
