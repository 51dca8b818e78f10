"""dlfp.data.root: DLFP_DATA, then the user cache, then the repository's shipped copy."""

import socket
from pathlib import Path

import pytest

from dlfp.data import data_root, data_roots, load_mnist, mnist_datasets, root
from dlfp.data.idx import MNIST_FILES
from dlfp.data.root import ENV_VAR, _shipped_root
from tests.unit.bad_input import with_env

# The MNIST test split the repository ships as the offline default (data/, DESIGN.md §6).
MIRROR = Path(__file__).resolve().parents[3] / "data"


def test_data_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_root() == tmp_path / "cache" / "dlfp"


def test_data_roots_order(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert _shipped_root() == MIRROR  # dlfp runs from this checkout
    assert data_roots() == [tmp_path / "cache" / "dlfp", MIRROR]  # user cache, then the shipped copy
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "mine"))
    assert data_roots() == [tmp_path / "mine"]  # DLFP_DATA alone when set


def test_nothing_configured_finds_the_shipped_copy_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    split = load_mnist("test")
    assert len(split) == 10_000 and str(MIRROR) in split.source
    data = mnist_datasets(n_train=10, n_test=10)
    assert "offline fallback" in data.note


def test_user_cache_comes_before_the_shipped_copy(monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    raw = cache / "dlfp" / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, _ in MNIST_FILES["test"]:
        (raw / name).write_bytes((MIRROR / "mnist" / "MNIST" / "raw" / name).read_bytes())
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert str(raw) in load_mnist("test", download=False).source


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_data_variable_means_unset(monkeypatch, tmp_path, value):
    monkeypatch.setenv(ENV_VAR, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_root() == tmp_path / "cache" / "dlfp"
    assert data_roots()[0] == tmp_path / "cache" / "dlfp"
    assert len(data_roots()) == 2  # the shipped copy is still searched


def test_data_variable_naming_a_file_is_refused(monkeypatch, tmp_path):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "file"))
    with pytest.raises(NotADirectoryError, match=r"DLFP_DATA must name a directory, got .*file' \(not a directory\)"):
        data_root()
    with pytest.raises(NotADirectoryError, match=r"DLFP_DATA must name a directory"):
        load_mnist("test")


# Each public object of dlfp.data.root, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.root.data_root": [
        (with_env("DLFP_DATA", __file__, root.data_root), NotADirectoryError, r"DLFP_DATA must name a directory"),
    ],
    "dlfp.data.root.data_roots": [
        (with_env("DLFP_DATA", __file__, root.data_roots), NotADirectoryError, r"DLFP_DATA must name a directory"),
    ],
}
