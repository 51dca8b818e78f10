"""Measure what a contributor waits for, with the commands a contributor types.

Reproduces the table of issue 16 in a throw-away copy of this checkout (the
working tree: tracked and untracked-but-not-ignored files; ``.venv`` is linked,
nothing is installed), so the checkout's own ``_build`` and cache are left alone:

1. ``make book`` from an empty ``_build`` — once per worker count (``--workers``,
   default ``1,2``: ``DLFP_EXEC_WORKERS``), each time from an empty cache;
   with ``--pytest``, first ``pytest tests/book/test_pages.py [-n N]`` from an
   empty cache per worker count, then ``make book``, which must execute nothing;
2. ``make book`` after editing one page's code (a comment line in its first cell);
3. ``make book`` after a one-line comment at the end of ``code/src/dlfp/nn/hooks.py``;
4. ``make page PAGE=…`` after adding a failing cell to that page (after its
   first code cell); the ``book/…/page.md:LINE`` in the error is checked
   against the line of the failing statement.

For each build it reports the wall time and, from ``_build/exec-log.json``,
which pages were executed and why. Install time is excluded (``make -o install``).

Usage (the full book takes minutes: run it on a quiet machine)::

    python tools/measure_rebuild.py                       # the whole book, strict flags
    python tools/measure_rebuild.py --pytest              # also pytest's page step, 1 and 2 workers
    python tools/measure_rebuild.py book/physicists-guide/01-tensor.md book/appendix/symbols.md
    python tools/measure_rebuild.py --workers 2 --edit book/appendix/symbols.md PAGES...

Given pages, the copy's ``_toc.yml`` lists only those (after the root page) and
the build is not strict (``JB_FLAGS=--keep-going``: links to the pages left out
would warn). ``--out FILE`` also writes the results as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_PAGES = "tests/book/test_pages.py"
FAILING = "raise RuntimeError('measure_rebuild: a failing cell')"


def copy_checkout(target: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for rel in filter(None, files):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    (target / ".venv").symlink_to((ROOT / ".venv").resolve())


def subset_toc(root: Path, pages: list[str]) -> None:
    chapters = "".join(f"  - file: {p.removesuffix('.md')}\n" for p in pages)
    (root / "_toc.yml").write_text(f"format: jb-book\nroot: book/intro\nchapters:\n{chapters}")


def run(root: Path, command: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result


def executed(root: Path) -> dict[str, str]:
    log = json.loads((root / "_build" / "exec-log.json").read_text())["pages"]
    return {page: entry["reason"] for page, entry in sorted(log.items()) if entry["executed"]}


def first_cell_end(lines: list[str]) -> int:
    """Index of the closing fence of the first code cell."""
    start = next(i for i, line in enumerate(lines) if line.startswith("```{code-cell}"))
    return next(i for i in range(start + 1, len(lines)) if lines[i].startswith("```"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="build only these pages (default: the whole book)")
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2],
        help="worker counts of the clean executions, comma-separated (default 1,2)",
    )
    parser.add_argument("--edit", help="the page to edit and break (default: the first page given, else 01-tensor)")
    parser.add_argument("--out", type=Path, help="also write the results to this JSON file")
    parser.add_argument(
        "--pytest", action="store_true", help="first time pytest's page step per worker count, then a build after it"
    )
    args = parser.parse_args(argv)
    edit = args.edit or (args.pages[0] if args.pages else "book/physicists-guide/01-tensor.md")
    results: list[dict] = []

    with tempfile.TemporaryDirectory(prefix="dlfp-measure-") as tmp:
        root = Path(tmp)
        copy_checkout(root)
        path = os.pathsep.join(filter(None, [str(root / "code" / "src"), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}  # the copy's dlfp first
        env.setdefault("DLFP_PROFILE", "quick")
        if args.pages:
            subset_toc(root, args.pages)
            env["JB_FLAGS"] = "--keep-going"
        book = ["make", "-o", "install", "book"]

        def step(name: str, command: list[str], **extra) -> subprocess.CompletedProcess:
            seconds, result = run(root, command, {**env, **extra})
            entry = {"step": name, "command": " ".join(command), "seconds": round(seconds, 1), "rc": result.returncode}
            if command == book and (root / "_build" / "exec-log.json").exists():
                entry["executed"] = executed(root)
            results.append(entry)
            ran = entry.get("executed")
            done = f", {len(ran)} pages executed" if ran is not None else ""
            print(f"{name}: {seconds:.1f} s, rc {result.returncode}{done}")
            for page, why in (ran or {}).items():
                print(f"    {page}: {why}")
            if result.returncode != 0 and command == book:
                print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
            return result

        if args.pytest:
            pages = [arg for p in args.pages for arg in ("--page", p)]
            for n in args.workers:
                shutil.rmtree(root / "_build", ignore_errors=True)
                xdist = [] if n == 1 else ["-n", str(n), "--dist", "worksteal"]
                command = [str(root / ".venv" / "bin" / "python"), "-m", "pytest", "-q", *xdist]
                step(f"pytest's page step from an empty cache, {n} worker(s)", [*command, TEST_PAGES, *pages])
            step("the build after pytest filled the cache (executes nothing)", book)

        for n in args.workers:
            shutil.rmtree(root / "_build", ignore_errors=True)
            step(f"clean executed build, {n} worker(s)", book, DLFP_EXEC_WORKERS=str(n))

        page = root / edit
        lines = page.read_text().splitlines()
        end = first_cell_end(lines)
        page.write_text("\n".join([*lines[:end], "# measure_rebuild: an edited line", *lines[end:]]) + "\n")
        step(f"rebuild after editing {edit}", book)

        hooks = root / "code" / "src" / "dlfp" / "hooks.py"
        hooks.write_text(hooks.read_text() + "# measure_rebuild: a one-line comment\n")
        step("rebuild after a one-line comment in code/src/dlfp/nn/hooks.py", book)

        lines = page.read_text().splitlines()
        end = first_cell_end(lines)
        cell = ["", "```{code-cell} ipython3", "x = 1", FAILING, "```"]
        page.write_text("\n".join([*lines[: end + 1], *cell, *lines[end + 1 :]]) + "\n")
        expected = f"{edit}:{end + 1 + cell.index(FAILING) + 1}"
        result = step(f"make page PAGE={edit} with a failing cell", ["make", "-o", "install", "page", f"PAGE={edit}"])
        found = re.findall(r"(book/\S+?\.md:\d+)", result.stdout + result.stderr)
        results[-1].update(reported=found[:1], expected=expected)
        print(f"    reported {found[:1]}, the failing line is {expected}")

    print("\n| step | seconds | pages executed |\n|---|---|---|")
    for entry in results:
        ran = entry.get("executed")
        count = "" if ran is None else f"{len(ran)}: {', '.join(Path(p).stem for p in ran)}"
        print(f"| `{entry['command']}` — {entry['step']} | {entry['seconds']} | {count} |")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
