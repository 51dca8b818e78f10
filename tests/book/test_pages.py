"""Execute every page of the book and fail on any error.

Pages are read with myst-nb's own reader and executed with nbclient in an
empty temporary directory, exactly as the build does (``run_in_temp``), so a
page cannot depend on files beside it, just as its downloaded notebook cannot.
The executed notebook is stored in the build's execution cache (book/_ext/exec_cache.py). A page that
the cache already holds — executed successfully with the same code, package,
requirements, profile and device — is not executed a second time unless
``--fresh`` is given; jupyter-cache only ever stores successful executions.
Every error fails the test, including one from a cell tagged ``raises-exception``
(nbclient would let such a cell raise, or not, and pass either way): a page
that demonstrates an error does it with ``dlfp.book.expect_error``, which fails
when the error does not come, and a tagged cell is refused before execution.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
import shards
from exec_cache import cache_dir
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

from dlfp.book import BUILD_ENV_VAR
from tests.book.pages import ROOT, has_code, read_notebook, toc_pages

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
    metafunc.parametrize("page", pages, ids=[str(p.relative_to(ROOT)) for p in pages])


@pytest.fixture(scope="session")
def execution_cache():
    path = cache_dir(ROOT, ROOT / "_build")
    path.mkdir(parents=True, exist_ok=True)
    return get_cache(path)


def test_page_executes(page, execution_cache, request, monkeypatch):
    monkeypatch.setenv(BUILD_ENV_VAR, "1")  # as the build: glued values are stored for the prose
    nb = read_notebook(page)
    if tagged := errors_allowed(nb):  # nbclient honours the tag even with allow_errors=False
        pytest.fail(
            f"{page.relative_to(ROOT)}: code cells {tagged} are tagged {ALLOW_ERROR_TAG!r}; "
            "demonstrate the error with dlfp.book.expect_error instead",
            pytrace=False,
        )
    if not request.config.getoption("fresh"):
        try:
            record = execution_cache.match_cache_notebook(nb)
            _record_shard(request, page, record.data.get("execution_seconds", 0.0))
            return  # executed successfully with identical inputs already
        except KeyError:
            pass
    with tempfile.TemporaryDirectory(prefix="dlfp-page-") as cwd:  # as the build does (run_in_temp)
        result = single_nb_execution(nb, cwd=cwd, timeout=TIMEOUT_S, allow_errors=False)
    if result.err is not None:
        where = f"{page.relative_to(ROOT)}, cell {failing_cell(nb)}"
        stem = str(page.relative_to(ROOT).with_suffix("")).replace("/", "__")
        log = keep_report(REPORTS, stem, nb, f"{where}\n{result.exc_string}")
        pytest.fail(f"{where} failed (log: {log.relative_to(ROOT)}):\n{result.exc_string}", pytrace=False)
    _assert_figures_are_images(page, nb)
    peak = _children_peak_rss()
    _record(page, seconds=result.time, peak_rss_bytes=peak)
    assert peak < MAX_RSS_BYTES, (
        f"{page.relative_to(ROOT)}: a kernel reached {peak / 2**30:.2f} GiB resident memory "
        f"(limit {MAX_RSS_BYTES / 2**30:.0f} GiB)"
    )
    execution_cache.cache_notebook_bundle(
        CacheBundleIn(nb, str(page), data={"execution_seconds": result.time}),
        check_validity=False,
        overwrite=True,
    )
    _record_shard(request, page, result.time)


_STARTED_MANIFESTS: set[Path] = set()


def _record_shard(request, page: Path, seconds: float) -> None:
    """Add the page to this shard's manifest (only when run with --shard)."""
    if not (spec := request.config.getoption("shard")):
        return
    path = shards.manifest_path(ROOT / "_build", *shards.parse_shard(spec))
    manifest = json.loads(path.read_text()) if path in _STARTED_MANIFESTS else {}  # fresh per run
    _STARTED_MANIFESTS.add(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest[str(page.relative_to(ROOT))] = seconds
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True))


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


def _record(page: Path, **values) -> None:
    STATS.parent.mkdir(parents=True, exist_ok=True)
    stats = json.loads(STATS.read_text()) if STATS.exists() else {}
    stats[str(page.relative_to(ROOT))] = values
    STATS.write_text(json.dumps(stats, indent=1, sort_keys=True))


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
