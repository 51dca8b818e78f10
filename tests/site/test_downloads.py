"""The notebooks the website offers for download are the executed pages and run anywhere.

Every page with code offers ``_sources/<page>.ipynb``: the same code cells as
the page, the outputs the page shows, and a first cell that installs ``dlfp``
where it is missing. :func:`test_every_download_runs_with_only_dlfp` runs
**every** one of them top to bottom, each in its own empty directory, in a
kernel of a virtual environment that holds only what a learner has:
``dlfp`` installed from ``code/`` (not editable), its declared dependencies
and ``ipykernel`` — no myst-nb, no Jupyter Book, no repository on the path
(``learner_python``: ``_build/learner-venv``, whose packages are linked from
the book's own environment, so nothing is installed twice). That kernel is also told a CUDA GPU is
present while ``DLFP_DEVICE=cpu`` (``tests/site/fake_gpu``), so every
``torch.cuda.is_available()`` branch of the pages runs and any tensor placed
on a device other than the one ``dlfp.pick_device()`` chose fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from toc import ROOT, has_code, read_notebook, toc_pages

from tests.site.learner_env import make_learner_venv

LEARNER_VENV = ROOT / "_build" / "learner-venv"
DOWNLOAD_STATS = ROOT / "_build" / "download-stats.json"
FAKE_GPU = Path(__file__).resolve().parent / "fake_gpu"
OFFLINE = Path(__file__).resolve().parent / "offline"
BOOK_ONLY = ("myst_nb", "jupyter_book", "jupyter_cache", "nbclient", "jupytext", "pytest", "sphinx")


def code_sources(nb) -> list[str]:
    return [cell.source.strip() for cell in nb.cells if cell.cell_type == "code"]


def test_every_page_with_code_offers_its_executed_notebook(site):
    for page in toc_pages():
        source = read_notebook(page)
        if not has_code(source):
            continue
        offered = site / "_sources" / page.relative_to(ROOT).with_suffix(".ipynb")
        assert offered.is_file(), f"{page.relative_to(ROOT)}: no downloadable notebook"
        nb = nbformat.read(offered, as_version=4)
        nbformat.validate(nb)
        install, *cells = [c for c in nb.cells if c.cell_type == "code"]
        assert "dlfp-install" in install.metadata.get("tags", [])
        assert [c.source.strip() for c in cells] == code_sources(source), f"{offered}: code differs from the page"
        assert any(c.get("outputs") for c in cells), f"{offered}: no outputs, not the executed notebook"


def test_the_download_button_serves_the_executed_notebook(site, base_url):
    page = "book/physicists-guide/01-tensor.ipynb"  # what the download button of that page links to
    html = (site / "book" / "physicists-guide" / "01-tensor.html").read_text(encoding="utf-8")
    assert "_sources/book/physicists-guide/01-tensor.ipynb" in html
    with urllib.request.urlopen(f"{base_url}/_sources/{page}", timeout=30) as response:
        assert response.read() == (site / "_sources" / page).read_bytes()


@pytest.mark.parametrize("name", ["Colab", "Binder"])
def test_launch_buttons_point_at_the_published_notebook(site, name):
    from notebooks import launch_urls  # book/_ext, on the path by pytest.ini's pythonpath

    repository = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    html = (site / "book" / "physicists-guide" / "01-tensor.html").read_text(encoding="utf-8")
    expected = launch_urls(repository, "notebooks", "book/physicists-guide/01-tensor")[name]
    assert f'href="{expected}"' in html, f"{name} button does not link to {expected}"
    assert expected.endswith(".ipynb")


@pytest.fixture(scope="session")
def learner_python() -> Path:
    """The python of a venv holding only dlfp (built from ``code/``, not editable), its
    declared dependencies and a kernel, linked from the book's environment (a few
    seconds, nothing downloaded: ``tests/site/learner_env.py``); made afresh each session
    so it holds the current code."""
    start = time.perf_counter()
    python = make_learner_venv(LEARNER_VENV, ROOT / "code")
    print(f"learner venv ready in {time.perf_counter() - start:.0f} s: {LEARNER_VENV}")
    return python


def test_the_learner_venv_holds_only_dlfp_and_a_kernel(learner_python):
    probe = (
        "import importlib.util, json, dlfp; "
        f"print(json.dumps({{m: importlib.util.find_spec(m) is not None for m in {BOOK_ONLY!r}}})); "
        "print(dlfp.__file__)"
    )
    out = subprocess.run([str(learner_python), "-c", probe], capture_output=True, text=True, check=True, cwd="/")
    present, location = out.stdout.splitlines()
    assert not any(json.loads(present).values()), f"the learner venv has book tooling: {present}"
    assert "site-packages" in location and str(ROOT / "code") not in location, location  # installed, not editable


def _learner_kernel(folder: Path, python: Path, name: str = "dlfp-learner", **env_overrides: str) -> str:
    """A kernelspec for ``python`` whose environment is a learner's: no build flag, no
    repository on the path; CPU forced while CUDA is reported present; the quick profile;
    MNIST from the repository's shipped test split (this machine is offline)."""
    spec = folder / "kernels" / name
    spec.mkdir(parents=True)
    env = {
        "DLFP_DEVICE": "cpu",
        "DLFP_PROFILE": "quick",
        "DLFP_DATA": str(ROOT / "data"),
        "DLFP_BOOK_BUILD": "0",
        "PYTHONPATH": str(FAKE_GPU),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        **env_overrides,
    }
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": name, "language": "python", "env": env})
    )
    return name


