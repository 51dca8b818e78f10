import json
from datetime import date
from pathlib import Path

import pytest

from dlfp.book import benchmarks
from dlfp.book.benchmarks import _main, compare, load_run, load_runs, result_name, speedups
from tests.unit.bad_input import MISSING, fake_run


def write_run(path, when, commit, times, device="x86_64 CPU, 2 threads"):
    benches = [
        {
            "group": group,
            "name": f"test[{impl}]",
            "fullname": f"tests/benchmarks/test_x.py::test[{impl}-{group}]",
            "params": {"impl": impl},
            "extra_info": {"device": device},
            "stats": {"min": seconds},
        }
        for (group, impl), seconds in times.items()
    ]
    path.write_text(json.dumps({"datetime": when, "commit_info": {"id": commit}, "benchmarks": benches}))
    return path


@pytest.fixture
def results(tmp_path):
    write_run(tmp_path / "a.json", "2026-01-01", "aaa", {("g", "naive"): 1.0, ("g", "library"): 0.01})
    write_run(tmp_path / "b.json", "2026-01-02", "bbb", {("g", "naive"): 1.1, ("g", "library"): 0.02})
    return tmp_path


def test_compare_and_speedups(results):
    old, new = load_runs(results)
    changes = {c.name.split("[")[1]: c.ratio for c in compare(new, old)}
    assert changes == pytest.approx({"naive-g]": 1.1, "library-g]": 2.0})
    assert speedups(old) == [("g", 1.0, 0.01, pytest.approx(100.0))]


def test_cli_flags_regressions_beyond_threshold(results, capsys):
    assert _main(["compare", "--results", str(results)]) == 1  # library doubled
    assert "REGRESSION" in capsys.readouterr().out
    assert _main(["compare", "--results", str(results), "--threshold", "1.5"]) == 0


def test_different_devices_are_not_compared(tmp_path):
    a = load_run(write_run(tmp_path / "a.json", "1", "a", {("g", "naive"): 1.0}, device="cpu A"))
    b = load_run(write_run(tmp_path / "b.json", "2", "b", {("g", "naive"): 1.0}, device="gpu B"))
    with pytest.raises(ValueError, match="different devices"):
        compare(b, a)


def test_bad_file_is_refused(tmp_path):
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValueError, match="not a pytest-benchmark JSON"):
        load_run(tmp_path / "x.json")


def test_result_name():
    name = result_name("NVIDIA H100 80GB HBM3", "abc1234", date(2026, 11, 23))
    assert name == "2026-11-23_abc1234_nvidia-h100-80gb-hbm3.json"


def test_save_drops_raw_rounds_and_names_the_file(tmp_path):
    raw = tmp_path / "raw.json"
    raw.write_text(
        json.dumps(
            {
                "datetime": "2026-11-23T00:00:00",
                "commit_info": {"id": "abcdef1234"},
                "benchmarks": [
                    {
                        "group": "g",
                        "fullname": "t::x",
                        "params": {},
                        "extra_info": {"device": "Some GPU"},
                        "stats": {"min": 1.0, "data": [1.0, 2.0]},
                    }
                ],
            }
        )
    )
    from dlfp.book.benchmarks import save

    out = save(raw, tmp_path / "results")
    assert out.name.endswith("_abcdef1_some-gpu.json")
    assert "data" not in json.loads(out.read_text())["benchmarks"][0]["stats"]


def test_default_results_ship_with_the_package_and_a_missing_folder_is_explained(tmp_path):
    import tomllib

    import dlfp.book
    from dlfp.book.benchmarks import RESULTS, load_runs

    assert RESULTS == Path(dlfp.book.__file__).parent / "results" and load_runs()  # committed runs load
    pyproject = tomllib.loads((Path(__file__).resolve().parents[3] / "code" / "pyproject.toml").read_text())
    assert "results/*.json" in pyproject["tool"]["setuptools"]["package-data"]["dlfp.book"]  # shipped in wheels
    with pytest.raises(FileNotFoundError, match="directory must hold committed benchmark results"):
        load_runs(tmp_path / "absent")


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ('{"benchmarks": [{"name": 1}]}', r"benchmarks\[0\] must be a dict with a 'fullname' string"),
        ('{"benchmarks": [{"fullname": "t::a"}]}', r"benchmarks\[0\] \(t::a\) must have stats with a numeric 'min'"),
        ('{"benchmarks": [{"fullname": "t::a", "stats": {"min": "fast"}}]}', r"numeric 'min'"),
        (
            '{"benchmarks": 3}',
            r"not a pytest-benchmark JSON result with timed benchmarks \(found benchmarks=3 \(int\)\)",
        ),
        ('{"benchmarks": []}', r"with timed benchmarks"),
        ("[1, 2]", r"found a JSON list"),
        ('{"benchmarks": [', r"must be a pytest-benchmark JSON file"),
        (b"\xff\xfe\x00".decode("latin-1"), r"must be a pytest-benchmark JSON file"),
    ],
)
def test_damaged_result_files_are_named_by_both_readers(tmp_path, content, match):
    from dlfp.book.benchmarks import save

    path = tmp_path / "damaged.json"
    path.write_text(content, encoding="latin-1")
    with pytest.raises(ValueError, match=match):
        load_run(path)
    with pytest.raises(ValueError, match=match):
        save(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing was written


# Each public object of dlfp.book.benchmarks, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.benchmarks.load_run": [
        (lambda: benchmarks.load_run(3), TypeError, r"path must be a str or os\.PathLike path, got 3 \(int\)"),
        (lambda: benchmarks.load_run(MISSING), FileNotFoundError, r"path must be an existing file"),
        (
            lambda: benchmarks.load_run(Path(__file__)),
            ValueError,
            r"path must be a pytest-benchmark JSON file, got .*test_benchmarks\.py",
        ),
    ],
    "dlfp.book.benchmarks.load_runs": [
        (
            lambda: benchmarks.load_runs("/nonexistent-dlfp-dir"),
            FileNotFoundError,
            r"directory must hold committed benchmark results, but /nonexistent-dlfp-dir does not exist",
        ),
        (lambda: benchmarks.load_runs(3), TypeError, r"directory must be a str or os.PathLike path, got 3"),
    ],
    "dlfp.book.benchmarks.previous_on_same_device": [
        (lambda: benchmarks.previous_on_same_device([], "run"), TypeError, r"run must be a Run, got 'run' \(str\)"),
        (lambda: benchmarks.previous_on_same_device([3], fake_run()), TypeError, r"runs\[0\] must be a Run"),
    ],
    "dlfp.book.benchmarks.compare": [
        (lambda: benchmarks.compare("a", fake_run()), TypeError, r"new must be a Run"),
    ],
    "dlfp.book.benchmarks.speedups": [
        (lambda: benchmarks.speedups(None), TypeError, r"run must be a Run, got None"),
    ],
    "dlfp.book.benchmarks.result_name": [
        (lambda: benchmarks.result_name(device=3, commit="abc"), TypeError, r"device must be a str or None"),
    ],
    "dlfp.book.benchmarks.save": [
        (lambda: benchmarks.save(MISSING), FileNotFoundError, r"raw must be an existing file"),
    ],
}
