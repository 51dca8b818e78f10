"""Execute one page and record what its execution used.

One executor for ``pytest`` (tests/book/test_pages.py) and the Sphinx build
(exec_cache.py), so both fill one cache the same way. A page runs as myst-nb
runs it — nbclient through jupyter-cache's ``single_nb_execution``, in an
empty temporary directory — with two additions that leave the page alone:

1. the kernel starts with ``exec_probe.py`` (an IPython ``exec_lines``
   entry: no cell, no history entry), whose audit hook notes the files the
   page opens, the folders it lists, the imports it tries and the programs it
   starts;
2. one last cell, removed again before the notebook is stored, prints those
   with the modules in ``sys.modules`` whose files lie under ``code/src``.

From them :func:`dependencies` makes the page's dependency record: every
file under ``code/src``, ``data/`` or ``requirements.txt`` that the page used,
mapped to its SHA-256 (``None``: a module the page tried to import that did
not exist, so creating it matters too), and every folder it listed, mapped to
a hash of its listing. A page that read anything outside those (a user
cache, a file beside the repository) or started another Python cannot be
tracked precisely: it depends on the whole package (every file under
``code/src`` and ``data/``, and ``requirements.txt``), as before this record
existed, and the record says why.

A failing cell is located in the page: :func:`failure_location` maps the
traceback's line within the cell to ``book/…/page.md:LINE``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import sysconfig
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_cache.executors.utils import single_nb_execution

PROBE = Path(__file__).with_name("exec_probe.py")
TRACKED = ("code/src", "data", "requirements.txt")  # the files a page may depend on, relative to the root
RECORD_TAG = "dlfp-exec-record"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_hash(path: Path) -> str | None:
    """SHA-256 of a file's bytes, ``None`` if it does not exist."""
    try:
        return _hash_bytes(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def listing_hash(path: Path) -> str | None:
    """Hash of a folder's sorted entry names, ``None`` if it is not a folder."""
    try:
        names = sorted(os.listdir(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _hash_bytes("\n".join(names).encode())


def tracked_files(root: Path) -> list[str]:
    """Every tracked file (relative POSIX paths): the whole-package key."""
    found = []
    for rel in TRACKED:
        path = root / rel
        if path.is_file():
            found.append(rel)
        elif path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
                    found.append(p.relative_to(root).as_posix())
    return found


def whole_package(root: Path) -> dict[str, str | None]:
    return {rel: file_hash(root / rel) for rel in tracked_files(root)}


def _is_tracked(rel: str) -> bool:
    return any(rel == t or rel.startswith(t + "/") for t in TRACKED)


def _ignored_prefixes(cwd: str) -> list[str]:
    """Files a page may touch without depending on them: the interpreter and its
    packages (pinned by requirements.txt), temporary files, the kernel's own
    working folder, font and configuration caches, and the OS's pseudo-files."""
    import matplotlib
    from IPython.paths import get_ipython_dir
    from jupyter_core.paths import jupyter_config_dir, jupyter_data_dir, jupyter_runtime_dir

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, tempfile.gettempdir(), cwd, "/proc", "/sys", "/dev"}
    paths |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths |= {matplotlib.get_cachedir(), matplotlib.get_configdir(), get_ipython_dir()}
    paths |= {jupyter_config_dir(), jupyter_data_dir(), jupyter_runtime_dir(), "/usr/share/fonts", "/etc/fonts"}
    paths |= {"/usr/share/zoneinfo", "/etc/localtime", "/dev/null"}
    return sorted({os.path.realpath(p) for p in paths if p})


def _under(path: str, prefixes: list[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def _classify(real: str, root: Path, ignored: list[str]) -> tuple[str | None, bool]:
    """``(tracked path relative to the root, None)`` or ``(None, whether it is untracked)``.

    Inside the root only the tracked files count and only ignored folders inside it
    (a ``.venv``) are ignored, so a root that lies in the temporary folder still works.
    """
    if "__pycache__" in real:
        return None, False
    if real.startswith(f"{root}/"):
        rel = Path(real).relative_to(root).as_posix()
        if _is_tracked(rel):
            return rel, False
        return None, not _under(real, [p for p in ignored if p.startswith(f"{root}/")])
    return None, not _under(real, ignored)


@dataclass
class Dependencies:
    files: dict[str, str | None] = field(default_factory=dict)  # file -> SHA-256 (None: must not exist)
    listings: dict[str, str | None] = field(default_factory=dict)  # folder -> hash of its listing
    whole_package: str | None = None  # why the page depends on everything, or None

    def to_json(self) -> dict:
        return {"files": self.files, "listings": self.listings, "whole_package": self.whole_package}


def dependencies(root: Path, probe: dict, cwd: str, before: dict[str, str | None]) -> Dependencies:
    """The dependency record of one execution from what the probe saw.

    ``before`` is the hash of every tracked file taken before the page ran, so
    a file edited while the page ran is recorded as it was (and so re-runs it).
    """
    root = Path(os.path.realpath(root))
    src = root / "code" / "src"
    ignored = _ignored_prefixes(cwd)
    used: set[str] = {"requirements.txt"}
    outside: list[str] = []
    if not probe.get("installed"):
        outside.append("the probe did not run in the kernel")
    for name, path in probe["modules"].items():
        real = os.path.realpath(path)
        if not real.startswith(str(src) + "/"):
            outside.append(f"module {name} imported from {path}, not from {src}")
        elif "__pycache__" not in real:
            used.add(Path(real).relative_to(root).as_posix())
    for name in probe["imported"]:
        if name not in probe["modules"]:  # tried and failed: its files must keep not existing
            base = src.joinpath(*name.split("."))
            used |= {
                base.with_suffix(".py").relative_to(root).as_posix(),
                (base / "__init__.py").relative_to(root).as_posix(),
            }
    for path in probe["opened"]:
        rel, untracked = _classify(os.path.realpath(path), root, ignored)
        if rel is not None:
            used.add(rel)
        elif untracked:
            outside.append(f"read {path}")
    listings = {}
    for path in probe["listed"]:
        real = os.path.realpath(path)
        if not os.path.isdir(real):  # a search path that does not exist lists nothing
            continue
        rel, untracked = _classify(real, root, ignored)
        if rel is not None:
            listings[rel] = listing_hash(root / rel)
        elif untracked:
            outside.append(f"listed {path}")
    python = [s for s in probe["spawned"] if "python" in s or str(root) in s]
    if python:
        outside.append(f"started another Python, whose imports are not seen: {python[0]}")
    if outside:
        return Dependencies(files=dict(before), whole_package="; ".join(sorted(outside)[:3]))
    return Dependencies(
        files={rel: before[rel] if rel in before else file_hash(root / rel) for rel in sorted(used)},
        listings=dict(sorted(listings.items())),
    )


def changed(root: Path, recorded: dict) -> list[str]:
    """The recorded dependencies whose current content differs (empty: still valid)."""
    root = Path(root)
    files = recorded.get("files", {})
    diff = [rel for rel, digest in files.items() if file_hash(root / rel) != digest]
    diff += [
        f"{rel}/ (its listing)"
        for rel, digest in recorded.get("listings", {}).items()
        if listing_hash(root / rel) != digest
    ]
    if recorded.get("whole_package"):  # everything counts, new files too
        diff += sorted(set(tracked_files(root)) - files.keys())
    return sorted(diff)


def _record_cell_source(src: Path, tops: list[str]) -> str:
    return (
        "import json as _dlfp_json, sys as _dlfp_sys\n"
        f"_dlfp_src, _dlfp_tops = {str(src)!r}, {tops!r}\n"
        "_dlfp_probe = getattr(_dlfp_sys, '_dlfp_exec_probe', None) or {}\n"
        "print(_dlfp_json.dumps({\n"
        "    'installed': bool(_dlfp_probe),\n"
        "    'modules': {n: m.__file__ for n, m in list(_dlfp_sys.modules.items())\n"
        "                if isinstance(getattr(m, '__file__', None), str)\n"
        "                and (m.__file__.startswith(_dlfp_src) or n.partition('.')[0] in _dlfp_tops)},\n"
        "    **{k: sorted(v) if isinstance(v, set) else v for k, v in _dlfp_probe.items()},\n"
        "}))"
    )


@dataclass
class Outcome:
    page: str  # relative to the root
    nb: nbformat.NotebookNode  # executed (outputs up to the failure when it failed)
    seconds: float
    deps: Dependencies | None = None  # None when the page failed
    error: str | None = None  # the traceback
    where: str | None = None  # book/…/page.md:LINE of the failing line


def execute_page(root: Path, page: Path, nb, timeout: int = 600) -> Outcome:
    """Execute ``nb`` (read from ``page``) as the build does and record its dependencies."""
    root = Path(os.path.realpath(root))
    src = root / "code" / "src"
    tops = (
        sorted(p.stem for p in src.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file())
        if src.is_dir()
        else []
    )
    before = whole_package(root)
    nb.cells.append(nbformat.v4.new_code_cell(_record_cell_source(src, tops), metadata={"tags": [RECORD_TAG]}))
    run = f"__import__('runpy').run_path({str(PROBE)!r}, init_globals={{'TOPS': {tops!r}}});"
    rel = Path(os.path.realpath(page)).relative_to(root).as_posix()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlfp-page-") as cwd, _one_thread_in_quick():
        try:
            result = single_nb_execution(
                nb, cwd=cwd, timeout=timeout, allow_errors=False, extra_arguments=[f"--IPKernelApp.exec_lines={run}"]
            )
        except Exception:  # the kernel died (out of memory, a crash): nbclient raises, it does not report
            nb.cells.pop()
            where = failure_location(root, page, nb)
            return Outcome(rel, nb, time.perf_counter() - start, error=traceback.format_exc(), where=where)
        record = nb.cells.pop()
        if result.err is not None:
            return Outcome(rel, nb, result.time, error=result.exc_string, where=failure_location(root, page, nb))
        deps = dependencies(root, _probe_output(record), os.path.realpath(cwd), before)
    return Outcome(rel, nb, result.time, deps=deps)


def _probe_output(cell) -> dict:
    """What the record cell printed (its last line of JSON); an empty record if unreadable."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {"installed": False, "modules": {}, "imported": [], "opened": [], "listed": [], "spawned": []}


@contextmanager
def _one_thread_in_quick():
    """Quick profile: one intra-op thread per kernel (OMP_NUM_THREADS=1, unless set), so
    pages executed side by side, one per core, do not compete for the cores."""
    from dlfp.book.profile import current_profile

    if current_profile() != "quick" or "OMP_NUM_THREADS" in os.environ:
        yield
        return
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        yield
    finally:
        del os.environ["OMP_NUM_THREADS"]


def failure_location(root: Path, page: Path, nb) -> str:
    """``book/…/page.md:LINE`` of the line that failed (the cell's first line if unknown)."""
    rel = Path(os.path.realpath(page)).relative_to(Path(os.path.realpath(root))).as_posix()
    lines = Path(page).read_text(encoding="utf-8").splitlines()
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = next((c for c in code if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    if failed is None:
        return f"{rel} (the kernel died or timed out before a cell reported an error)"
    start = cell_start_line(lines, nb.cells.index(failed), nb)
    offset = 0
    error = next(o for o in failed.outputs if o.get("output_type") == "error")
    frames = re.findall(r"Cell In\[(\d+)\], line (\d+)", _ANSI.sub("", "\n".join(error.get("traceback", []))))
    mine = [int(line) for count, line in frames if int(count) == failed.get("execution_count")]
    if mine or frames:
        offset = (mine or [int(frames[0][1])])[0] - 1
    return f"{rel}:{start + offset}"


def cell_start_line(lines: list[str], index: int, nb) -> int:
    """1-based line in the page of the first source line of cell ``index``."""
    from myst_nb.core.read import read_myst_markdown_notebook

    mapped = read_myst_markdown_notebook("\n".join(lines), add_source_map=True)
    fence = mapped.metadata["source_map"][index]  # the line after the cell's opening fence (0-based)
    body = nb.cells[index].source.splitlines()
    for start in range(max(fence - 1, 0), len(lines)):
        if lines[start : start + len(body)] == body:
            return start + 1
    return fence + 1
