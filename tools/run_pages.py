"""Execute book pages where the book's tool chain is absent, and time them.

The book's own harness (``tests/book/test_pages.py``) needs myst-nb,
jupyter-cache and nbclient. A machine lent for the ``full`` profile — a GPU
box, say — may have only ``dlfp``, its dependencies and IPython. This tool
splits the work in two:

    # here, in the book's venv: the pages as notebooks, read by myst-nb's own reader
    python tools/run_pages.py export _build/notebooks [book/…/page.md …]
    # there: every notebook in its own process and empty directory, N at a time
    DLFP_PROFILE=full python tools/run_pages.py run _build/notebooks --jobs 4 --json times.json

``run`` executes each code cell through IPython's ``InteractiveShell`` (so
``display`` and ``dlfp.book.glue`` behave as in a kernel, outside the build),
stops a page at its first failing cell, and writes, per page, the wall time,
the outcome and, for a failure, the cell and its error. Exit status 1 if any
page failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def export(folder: Path, pages: list[Path]) -> None:
    """Write each page (default: every page of ``_toc.yml`` with code) as ``folder/<page path>.ipynb``."""
    import nbformat

    sys.path.insert(0, str(ROOT / "book" / "_ext"))  # the build's own page list
    from toc import has_code, read_notebook, toc_pages

    for page in pages or toc_pages():
        nb = read_notebook(page.resolve())
        if not has_code(nb):
            continue
        name = str(page.resolve().relative_to(ROOT).with_suffix("")).replace("/", "__")
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{name}.ipynb")


def run_one(notebook: Path) -> int:
    """Run one notebook's code cells in this process (called in a fresh subprocess)."""
    os.environ.setdefault("MPLBACKEND", "Agg")  # figures are made and closed, never shown
    from IPython.core.interactiveshell import InteractiveShell

    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    shell = InteractiveShell.instance(colors="nocolor")
    for index, cell in enumerate(cells):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        result = shell.run_cell(source, silent=False, store_history=False)
        if not result.success:
            first = next((line for line in source.splitlines() if line.strip()), "")
            print(f"\nFAILED code cell {index + 1} of {len(cells)}, starting {first!r}", file=sys.stderr)
            return 1
    return 0


def _run_in_subprocess(notebook: Path, logs: Path, timeout: float | None = None) -> dict:
    start = time.perf_counter()
    log = logs / f"{notebook.stem}.log"
    with tempfile.TemporaryDirectory(prefix="dlfp-page-") as cwd, log.open("w") as out:
        try:
            code = subprocess.call(
                [sys.executable, str(Path(__file__).resolve()), "one", str(notebook.resolve())],
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:  # subprocess.call kills the page's process
            code = None
    record = {"seconds": round(time.perf_counter() - start, 1), "ok": code == 0}
    if code is None:
        record["error"] = f"did not finish within {timeout:.0f} s"
    elif code:
        record["error"] = log.read_text(errors="replace")[-3000:]
    return record


def run(folder: Path, jobs: int, report: Path | None, logs: Path | None = None, timeout: float | None = None) -> int:
    """Run every notebook of ``folder``; the report is rewritten as each page ends, so a run
    stopped by a time limit still says what finished. Each page's output goes to ``logs``."""
    notebooks = sorted(folder.glob("*.ipynb"))
    logs = logs or (report.parent if report else folder) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    summary = {
        "profile": os.environ.get("DLFP_PROFILE", "(default)"),
        "device": os.environ.get("DLFP_DEVICE", "(default)"),
        "jobs": jobs,
        "pages": {},
    }
    start = time.perf_counter()

    def one(notebook: Path) -> None:
        record = _run_in_subprocess(notebook, logs, timeout)
        with lock:
            summary["pages"][notebook.stem.replace("__", "/") + ".md"] = record
            summary["wall_seconds"] = round(time.perf_counter() - start, 1)
            if report:
                report.write_text(json.dumps(summary, indent=1, sort_keys=True))
            print(f"{'ok  ' if record['ok'] else 'FAIL'} {record['seconds']:7.1f} s  {notebook.stem}", flush=True)

    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, notebooks))
    pages = summary["pages"]
    failed = [p for p, r in pages.items() if not r["ok"]]
    print(f"{len(pages) - len(failed)}/{len(pages)} pages passed in {time.perf_counter() - start:.0f} s wall")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("export", help="pages -> notebooks (needs the book's venv)")
    ex.add_argument("folder", type=Path)
    ex.add_argument("pages", nargs="*", type=Path)
    rn = sub.add_parser("run", help="execute every notebook of a folder (needs dlfp and IPython)")
    rn.add_argument("folder", type=Path)
    rn.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    rn.add_argument("--json", type=Path, default=None)
    rn.add_argument("--logs", type=Path, default=None, help="folder for each page's output (default: beside --json)")
    rn.add_argument("--timeout", type=float, default=None, help="seconds a page may take before it is stopped")
    one = sub.add_parser("one", help=argparse.SUPPRESS)
    one.add_argument("notebook", type=Path)
    args = parser.parse_args(argv)
    if args.command == "export":
        export(args.folder, args.pages)
        return 0
    if args.command == "one":
        return run_one(args.notebook)
    return run(args.folder, args.jobs, args.json, args.logs, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
