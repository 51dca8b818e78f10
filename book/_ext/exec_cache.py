"""Execute only the pages whose inputs changed, on every core, into one cache.

myst-nb (through jupyter-cache) reuses a page's stored outputs whenever the
page's code cells are unchanged: a page calling ``dlfp`` would show stale
outputs after ``dlfp`` changed. This extension keys every page on what its
last execution actually used:

* **the store** is jupyter-cache, one per profile, device kind and Python
  (``_build/.jupyter_cache/<profile>-<device>-py3.X``), so switching profile
  keeps the other profile's executions;
* **beside it**, ``dlfp-deps/<page>.json`` records, per page, the notebook
  hash jupyter-cache gave the execution and its dependencies — every file
  under ``code/src``, ``data/`` and ``requirements.txt`` the execution used,
  with its SHA-256 (exec_record.py says how they are found) — and why and
  when the page was executed;
* a cached page is **valid** when jupyter-cache matches its code, its record
  names that very execution, and every recorded file still has its hash.
  Otherwise it is executed again, and :func:`status` says why: ``cold cache``,
  ``its code changed``, ``a dependency changed: <files>``.

Both executors fill that store with :func:`exec_record.execute_page`:
``pytest`` (tests/book/test_pages.py, under pytest-xdist one page per worker)
and the build: before Sphinx reads any page (``env-get-outdated``), every
page that is not valid is executed here, in parallel, one process per core
(``DLFP_EXEC_WORKERS`` overrides), and the pages executed are re-read, so
myst-nb only ever merges outputs from the cache. A page that fails is
reported as ``book/…/page.md:LINE`` and excluded from myst-nb's own
execution (it fails the strict build either way; it is not run twice).

``_build/exec-log.json`` keeps, per page, what the last build did; the
``{dlfp-exec-log}`` directive renders it (book/appendix/execution.md).
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import exec_log  # noqa: E402  (book/_ext is not a package)
import exec_record  # noqa: E402

DEPS = "dlfp-deps"
LOG = "exec-log.json"


def cache_key() -> str:
    """The environment every page depends on: the profile, the device kind and the Python
    (``requirements.txt``, a dependency of every page, pins the rest)."""
    from dlfp.book.env import pick_device
    from dlfp.book.profile import current_profile

    return f"{current_profile()}-{pick_device().type}-py{sys.version_info.major}.{sys.version_info.minor}"


def cache_dir(root: Path, build_dir: Path) -> Path:
    """The jupyter-cache directory for the current profile and device."""
    return Path(build_dir) / ".jupyter_cache" / cache_key()


@contextmanager
def locked(path: Path):
    """Hold an exclusive lock on ``path`` (a lock file), across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def update_json(path: Path, key: str, value, *, fresh: bool = False) -> None:
    """Set ``key`` in the JSON object at ``path``, safe against concurrent writers."""
    path = Path(path)
    with locked(path.with_name(path.name + ".lock")):
        data = {} if fresh or not path.exists() else json.loads(path.read_text())
        data[key] = value
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(path)


