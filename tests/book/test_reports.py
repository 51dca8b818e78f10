"""A failing page names its cell and leaves its traceback and notebook behind."""

from __future__ import annotations

import nbformat
from jupyter_cache.executors.utils import single_nb_execution
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.book.test_pages import failing_cell, keep_report


def test_failing_cell_is_named_and_reported(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# a page"),
            new_code_cell("x = 1"),
            new_code_cell("print('before the error')\nx / 0"),
            new_code_cell("print('never run')"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    result = single_nb_execution(nb, cwd=str(tmp_path), timeout=60, allow_errors=False)
    assert result.err is not None and "ZeroDivisionError" in result.exc_string
    assert failing_cell(nb) == "1 (code cell 2 of 3)"

    log = keep_report(tmp_path / "reports", "part__page", nb, result.exc_string)
    assert "ZeroDivisionError" in log.read_text()
    kept = nbformat.read(tmp_path / "reports" / "part__page.ipynb", as_version=4)
    assert "before the error" in kept.cells[2].outputs[0]["text"]  # outputs up to the failure are kept
