"""Per-page execution keys are never stale (book/_ext/exec_cache.py, exec_record.py).

A tiny repository in a temporary folder — a package ``pkg`` under ``code/src``,
a data file under ``data/``, five one-cell pages — is executed with the
book's executor into its own cache, then edited; each test checks which
pages the cache says must execute again, executes them, and compares.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from exec_cache import ExecutionCache, read_notebook
from exec_record import execute_page

from dlfp.book.profile import current_profile
from tests.book.test_build import HEADER, cell

PAGES = {
    # imports pkg.alpha directly
    "direct": "import pkg.alpha\nprint('direct', pkg.alpha.VALUE)",
    # imports pkg.beta, which imports pkg.alpha
    "indirect": "from pkg.beta import doubled\nprint('indirect', doubled())",
    # imports nothing of pkg
    "plain": "print('plain', 6 * 7)",
    # imports pkg.lazy only inside a function, and tries a module that does not exist yet
    "lazy": (
        "def late():\n    import pkg.lazy\n    return pkg.lazy.VALUE\n"
        "try:\n    import pkg.optional\nexcept ImportError:\n    pass\n"
        "print('lazy', late())"
    ),
    # reads the shipped data through pkg
    "data": "import pkg.reader\nprint('data', pkg.reader.total())",
}
READER = """\
from pathlib import Path

def total():
    return sum(map(int, (Path(__file__).parents[3] / "data" / "numbers.txt").read_text().split()))
