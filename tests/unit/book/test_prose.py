"""dlfp.book.glue: myst-nb's format inside the build, harmless everywhere else."""

import subprocess
import sys

import pytest
from IPython.core.interactiveshell import InteractiveShell

from dlfp.book import BUILD_ENV_VAR, glue, prose


@pytest.fixture
def shown(monkeypatch):
    """Capture what glue hands to IPython's display, as a kernel would send it."""
    calls = []
    monkeypatch.setattr("IPython.get_ipython", lambda: InteractiveShell.instance())
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: calls.append((a, k)))
    return calls


def test_inside_the_build_the_output_is_myst_nb_s(shown, monkeypatch):
    from myst_nb.ext.glue import GLUE_PREFIX

    monkeypatch.setenv(BUILD_ENV_VAR, "1")
    glue("answer", 42, display=False)
    (bundle,), kwargs = shown[0]
    assert bundle == {GLUE_PREFIX + "text/plain": "42"} and kwargs["raw"] is True
    assert kwargs["metadata"]["scrapbook"] == {"name": "answer", "mime_prefix": GLUE_PREFIX}
    glue("shown", 7)
    (bundle,), kwargs = shown[1]
    assert bundle == {"text/plain": "7"} and kwargs["metadata"]["scrapbook"]["mime_prefix"] == ""
    import numpy as np

    glue("rate", np.float64(0.25), display=False)  # stored as 0.25, so {glue:text}`rate:.2f` can format it
    (bundle,), _ = shown[2]
    assert bundle == {GLUE_PREFIX + "text/plain": "0.25"}


def test_outside_the_build_numbers_are_dropped_and_figures_shown(shown, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.delenv(BUILD_ENV_VAR, raising=False)
    glue("answer", 42, display=False)
    assert shown == []  # its sentence lives in the page, not in the notebook
    glue("shown", 7)
    fig = plt.figure()
    glue("fig", fig, display=False)
    plt.close(fig)
    assert [a for a, _ in shown] == [(7,), (fig,)]  # plain display, no glue metadata
    assert all("metadata" not in k for _, k in shown)


def test_a_plain_python_process_needs_neither_ipython_nor_myst_nb():
    code = (
        "import sys; sys.modules['IPython'] = None; sys.modules['myst_nb'] = None\n"
        "from dlfp.book import glue\n"
        "glue('hidden', 1, display=False); glue('shown', 2)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "2\n"


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a non-empty str, got 3"):
        glue(3, 1)


# Each public object of dlfp.book.prose, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.prose.glue": [
        (lambda: prose.glue(3, 1.0), TypeError, r"name must be a non-empty str, got 3"),
    ],
}