def _run_download(path: Path, kernel: str) -> tuple[float, str | None]:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # as a reader runs it: from a clean slate
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlfp-download-") as cwd:
        client = NotebookClient(nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": cwd}})
        try:
            client.execute()
        except Exception as err:  # CellExecutionError, a dead kernel or a timeout
            return time.perf_counter() - start, _failure(nb, err)
    return time.perf_counter() - start, None


def _failure(nb, err: Exception) -> str:
    """The failing cell (its number and source) and the error, without terminal colours."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    for index, cell in enumerate(code):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                frames = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(out.get("traceback", [])))
                return (
                    f"code cell {index + 1} of {len(code)}:\n{cell.source[:600]}\n--- "
                    f"{out['ename']}: {out['evalue']}\n{frames[-1500:]}"
                )
    return f"{type(err).__name__}: {str(err)[-1500:]}"


def test_every_download_runs_with_only_dlfp(site, learner_python, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    kernel = _learner_kernel(tmp_path, learner_python)
    downloads = sorted((site / "_sources").rglob("*.ipynb"))
    assert len(downloads) == sum(has_code(read_notebook(p)) for p in toc_pages())
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = dict(zip(downloads, pool.map(lambda p: _run_download(p, kernel), downloads), strict=True))
    wall = time.perf_counter() - start
    stats = {str(p.relative_to(site / "_sources")): round(seconds, 1) for p, (seconds, _) in results.items()}
    DOWNLOAD_STATS.write_text(json.dumps({"wall_seconds": round(wall, 1), "pages": stats}, indent=1))
    print(f"{len(downloads)} downloads executed in {wall:.0f} s wall ({sum(stats.values()):.0f} s summed)")
    failures = {p.relative_to(site / "_sources"): err for p, (_, err) in results.items() if err}
    assert not failures, "\n\n".join(f"{p}: {err}" for p, err in failures.items())


def test_a_download_without_data_says_in_one_line_what_to_do(site, learner_python, tmp_path, monkeypatch):
    # an offline learner with no MNIST anywhere: no DLFP_DATA, an empty user cache, no shipped copy
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"DLFP_DATA": "", "XDG_CACHE_HOME": str(empty), "PYTHONPATH": str(OFFLINE)}
    kernel = _learner_kernel(tmp_path, learner_python, "dlfp-offline", **env)
    nb = nbformat.read(site / "_sources" / "book" / "gradiens" / "module-5-cnn.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=600, resources={"metadata": {"path": str(empty)}})
    with pytest.raises(Exception, match="DataUnavailableError"):
        client.execute()
    error = next(o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error")
    assert error.ename == "DataUnavailableError", error.ename
    assert "unreachable" in error.evalue and "set DLFP_DATA to a directory" in error.evalue, error.evalue
    assert "\n" not in error.evalue  # one line saying what to do
