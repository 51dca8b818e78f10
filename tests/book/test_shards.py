"""Sharded execution: balanced plans, complete and exclusive coverage, merged caches."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
import shards
from exec_cache import update_json
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from nbformat.v4 import new_code_cell, new_notebook, new_output
from toc import ROOT, has_code, read_notebook, toc_pages

PAGES = [str(p.relative_to(ROOT)) for p in toc_pages() if has_code(read_notebook(p))]


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_every_page_is_in_exactly_one_shard(count):
    plan = shards.plan(PAGES, shards.recorded_times(), count)
    assert len(plan) == count
    dealt = [page for shard in plan for page in shard]
    assert sorted(dealt) == sorted(PAGES)  # complete and exclusive
    if count == 1:
        assert plan[0] == PAGES  # N = 1 is the ordinary build, in reading order


def test_recorded_times_balance_the_shards():
    times = shards.recorded_times()
    timed = [p for p in PAGES if p in times]  # a new page counts as the median until recorded
    assert len(timed) >= len(PAGES) // 2, "tests/book/page-times.json is stale: python book/_ext/shards.py record"
    totals = [sum(times[p] for p in shard) for shard in shards.plan(timed, times, 3)]
    assert max(totals) <= 4 / 3 * max(sum(totals) / 3, max(times[p] for p in timed)) + 1e-9  # LPT bound


def test_plan_is_longest_first_greedy():
    times = {"a": 5.0, "b": 4.0, "c": 3.0, "d": 3.0, "e": 1.0}
    assert shards.plan(list(times), times, 2) == [["a", "d"], ["b", "c", "e"]]
    assert shards.plan(["x", "y"], {}, 3) == [["x"], ["y"], []]  # unknown times count as the median


@pytest.mark.parametrize("spec", ["3", "2/2", "-1/2", "a/b", "0/0"])
def test_bad_shard_spec(spec):
    with pytest.raises(ValueError, match="shard must"):
        shards.parse_shard(spec)


def test_check_manifests():
    shards.check_manifests([{"a": 1.0}, {"b": 2.0}], ["a", "b"])
    cases = {
        "never executed: \\['b'\\]": [{"a": 1.0}],
        "executed more than once: \\['a'\\]": [{"a": 1.0, "b": 1.0}, {"a": 2.0}],
        "zero seconds: \\['b'\\]": [{"a": 1.0, "b": 0.0}],
        "not pages with code": [{"a": 1.0, "b": 1.0, "c": 1.0}],
    }
    for message, manifests in cases.items():
        with pytest.raises(AssertionError, match=message):
            shards.check_manifests(manifests, ["a", "b"])


def _executed(value: int):
    nb = new_notebook(cells=[new_code_cell(f"print({value})")])
    nb.cells[0].outputs = [new_output("stream", name="stdout", text=f"{value}\n")]
    return nb


def test_merged_cache_serves_every_shard_s_pages(tmp_path):
    for shard, value in (("one", 1), ("two", 2)):
        get_cache(tmp_path / shard).cache_notebook_bundle(
            CacheBundleIn(_executed(value), f"page{value}.md", data={"execution_seconds": 0.5}), check_validity=False
        )
    target = tmp_path / "merged"
    assert shards.merge_caches([tmp_path / "one", tmp_path / "two"], target) == 2
    merged = get_cache(target)
    for value in (1, 2):
        unexecuted = new_notebook(cells=[new_code_cell(f"print({value})")])
        _, nb = merged.merge_match_into_notebook(unexecuted)
        assert nb.cells[0].outputs[0]["text"] == f"{value}\n"
    assert isinstance(nb, nbformat.NotebookNode)


def _write_many(path: str, worker: int) -> None:
    for i in range(20):
        update_json(Path(path), f"w{worker}-{i}", i)


def test_concurrent_writers_lose_no_entry(tmp_path):
    """pytest-xdist workers add pages to one manifest and one statistics file at once."""
    target = tmp_path / "manifest.json"
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_write_many, [str(target)] * 4, range(4)))
    assert json.loads(target.read_text()) == {f"w{w}-{i}": i for w in range(4) for i in range(20)}
