"""Read, compare and summarise the committed benchmark results.

Results are pytest-benchmark JSON files in ``dlfp/book/results/`` (``code/src/dlfp/book/results`` in
the repository), one per run, named ``<date>_<commit>_<device>.json``. Each benchmark's
``extra_info`` carries the device, dtype and derived rates (see ``tests/benchmarks``).

Command line (from the repository root)::

    python -m dlfp.book.benchmarks save RAW.json  # store a raw pytest-benchmark run in dlfp/book/results/
    python -m dlfp.book.benchmarks compare     # newest run against the previous one on the same device
    python -m dlfp.book.benchmarks compare NEW.json OLD.json --threshold 0.25

``compare`` exits with status 1 when a kernel's best time grew by more than
the threshold (default 25 %, above the run-to-run noise seen on shared CPUs).

Taught in: :ref:`app-benchmarks`
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dlfp._checks import check_path, check_type, describe

# The committed results ship inside the package (dlfp/book/results, package data), so the
# benchmarks appendix renders them wherever dlfp is installed, a wheel or Colab included.
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_THRESHOLD = 0.25


@dataclass(frozen=True)
class Run:
    """One benchmark run: its file, device, commit, time and per-benchmark records."""

    path: Path
    device: str
    commit: str
    datetime: str
    benchmarks: dict[str, dict]

    def seconds(self, name: str) -> float:
        return self.benchmarks[name]["stats"]["min"]


def _read_benchmarks(path: Path, name: str) -> dict:
    """The parsed JSON of a pytest-benchmark run; a damaged or foreign file is reported by file and entry."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{name} must be a pytest-benchmark JSON file, got {path} ({err})") from err
    benches = data.get("benchmarks") if isinstance(data, dict) else None
    if not isinstance(benches, list) or not benches:
        found = f"benchmarks={describe(benches)}" if isinstance(data, dict) else f"a JSON {type(data).__name__}"
        raise ValueError(f"{path} is not a pytest-benchmark JSON result with timed benchmarks (found {found})")
    for i, bench in enumerate(benches):
        stats = bench.get("stats") if isinstance(bench, dict) else None
        if not isinstance(bench, dict) or not isinstance(bench.get("fullname"), str):
            raise ValueError(f"{path}: benchmarks[{i}] must be a dict with a 'fullname' string, got {describe(bench)}")
        if (
            not isinstance(stats, dict)
            or not isinstance(stats.get("min"), (int, float))
            or isinstance(stats["min"], bool)
        ):
            raise ValueError(f"{path}: benchmarks[{i}] ({bench['fullname']}) must have stats with a numeric 'min'")
    return data


def load_run(path: str | Path) -> Run:
    """Load one pytest-benchmark JSON file.

    Raises:
        ValueError: if the file is not a pytest-benchmark result with timed benchmarks.
    """
    path = check_path("path", path, must_exist="file")
    data = _read_benchmarks(path, "path")
    benches = data["benchmarks"]
    device = (
        benches[0]
        .get("extra_info", {})
        .get("device", data.get("machine_info", {}).get("cpu", {}).get("brand_raw", "unknown"))
    )
    commit = data.get("commit_info", {}).get("id", "unknown")[:10]
    return Run(path, device, commit, data.get("datetime", ""), {b["fullname"]: b for b in benches})


def load_runs(directory: str | Path = RESULTS) -> list[Run]:
    """Every run in ``directory``, oldest first.

    Raises:
        FileNotFoundError: if ``directory`` does not exist (by default: the package data is missing).
    """
    directory = check_path("directory", directory)
    if not directory.is_dir():
        raise FileNotFoundError(
            f"directory must hold committed benchmark results, but {directory} does not exist; "
            "dlfp ships them as package data in dlfp/book/results: reinstall dlfp from the "
            "repository's code/ folder, or pass the folder explicitly"
        )
    runs = [load_run(p) for p in sorted(directory.glob("*.json"))]
    return sorted(runs, key=lambda r: r.datetime)


def previous_on_same_device(runs: list[Run], run: Run) -> Run | None:
    """The latest run in ``runs`` on ``run``'s device that is older than ``run``, or ``None``."""
    check_type("run", run, Run, "a Run")
    check_type("runs", runs, (list, tuple), "a list of Run")
    for i, r in enumerate(runs):
        check_type(f"runs[{i}]", r, Run, "a Run")
    earlier = [r for r in runs if r.device == run.device and r.datetime < run.datetime]
    return earlier[-1] if earlier else None


@dataclass(frozen=True)
class Change:
    name: str
    old_s: float
    new_s: float

    @property
    def ratio(self) -> float:
        return self.new_s / self.old_s