"""


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    write(root, "requirements.txt", "torch\n")
    write(root, "code/src/pkg/__init__.py", "")
    write(root, "code/src/pkg/alpha.py", "VALUE = 1\n")
    write(root, "code/src/pkg/beta.py", "from pkg.alpha import VALUE\n\ndef doubled():\n    return 2 * VALUE\n")
    write(root, "code/src/pkg/lazy.py", "VALUE = 'late'\n")
    write(root, "code/src/pkg/unused.py", "VALUE = 0\n")
    write(root, "code/src/pkg/reader.py", READER)
    write(root, "data/numbers.txt", "1 2 3\n")
    for name, source in PAGES.items():
        write(root, f"book/{name}.md", HEADER + f"# {name}\n\n" + cell(source))
    monkeypatch.setenv("PYTHONPATH", str(root / "code" / "src"))  # the kernels import this pkg
    return root


def stale(root: Path, cache_path: Path, names=PAGES) -> dict[str, str]:
    """The pages whose cached execution is not valid, and why."""
    cache = ExecutionCache(root, cache_path)
    found = {name: cache.status(f"book/{name}.md", read_notebook(root / "book" / f"{name}.md")) for name in names}
    return {name: reason for name, (valid, reason) in found.items() if not valid}


def build(root: Path, cache_path: Path, names=PAGES) -> dict[str, str]:
    """What the build does: execute every page that is not valid; page -> why it executed."""
    cache = ExecutionCache(root, cache_path)
    executed = stale(root, cache_path, names)
    for name, reason in executed.items():
        page = root / "book" / f"{name}.md"
        outcome = execute_page(root, page, read_notebook(page), timeout=60)
        assert outcome.error is None, outcome.error
        cache.store(outcome, reason, by="test")
    return executed


def outputs(root: Path, cache_path: Path, name: str) -> str:
    nb = ExecutionCache(root, cache_path).merged(read_notebook(root / "book" / f"{name}.md"))
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_only_the_pages_that_used_a_file_execute_again(repo, tmp_path):
    cache = tmp_path / "cache"
    assert build(repo, cache) == dict.fromkeys(PAGES, "cold cache")
    assert build(repo, cache) == {}  # nothing changed: everything from the cache

    # (a) a module imported by one page, and through another module by a second page
    write(repo, "code/src/pkg/alpha.py", "VALUE = 5  # edited\n")
    again = build(repo, cache)
    assert again == {
        "direct": "a dependency changed: code/src/pkg/alpha.py",
        "indirect": "a dependency changed: code/src/pkg/alpha.py",
    }
    # (c) the incremental outputs are those of an execution from scratch
    scratch = tmp_path / "scratch"
    build(repo, scratch, names=again)
    for name in again:
        assert outputs(repo, cache, name) == outputs(repo, scratch, name), name
    assert "direct 5" in outputs(repo, cache, "direct") and "indirect 10" in outputs(repo, cache, "indirect")

    # (b) a module no page imports
    write(repo, "code/src/pkg/unused.py", "VALUE = 1  # edited\n")
    assert build(repo, cache) == {}

    # (d) a module imported lazily, inside a function, is tracked; so is a module that did not exist
    write(repo, "code/src/pkg/lazy.py", "VALUE = 'later'\n")
    assert build(repo, cache) == {"lazy": "a dependency changed: code/src/pkg/lazy.py"}
    write(repo, "code/src/pkg/optional.py", "")
    assert build(repo, cache) == {"lazy": "a dependency changed: code/src/pkg/optional.py"}

    # data read through the package, and the requirements
    write(repo, "data/numbers.txt", "4 5 6\n")
    assert build(repo, cache) == {"data": "a dependency changed: data/numbers.txt"}
    assert "data 15" in outputs(repo, cache, "data")
    write(repo, "requirements.txt", "torch\nnumpy\n")
    assert stale(repo, cache) == dict.fromkeys(PAGES, "a dependency changed: requirements.txt")
    write(repo, "requirements.txt", "torch\n")

    # its own code
    write(repo, "book/plain.md", HEADER + "# plain\n\n" + cell("print('plain', 6 * 9)"))
    assert build(repo, cache) == {"plain": "its code changed"}


def test_a_page_that_reads_an_untracked_file_depends_on_the_whole_package(repo, tmp_path):
    write(repo, "notes.txt", "not under code/src or data/\n")
    write(repo, "book/direct.md", HEADER + "# direct\n\n" + cell(f"print(open({str(repo / 'notes.txt')!r}).read())"))
    cache = tmp_path / "cache"
    build(repo, cache, names=("direct", "plain"))
    record = ExecutionCache(repo, cache).record("book/direct.md")
    assert record["whole_package"] == f"read {repo / 'notes.txt'}"
    assert "code/src/pkg/unused.py" in record["files"]  # every tracked file
    assert ExecutionCache(repo, cache).record("book/plain.md")["whole_package"] is None

    write(repo, "code/src/pkg/unused.py", "VALUE = 1  # edited\n")
    assert build(repo, cache, names=("direct", "plain")) == {"direct": "a dependency changed: code/src/pkg/unused.py"}
    write(repo, "code/src/pkg/new.py", "")  # under the whole-package key a new file counts too
    assert stale(repo, cache, names=("direct", "plain")) == {"direct": "a dependency changed: code/src/pkg/new.py"}


def test_a_failing_cell_names_the_page_and_line(repo):
    first = cell("import os\nprint('threads', os.environ.get('OMP_NUM_THREADS'))")
    source = "x = 1\n\ny = 2\nprint(x / (y - 2))  # line 4 of the cell"
    write(repo, "book/broken.md", HEADER + "# broken\n\nProse.\n\n" + first + "\n" + cell(source))
    page = repo / "book" / "broken.md"
    outcome = execute_page(repo, page, read_notebook(page), timeout=60)
    assert outcome.error is not None and "ZeroDivisionError" in outcome.error
    line = page.read_text().splitlines().index("print(x / (y - 2))  # line 4 of the cell") + 1
    assert outcome.where == f"book/broken.md:{line}"

    # pages run side by side, so in the quick profile each kernel gets one intra-op thread
    quick = current_profile() == "quick" and "OMP_NUM_THREADS" not in os.environ
    threads = "1" if quick else os.environ.get("OMP_NUM_THREADS")
    code = [c for c in outcome.nb.cells if c.cell_type == "code"]
    assert code[0].outputs[0]["text"] == f"threads {threads}\n"