def read_notebook(page: Path):
    """The notebook myst-nb builds from ``page`` (same reader, so same cache hash)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(Path(page).read_text(encoding="utf-8"), path=page)


def _stem(page: str) -> str:
    return page.removesuffix(".md").replace("/", "__")


class ExecutionCache:
    """jupyter-cache plus one dependency record per page, in ``path``."""

    def __init__(self, root: Path, path: Path):
        self.root, self.path = Path(root), Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = self.path / "dlfp.lock"

    def _jc(self):
        from jupyter_cache import get_cache

        return get_cache(self.path)

    def record(self, page: str) -> dict | None:
        file = self.path / DEPS / f"{_stem(page)}.json"
        return json.loads(file.read_text()) if file.exists() else None

    def status(self, page: str, nb) -> tuple[bool, str]:
        """``(True, "from cache")`` or ``(False, why it must execute)``."""
        with locked(self._lock):
            try:
                hit = self._jc().match_cache_notebook(nb)
            except KeyError:
                hit = None
        record = self.record(page)
        if hit is None:
            return False, "cold cache" if record is None else "its code changed"
        if record is None or record.get("hashkey") != hit.hashkey:
            return False, "no dependency record for the cached execution"
        if diff := exec_record.changed(self.root, record):
            return False, "a dependency changed: " + ", ".join(diff[:5]) + (" …" if len(diff) > 5 else "")
        return True, "from cache"

    def merged(self, nb):
        """``nb`` with the outputs of its cached execution (check :meth:`status` first)."""
        with locked(self._lock):
            return self._jc().merge_match_into_notebook(nb)[1]

    def store(self, outcome: exec_record.Outcome, reason: str, by: str) -> None:
        """Keep a successful execution and its dependency record."""
        from jupyter_cache.base import CacheBundleIn

        with locked(self._lock):
            cached = self._jc().cache_notebook_bundle(
                CacheBundleIn(outcome.nb, str(self.root / outcome.page), data={"execution_seconds": outcome.seconds}),
                check_validity=False,
                overwrite=True,
            )
            record = {
                "page": outcome.page,
                "hashkey": cached.hashkey,
                **outcome.deps.to_json(),
                "executed": {
                    "reason": reason,
                    "by": by,
                    "at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "seconds": round(outcome.seconds, 2),
                },
            }
            file = self.path / DEPS / f"{_stem(outcome.page)}.json"
            file.parent.mkdir(exist_ok=True)
            tmp = file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record, indent=1))
            tmp.replace(file)


def _execute_one(root: str, cache_path: str, page: str, reason: str, timeout: int) -> dict:
    """Execute and store one page (a worker process's task); a summary for the log."""
    cache = ExecutionCache(Path(root), Path(cache_path))
    path = Path(root) / page
    outcome = exec_record.execute_page(Path(root), path, read_notebook(path), timeout=timeout)
    if outcome.error is None:
        cache.store(outcome, reason, by="build")
    return {"page": page, "seconds": outcome.seconds, "where": outcome.where, "error": outcome.error}


def workers(n_pages: int) -> int:
    """One page per core (``DLFP_EXEC_WORKERS`` overrides), never more than pages."""
    wanted = int(os.environ.get("DLFP_EXEC_WORKERS") or os.cpu_count() or 1)
    return max(1, min(wanted, n_pages))


def execute_all(root: Path, cache_path: Path, todo: dict[str, str], timeout: int = 600) -> list[dict]:
    """Execute the pages of ``todo`` (page -> reason), in parallel, longest recorded first."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import shards

    times = shards.recorded_times()
    order = sorted(todo, key=lambda p: -times.get(p, 0.0))
    n = workers(len(order))
    if n == 1:
        return [_execute_one(str(root), str(cache_path), p, todo[p], timeout) for p in order]
    # fork: a worker starts with what Sphinx has imported (spawn would import torch again per worker)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context(method)) as pool:
        futures = [pool.submit(_execute_one, str(root), str(cache_path), p, todo[p], timeout) for p in order]
        return [f.result() for f in futures]


# --- Sphinx -------------------------------------------------------------------------------


def _set_cache_path(app, config) -> None:
    import re
    import shutil

    path = cache_dir(Path(app.srcdir), Path(app.outdir).parent)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.parent.iterdir():  # caches of the former whole-package key, named by a 16-digit hash
        if old.is_dir() and re.fullmatch(r"[0-9a-f]{16}", old.name):
            shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(path)


def notebook_pages(app, docnames: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """``({docname: page}, [page])``: the notebook pages with code, and those without (paths
    relative to the root)."""
    with_code, without = {}, []
    for docname in sorted(docnames):
        path = Path(app.env.doc2path(docname))
        if path.suffix != ".md" or not path.read_text(encoding="utf-8").startswith("---"):
            continue
        nb = read_notebook(path)
        if nb.metadata.get("kernelspec"):
            page = path.relative_to(app.srcdir).as_posix()
            if any(c.cell_type == "code" for c in nb.cells):
                with_code[docname] = page
            else:
                without.append(page)
    return with_code, without


def _execute_outdated(app, env, added, changed, removed) -> list[str]:
    """Before Sphinx reads: execute every page that is not valid; return them to be re-read."""
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    root = Path(app.srcdir)
    cache = ExecutionCache(root, Path(app.config.nb_execution_cache_path))
    pages, codeless = notebook_pages(app, env.found_docs)
    todo, log = {}, {}
    for page in pages.values():
        valid, reason = cache.status(page, read_notebook(root / page))
        if not valid:
            todo[page] = reason
        log[page] = {"executed": not valid, "reason": reason}
    if todo:
        logger.info(f"[dlfp] executing {len(todo)} of {len(pages)} pages on {workers(len(todo))} workers")
    start = time.perf_counter()
    results = execute_all(root, cache.path, todo, app.config.nb_execution_timeout) if todo else []
    failed = []
    for result in results:
        entry = log[result["page"]]
        entry["seconds"] = round(result["seconds"], 2)
        if result["error"] is not None:
            failed.append(result["page"])
            entry["failed_at"] = result["where"]
            docname = result["page"].removesuffix(".md")
            report = Path(app.outdir) / "reports" / f"{docname}.err.log"
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(f"{result['where']}\n{result['error']}", encoding="utf-8")
            logger.warning(
                f"{result['where']}: a cell failed (traceback in {report}):\n{result['error']}",
                location=(docname, None),
                type="dlfp",
                subtype="exec",
            )
    for page, entry in log.items():  # when, by whom and why the execution shown was made
        record = cache.record(page) if page not in failed else None
        entry["last_execution"] = (record or {}).get("executed")
        entry["depends_on"] = exec_log.depends_on(record)
    summary = {"elapsed_s": round(time.perf_counter() - start, 2), "workers": workers(len(todo)) if todo else 0}
    Path(app.outdir).parent.mkdir(parents=True, exist_ok=True)
    (Path(app.outdir).parent / LOG).write_text(json.dumps({"build": summary, "pages": log}, indent=1, sort_keys=True))
    # myst-nb executes nothing itself: a failed page is not run twice (rendered without outputs,
    # its warning fails the build), a page without code needs no kernel.
    if excluded := [str(root / p) for p in (*failed, *codeless)]:
        config = env.mystnb_config
        env.mystnb_config = config.copy(execution_excludepatterns=[*config.execution_excludepatterns, *excluded])
    executed = {p.removesuffix(".md") for p in todo}
    return sorted(d for d in executed if d in env.found_docs)


def setup(app):
    # Kernels inherit the build's environment: dlfp.book.glue stores values for the prose only here.
    from dlfp.book import BUILD_ENV_VAR

    os.environ[BUILD_ENV_VAR] = "1"
    app.connect("config-inited", _set_cache_path)
    app.connect("env-get-outdated", _execute_outdated)
    exec_log.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
