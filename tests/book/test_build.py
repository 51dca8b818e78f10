"""The build is strict and never serves stale output.

Each test builds a small book in a temporary directory with the project's own
``_config.yml`` and cache extension, so it tests the real configuration
without touching the real book.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from toc import ROOT

pytestmark = pytest.mark.slow

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def cell(source: str, tags: tuple[str, ...] = ()) -> str:
    meta = f":tags: [{', '.join(tags)}]\n\n" if tags else ""
    return f"```{{code-cell}} ipython3\n{meta}{textwrap.dedent(source).strip()}\n```\n"


def make_book(root: Path, pages: dict[str, str], probe_value: int = 1) -> Path:
    """A book at ``root`` whose toc lists ``pages`` and whose ``code/src`` holds
    a module ``probe`` with ``VALUE = probe_value``."""
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    shutil.copytree(ROOT / "book" / "_ext", root / "book" / "_ext")
    shutil.copy(ROOT / "book" / "references.bib", root / "book" / "references.bib")
    (root / "requirements.txt").write_text("")
    (root / "book" / "intro.md").write_text("# Probe book\n")
    for name, body in pages.items():
        (root / "book" / f"{name}.md").write_text(HEADER + f"# {name}\n\n" + body)
    chapters = "".join(f"  - file: book/{name}\n" for name in pages)
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n{chapters}")
    (root / "book" / "references.bib").touch()
    set_probe(root, probe_value)
    return root


def set_probe(root: Path, value: int) -> None:
    src = root / "code" / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "probe.py").write_text(f"VALUE = {value}\n")


def build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    paths = [root / "code" / "src", ROOT / "code" / "src"]  # the probe, then this checkout's dlfp
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(map(str, paths)))
    jb = Path(sys.executable).with_name("jupyter-book")
    return subprocess.run(
        [str(jb), "build", "-W", "--keep-going", *extra, str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def html_text(root: Path, page: str) -> str:
    raw = (root / "_build" / "html" / "book" / f"{page}.html").read_text()
    return re.sub(r"<[^>]+>", "", raw)


def test_failing_cell_fails_the_build_and_names_page_and_cell(tmp_path):
    book = make_book(
        tmp_path,
        {
            "good": cell("print('fine')"),
            "broken": cell("x = 1") + cell("x / 0  # the failing cell"),
        },
    )
    result = build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    line = (book / "book" / "broken.md").read_text().splitlines().index("x / 0  # the failing cell") + 1
    assert f"book/broken.md:{line}: a cell failed" in log and "ZeroDivisionError" in log, log
    assert log.count("ZeroDivisionError: division by zero") <= 2, "the failing page must not be executed twice"


DEMO = "from dlfp.book import expect_error\n\nwith expect_error(ZeroDivisionError, match='division'):\n    1 / {d}"


def test_an_error_demonstration_builds_and_shows_the_error(tmp_path):
    book = make_book(tmp_path, {"expected-error": cell(DEMO.format(d=0)) + cell("print('after')")})
    result = build(book)
    assert result.returncode == 0, result.stdout + result.stderr
    text = html_text(book, "expected-error")
    assert "ZeroDivisionError: division by zero" in text and "after" in text


def test_a_demonstrated_error_that_does_not_come_fails_the_build(tmp_path):
    book = make_book(tmp_path, {"missing-error": cell(DEMO.format(d=1))})
    result = build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "missing-error.md" in log and "expected ZeroDivisionError matching 'division', but nothing was raised" in log


def test_changing_the_package_reexecutes_the_pages_that_use_it(tmp_path, monkeypatch):
    pages = {
        "uses-package": cell("import probe\nprint(f'probe value = {probe.VALUE}')"),
        "no-package": cell("print('no package here')"),
        "log": "```{dlfp-exec-log}\n```\n",
    }
    book = make_book(tmp_path, pages, probe_value=1)
    monkeypatch.setenv("PYTHONPATH", str(book / "code" / "src"))
    fill_as_pytest_does(book, "book/uses-package.md")  # pytest and the build share one cache
    first = build(book)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "probe value = 1" in html_text(book, "uses-package")
    log = exec_log(book)
    assert log["book/uses-package.md"]["executed"] is False  # pytest's execution, not run again
    assert log["book/uses-package.md"]["last_execution"]["by"] == "pytest"
    assert log["book/no-package.md"] == {**log["book/no-package.md"], "executed": True, "reason": "cold cache"}

    set_probe(book, 2)  # the page's code cells are unchanged; only the package changed
    second = build(book)  # an incremental build, as a contributor would run it
    assert second.returncode == 0, second.stdout + second.stderr
    text = html_text(book, "uses-package")
    assert "probe value = 2" in text and "probe value = 1" not in text
    log = exec_log(book)
    assert log["book/uses-package.md"] == {
        **log["book/uses-package.md"],
        "executed": True,
        "reason": "a dependency changed: code/src/probe.py",
    }
    assert log["book/no-package.md"]["executed"] is False  # from the cache
    table = html_text(book, "log")  # the execution appendix's table, of this build
    assert "executed: a dependency changed: code/src/probe.py" in table and "from cache" in table


def fill_as_pytest_does(book: Path, page: str) -> None:
    from exec_cache import ExecutionCache, cache_dir, read_notebook
    from exec_record import execute_page

    cache = ExecutionCache(book, cache_dir(book, book / "_build"))
    valid, reason = cache.status(page, read_notebook(book / page))
    outcome = execute_page(book, book / page, read_notebook(book / page), timeout=60)
    assert not valid and outcome.error is None, outcome.error
    cache.store(outcome, reason, by="pytest")


def exec_log(book: Path) -> dict:
    return json.loads((book / "_build" / "exec-log.json").read_text())["pages"]
