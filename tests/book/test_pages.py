"""Execute every page of the book and fail on any error.

Pages are read with myst-nb's own reader and executed by the build's own
executor (book/_ext/exec_record.py: nbclient in an empty temporary
directory, as myst-nb's ``run_in_temp``, with the dependency probe), so a
page cannot depend on files beside it, just as its downloaded notebook
cannot. Each execution goes into the build's execution cache with its
dependency record (book/_ext/exec_cache.py); a page whose cached execution is
still valid — same code, and every file it used unchanged — is not executed
again unless ``--fresh`` is given. Only successful executions are stored.
Every error fails the test with ``book/…/page.md:LINE`` of the failing line,
including one from a cell tagged ``raises-exception`` (nbclient would let such a
cell raise, or not, and pass either way): a page that demonstrates an error
does it with ``dlfp.book.expect_error``, which fails when the error does not
come, and a tagged cell is refused before execution.

Under pytest-xdist (``-n auto``) pages run one per worker; the statistics
(``_build/page-stats.json``) and shard manifests are written under a lock.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import nbformat
import pytest
import shards
from exec_cache import ExecutionCache, cache_dir, update_json
from exec_record import execute_page
from toc import ROOT, has_code, read_notebook, toc_pages

from dlfp.book import BUILD_ENV_VAR

TIMEOUT_S = 600  # per cell, as in _config.yml
MAX_RSS_BYTES = 4 * 2**30  # no page may need more than 4 GiB of memory (quick profile)
STATS = ROOT / "_build" / "page-stats.json"  # per-page execution time and peak memory
REPORTS = ROOT / "_build" / "reports"  # a failing page's traceback and partly executed notebook
ALLOW_ERROR_TAG = "raises-exception"  # nbclient lets a cell with this tag raise; the book does not


def pytest_generate_tests(metafunc):
    if "page" not in metafunc.fixturenames:
        return
    chosen = [Path(p).resolve() for p in metafunc.config.getoption("page")]
    pages = toc_pages()
    if chosen:
        unknown = [p for p in chosen if p not in pages]
        if unknown:
            raise pytest.UsageError(f"not in _toc.yml: {', '.join(map(str, unknown))}")
        pages = chosen
    pages = [p for p in pages if has_code(read_notebook(p))]  # prose pages need no kernel
    if spec := metafunc.config.getoption("shard"):
        index, count = shards.parse_shard(spec)
        names = [str(p.relative_to(ROOT)) for p in pages]
        mine = set(shards.plan(names, shards.recorded_times(), count)[index])
        pages = [p for p, name in zip(pages, names, strict=True) if name in mine]
    if metafunc.config.pluginmanager.hasplugin("xdist") and metafunc.config.getoption("numprocesses", None):
        times = shards.recorded_times()  # longest first, so no worker is left with a long page at the end
        pages.sort(key=lambda p: -times.get(str(p.relative_to(ROOT)), 0.0))
    metafunc.parametrize("page", pages, ids=[str(p.relative_to(ROOT)) for p in pages])


@pytest.fixture(scope="session")
def execution_cache():
    return ExecutionCache(ROOT, cache_dir(ROOT, ROOT / "_build"))


def test_page_executes(page, execution_cache, request, monkeypatch):
    monkeypatch.setenv(BUILD_ENV_VAR, "1")  # as the build: glued values are stored for the prose
    name = str(page.relative_to(ROOT))
    nb = read_notebook(page)
    if tagged := errors_allowed(nb):  # nbclient honours the tag even with allow_errors=False
        pytest.fail(
            f"{page.relative_to(ROOT)}: code cells {tagged} are tagged {ALLOW_ERROR_TAG!r}; "
            "demonstrate the error with dlfp.book.expect_error instead",
            pytrace=False,
        )
    valid, reason = execution_cache.status(name, nb)
    if request.config.getoption("fresh"):
        valid, reason = False, "forced (--fresh)"
    if valid:  # executed successfully with identical inputs already
        _record_shard(request, page, execution_cache.record(name)["executed"]["seconds"])
        return
    outcome = execute_page(ROOT, page, nb, timeout=TIMEOUT_S)
    if outcome.error is not None:
        stem = name.removesuffix(".md").replace("/", "__")
        log = keep_report(REPORTS, stem, nb, f"{outcome.where}\n{outcome.error}")
        pytest.fail(f"{outcome.where}: a cell failed (log: {log.relative_to(ROOT)}):\n{outcome.error}", pytrace=False)
    _assert_figures_are_images(page, nb)
    peak = _children_peak_rss()
    update_json(STATS, name, {"seconds": outcome.seconds, "peak_rss_bytes": peak, "reason": reason})
    assert peak < MAX_RSS_BYTES, (
        f"{name}: a kernel reached {peak / 2**30:.2f} GiB resident memory (limit {MAX_RSS_BYTES / 2**30:.0f} GiB)"
    )
    execution_cache.store(outcome, reason, by="pytest")
    _record_shard(request, page, outcome.seconds)


def _record_shard(request, page: Path, seconds: float) -> None:
    """Add the page to this shard's manifest (only when run with --shard; conftest starts it empty)."""
    if spec := request.config.getoption("shard"):
        path = shards.manifest_path(ROOT / "_build", *shards.parse_shard(spec))
        update_json(path, str(page.relative_to(ROOT)), seconds)


def errors_allowed(nb) -> list[int]:
    """Indices (code cells counted from 0) of cells whose tag lets them raise, or not, unchecked."""
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    return [i for i, cell in enumerate(code_cells) if ALLOW_ERROR_TAG in cell.metadata.get("tags", [])]


def failing_cell(nb) -> str:
    """Index of the first code cell with an error output (code cells counted from 0)."""
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    for index, cell in enumerate(code_cells):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return f"{index} (code cell {index + 1} of {len(code_cells)})"
    return "unknown (the kernel died or timed out)"


def keep_report(folder: Path, stem: str, nb, text: str) -> Path:
    """Write a failure's traceback (``stem.log``) and the partly executed notebook (``stem.ipynb``)."""
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{stem}.ipynb")
    log = folder / f"{stem}.log"
    log.write_text(text, encoding="utf-8")
    return log


def _children_peak_rss() -> int:
    """Largest resident set of any finished child process so far, in bytes.

    Kernels are children of this process and are reaped after each page, so
    after a page this is at least that page's peak; the running maximum is
    what the 4 GiB limit has to hold for.
    """
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def _assert_figures_are_images(page: Path, nb) -> None:
    """A figure that reaches the page as ``<Figure size ...>`` text lost its image
    (e.g. under ``MPLBACKEND=Agg`` a glued figure keeps only its repr)."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})  # glued outputs use keys like application/papermill.record/text/plain
            texts = [v for k, v in data.items() if k.endswith("text/plain") and isinstance(v, str)]
            has_image = any("image/" in k for k in data)
            if any(t.startswith("<Figure size") for t in texts) and not has_image:
                pytest.fail(f"{page.relative_to(ROOT)}: cell {index} shows a figure as text, not an image")
