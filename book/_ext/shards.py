"""Execute the book on N machines and build one site from the results.

Executing the pages is what takes time; the Sphinx build that follows takes
seconds once every execution is in jupyter-cache. So a sharded build is:

1. **plan** — the pages with code are dealt to N shards, longest first, each
   page to the shard with the least work so far (LPT scheduling), using the
   per-page times recorded in ``tests/book/page-times.json``; a page without a
   recorded time counts as the median.
2. **execute** — shard *i* runs ``pytest tests/book/test_pages.py --shard i/N``:
   its pages go into its execution cache, and ``_build/shard-i-of-N.json``
   records each page and the seconds its execution took.
3. **merge** — ``python book/_ext/shards.py merge SHARD_DIR ...`` copies every
   shard's cached notebooks and dependency records into this checkout's cache
   and **checks** that every page with code was executed exactly once, and not
   in zero seconds, and that every page's cached execution is valid here.
4. **build** — ``make book-all`` then renders the site from the cache, executing
   nothing.

With N = 1 the one shard is the ordinary ``pytest`` + build.
``python book/_ext/shards.py record`` refreshes the recorded times from the
last run's ``_build/page-stats.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))  # the other extensions of book/_ext
TIMES = ROOT / "tests" / "book" / "page-times.json"


def parse_shard(spec: str) -> tuple[int, int]:
    """``"i/N"`` → ``(i, N)`` with ``0 <= i < N``."""
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise ValueError(f"shard must look like i/N (e.g. 0/3), got {spec!r}") from None
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"shard must satisfy 0 <= i < N, got {spec!r}")
    return index, count


def plan(pages: Sequence[str], seconds: Mapping[str, float], count: int) -> list[list[str]]:
    """Deal ``pages`` to ``count`` shards so that their recorded times are balanced.

    Longest-processing-time first: sorted by time, each page goes to the shard
    with the least total so far; the makespan is at most 4/3 of the optimum.
    Pages keep their reading order within a shard.
    """
    if count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    known = [seconds[p] for p in pages if p in seconds]
    default = statistics.median(known) if known else 1.0
    cost = {p: seconds.get(p, default) for p in pages}
    shards: list[list[str]] = [[] for _ in range(count)]
    totals = [0.0] * count
    for page in sorted(pages, key=lambda p: (-cost[p], p)):
        lightest = min(range(count), key=lambda i: (totals[i], i))
        shards[lightest].append(page)
        totals[lightest] += cost[page]
    order = {p: i for i, p in enumerate(pages)}
    return [sorted(shard, key=order.__getitem__) for shard in shards]


def recorded_times(path: Path = TIMES) -> dict[str, float]:
    return json.loads(path.read_text()) if path.is_file() else {}


def manifest_path(build_dir: Path, index: int, count: int) -> Path:
    return Path(build_dir) / f"shard-{index}-of-{count}.json"


def check_manifests(manifests: Iterable[Mapping[str, float]], pages_with_code: Iterable[str]) -> None:
    """Every page with code executed exactly once, in more than zero seconds.

    Raises:
        AssertionError: naming the pages missing, executed twice, or "executed" in no time.
    """
    seen: dict[str, list[float]] = {}
    for manifest in manifests:
        for page, secs in manifest.items():
            seen.setdefault(page, []).append(secs)
    expected = set(pages_with_code)
    problems = []
    if missing := sorted(expected - seen.keys()):
        problems.append(f"never executed: {missing}")
    if twice := sorted(p for p, times in seen.items() if len(times) > 1):
        problems.append(f"executed more than once: {twice}")
    if zero := sorted(p for p, times in seen.items() if any(t <= 0 for t in times)):
        problems.append(f"'executed' in zero seconds: {zero}")
    if unknown := sorted(seen.keys() - expected):
        problems.append(f"not pages with code in _toc.yml: {unknown}")
    if problems:
        raise AssertionError("; ".join(problems))


def merge_caches(sources: Iterable[Path], target: Path) -> int:
    """Copy every cached notebook of the ``sources`` caches into ``target``, with the pages'
    dependency records (exec_cache.py); returns how many notebooks."""
    import shutil

    from exec_cache import DEPS
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    into = get_cache(target)
    copied = 0
    for source in sources:
        cache = get_cache(source)
        for record in cache.list_cache_records():
            bundle = cache.get_cache_bundle(record.pk)
            into.cache_notebook_bundle(
                CacheBundleIn(bundle.nb, record.uri, data=record.data), check_validity=False, overwrite=True
            )
            copied += 1
        for deps in sorted(Path(source, DEPS).glob("*.json")):
            Path(target, DEPS).mkdir(parents=True, exist_ok=True)
            shutil.copy2(deps, Path(target, DEPS, deps.name))
    return copied


def _pages_with_code() -> list[str]:
    from toc import has_code, read_notebook, toc_pages

    return [str(p.relative_to(ROOT)) for p in toc_pages() if has_code(read_notebook(p))]


def _pages_not_in_cache(cache_path: Path) -> list[str]:
    """Pages whose cached execution is missing or no longer valid (the build would execute them)."""
    from exec_cache import ExecutionCache, read_notebook

    cache = ExecutionCache(ROOT, cache_path)
    return [
        f"{page} ({why})"
        for page in _pages_with_code()
        for ok, why in [cache.status(page, read_notebook(ROOT / page))]
        if not ok
    ]


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="shards", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("plan", help="print the pages of each of N shards")
    show.add_argument("count", type=int)
    merge = sub.add_parser("merge", help="merge shard outputs (each a _build folder) and check them")
    merge.add_argument("shard_builds", nargs="+", type=Path)
    sub.add_parser("record", help="refresh tests/book/page-times.json from _build/page-stats.json")
    args = parser.parse_args(argv)

    if args.command == "plan":
        times = recorded_times()
        for i, shard in enumerate(plan(_pages_with_code(), times, args.count)):
            total = sum(times.get(p, 0.0) for p in shard)
            print(f"shard {i}/{args.count}: {len(shard)} pages, {total:.0f} s recorded")
            print("\n".join(f"  {p}" for p in shard))
    elif args.command == "merge":
        from exec_cache import cache_dir

        manifests = [json.loads(p.read_text()) for b in args.shard_builds for p in sorted(b.glob("shard-*-of-*.json"))]
        check_manifests(manifests, _pages_with_code())
        target = cache_dir(ROOT, ROOT / "_build")
        sources = [b / ".jupyter_cache" / target.name for b in args.shard_builds]
        if absent := [s for s in sources if not s.is_dir()]:
            raise SystemExit(f"no execution cache for this commit, profile and device in: {absent}")
        print(f"merged {merge_caches(sources, target)} executed pages from {len(sources)} shards into {target}")
        unmatched = _pages_not_in_cache(target)
        if unmatched:  # the build would execute these again
            raise SystemExit(f"the merged cache lacks a valid execution of: {unmatched}")
    else:
        stats = json.loads((ROOT / "_build" / "page-stats.json").read_text())
        times = {page: round(v["seconds"], 1) for page, v in sorted(stats.items())}
        TIMES.write_text(json.dumps(times, indent=1) + "\n")
        print(f"recorded {len(times)} page times in {TIMES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
