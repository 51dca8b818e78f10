"""Every page follows the book's conventions (CONTRIBUTING.md, "Add or change a page").

Cheap checks, run before any page executes: a page is a MyST-markdown notebook
that jupytext reads as such, with one ``(label)=`` and one ``#`` title; a page
with code prints the execution banner in its first code cell; no cell is
tagged ``raises-exception`` (errors are demonstrated with ``expect_error``);
no ``.md`` file under book/ is left out of the table of contents.
"""

from __future__ import annotations

import re

import jupytext
import pytest
from toc import ROOT, has_code, read_notebook, toc_pages

PAGES = toc_pages()
IDS = [str(p.relative_to(ROOT)) for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_page_conventions(page):
    text = page.read_text(encoding="utf-8")
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    outside_code = re.sub(r"^(```+|:::+).*?^\1", "", body, flags=re.S | re.M)
    titles = re.findall(r"^# \S", outside_code, flags=re.M)
    assert len(titles) == 1, f"{len(titles)} top-level titles, expected one"
    assert re.search(r"^\([\w-]+\)=$", body, flags=re.M), "no (label)= target for cross-references"
    if not has_code(read_notebook(page)):
        return
    nb = jupytext.read(page)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert "dlfp.banner(" in first_code.source, "the first code cell must print dlfp.banner(device)"


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_no_cell_may_raise_unchecked(page):
    # nbclient lets a cell tagged raises-exception raise or not and passes either way;
    # an error demonstration uses dlfp.book.expect_error, which fails when the error does not come
    tagged = [
        index
        for index, cell in enumerate(c for c in read_notebook(page).cells if c.cell_type == "code")
        if "raises-exception" in cell.metadata.get("tags", [])
    ]
    assert not tagged, f"code cells {tagged} are tagged raises-exception; use `with expect_error(...)` instead"


def test_no_orphan_pages():
    listed = set(PAGES)
    orphans = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "book").rglob("*.md") if p not in listed)
    assert not orphans, f"pages missing from _toc.yml: {orphans}"