def compare(new: Run, old: Run) -> list[Change]:
    """Best-time change of every benchmark present in both runs.

    Raises:
        ValueError: if the runs were made on different devices.
    """
    check_type("new", new, Run, "a Run")
    check_type("old", old, Run, "a Run")
    if new.device != old.device:
        raise ValueError(f"runs are on different devices: {new.device!r} vs {old.device!r}")
    common = sorted(set(new.benchmarks) & set(old.benchmarks))
    return [Change(n, old.seconds(n), new.seconds(n)) for n in common]


def speedups(run: Run, slow: str = "naive", fast: str = "library") -> list[tuple[str, float, float, float]]:
    """(group, slow seconds, fast seconds, speed-up) for each group timing both implementations.

    A benchmark's implementation is its ``impl`` parameter; the naive side is
    any implementation other than ``fast``.
    """
    check_type("run", run, Run, "a Run")
    check_type("slow", slow, str, "a str")
    check_type("fast", fast, str, "a str")
    groups: dict[str, dict[str, float]] = {}
    for b in run.benchmarks.values():
        impl = (b.get("params") or {}).get("impl")
        if impl is None:
            continue
        groups.setdefault(b["group"], {})[impl] = b["stats"]["min"]
    rows = []
    for group, times in sorted(groups.items()):
        if fast in times and len(times) > 1:
            naive_impl = slow if slow in times else next(k for k in times if k != fast)
            rows.append((group, times[naive_impl], times[fast], times[naive_impl] / times[fast]))
    return rows


def result_name(device: str | None = None, commit: str | None = None, today: date | None = None) -> str:
    """``<date>_<commit>_<device>.json`` for a new run."""
    check_type("device", device, (str, type(None)), "a str or None")
    check_type("commit", commit, (str, type(None)), "a str or None")
    check_type("today", today, (date, type(None)), "a datetime.date or None")
    if device is None:
        from dlfp.book.env import device_name, pick_device

        device = device_name(pick_device())
    if commit is None:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
            ).stdout.strip()
            or "nocommit"
        )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", device).strip("-").lower()
    return f"{(today or date.today()).isoformat()}_{commit}_{slug}.json"


def save(raw: str | Path, directory: str | Path = RESULTS) -> Path:
    """Store a pytest-benchmark JSON run as ``<date>_<commit>_<device>.json``.

    The per-round timings (``stats.data``) are dropped: the summary statistics
    are what the book renders and compares, and the raw rounds would make
    every committed file megabytes long.

    Raises:
        ValueError: if ``raw`` is not a pytest-benchmark JSON run with timed benchmarks.
    """
    raw = check_path("raw", raw, must_exist="file")
    directory = check_path("directory", directory)
    data = _read_benchmarks(raw, "raw")
    for bench in data["benchmarks"]:
        bench["stats"].pop("data", None)
    device = data["benchmarks"][0].get("extra_info", {}).get("device")
    commit = data.get("commit_info", {}).get("id", "")[:7] or None
    out = directory / result_name(device=device, commit=commit)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1) + "\n")
    return out


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlfp.book.benchmarks")
    sub = parser.add_subparsers(dest="command", required=True)
    save_ = sub.add_parser("save", help="store a raw pytest-benchmark JSON in dlfp/book/results")
    save_.add_argument("raw")
    save_.add_argument("--results", default=str(RESULTS))
    cmp_ = sub.add_parser("compare", help="compare two runs on the same device")
    cmp_.add_argument("new", nargs="?", help="newer result (default: newest in dlfp/book/results)")
    cmp_.add_argument("old", nargs="?", help="older result (default: previous run on the same device)")
    cmp_.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    cmp_.add_argument("--results", default=str(RESULTS))
    args = parser.parse_args(argv)
    if args.command == "save":
        print(save(args.raw, args.results))
        return 0
    if not Path(args.results).is_dir():
        print(f"no results in {args.results}")
        return 0
    runs = load_runs(args.results)
    new = load_run(args.new) if args.new else (runs[-1] if runs else None)
    if new is None:
        print(f"no results in {args.results}")
        return 0
    old = load_run(args.old) if args.old else previous_on_same_device(runs, new)
    if old is None:
        print(f"{new.path.name}: no earlier run on {new.device!r} to compare with")
        return 0
    changes = compare(new, old)
    print(f"{new.path.name} vs {old.path.name} on {new.device} (threshold +{args.threshold:.0%})")
    regressions = 0
    for c in changes:
        flag = ""
        if c.ratio > 1 + args.threshold:
            flag, regressions = "  REGRESSION", regressions + 1
        print(f"{c.name:70s} {c.old_s * 1e6:12.1f} µs -> {c.new_s * 1e6:12.1f} µs  {c.ratio - 1:+7.1%}{flag}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(_main())
