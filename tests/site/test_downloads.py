"""The notebooks the website offers for download are the executed pages and run anywhere.

Every page with code offers ``_sources/<page>.ipynb``: the same code cells as
the page, the outputs the page shows, and a first cell that installs ``dlfp``
where it is missing. One of them is downloaded over HTTP and executed in a
fresh directory outside the repository; ``tests/book`` already executes every
page in an empty temporary directory (``run_in_temp``), which is what makes
all the others equally portable.
"""

from __future__ import annotations

import json
import urllib.request

import nbformat
import pytest
import yaml
from jupyter_cache.executors.utils import single_nb_execution

from tests.book.pages import ROOT, has_code, read_notebook, toc_pages


def code_sources(nb) -> list[str]:
    return [cell.source.strip() for cell in nb.cells if cell.cell_type == "code"]


def test_every_page_with_code_offers_its_executed_notebook(site):
    for page in toc_pages():
        source = read_notebook(page)
        if not has_code(source):
            continue
        offered = site / "_sources" / page.relative_to(ROOT).with_suffix(".ipynb")
        assert offered.is_file(), f"{page.relative_to(ROOT)}: no downloadable notebook"
        nb = nbformat.read(offered, as_version=4)
        nbformat.validate(nb)
        install, *cells = [c for c in nb.cells if c.cell_type == "code"]
        assert "dlfp-install" in install.metadata.get("tags", [])
        assert [c.source.strip() for c in cells] == code_sources(source), f"{offered}: code differs from the page"
        assert any(c.get("outputs") for c in cells), f"{offered}: no outputs, not the executed notebook"


def test_downloaded_notebook_runs_in_a_fresh_directory(base_url, tmp_path):
    url = f"{base_url}/_sources/book/physicists-guide/01-tensor.ipynb"
    with urllib.request.urlopen(url, timeout=30) as response:
        nb = nbformat.reads(response.read().decode("utf-8"), as_version=4)
    for cell in nb.cells:  # run it as a reader would: from a clean slate
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    result = single_nb_execution(nb, cwd=str(tmp_path), timeout=600, allow_errors=False)
    assert result.err is None, result.exc_string
    banner = nb.cells[[c.cell_type for c in nb.cells].index("code", 1)].outputs  # first cell after the install cell
    assert "profile" in json.dumps(banner), "the page's banner did not print"


@pytest.mark.parametrize("name", ["Colab", "Binder"])
def test_launch_buttons_point_at_the_published_notebook(site, name):
    from notebooks import launch_urls  # book/_ext, on sys.path via tests/conftest.py

    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    html = (site / "book" / "physicists-guide" / "01-tensor.html").read_text(encoding="utf-8")
    expected = launch_urls(repository, "notebooks", "book/physicists-guide/01-tensor")[name]
    assert f'href="{expected}"' in html, f"{name} button does not link to {expected}"
    assert expected.endswith(".ipynb")
