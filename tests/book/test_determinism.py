"""Two executions of the same page give the same outputs, timings apart.

Cells whose output reports a measured time are tagged ``timing`` and the
banner line carries the execution date; everything else — numbers, tables,
figures — must be identical between two runs on the same machine.
"""

from __future__ import annotations

import re

import pytest
from jupyter_cache.executors.utils import single_nb_execution
from toc import ROOT, read_notebook

PAGES = ["book/physicists-guide/01-tensor.md", "book/gradiens/module-3-training.md"]
BANNER = re.compile(r"^executed \d{4}-\d\d-\d\d \d\d:\d\d UTC .*$", re.MULTILINE)


def outputs(page):
    nb = read_notebook(page)
    result = single_nb_execution(nb, cwd=str(page.parent), timeout=600, allow_errors=False)
    assert result.err is None, result.exc_string
    kept = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "timing" in cell.metadata.get("tags", []):
            continue
        # A stream arrives in chunks whose boundaries depend on timing; compare the text.
        text = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream")
        kept.append((index, "stream", BANNER.sub("<banner>", text)))
        for out in cell.get("outputs", []):
            if "data" in out:
                kept.append((index, out.output_type, dict(out.data)))
            elif out.output_type == "error":
                kept.append((index, "error", out.get("ename"), out.get("evalue")))
    return kept


@pytest.mark.slow
@pytest.mark.parametrize("relpath", PAGES)
def test_two_executions_agree(relpath):
    page = ROOT / relpath
    if not page.exists():
        pytest.skip(f"{relpath} is not written yet")
    first, second = outputs(page), outputs(page)
    assert len(first) == len(second)
    for a, b in zip(first, second):
        assert a == b, f"{relpath}: cell {a[0]} differs between two executions"
