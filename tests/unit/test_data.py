import socket
import time
from pathlib import Path

import pytest
import torch

from dlfp.data import DataUnavailableError, data_root, data_roots, load_mnist, mnist_datasets
from dlfp.data.images import MNIST_FILES, _md5
from dlfp.data.root import ENV_VAR, _shipped_root

# The MNIST test split the repository ships as the offline default (data/, DESIGN.md §6).
MIRROR = Path(__file__).resolve().parents[2] / "data"


def test_data_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_root() == tmp_path / "cache" / "dlfp"


def test_shipped_test_split_is_the_official_one():
    raw = MIRROR / "mnist" / "MNIST" / "raw"
    assert {p.name for p in raw.iterdir()} == {name for name, _ in MNIST_FILES["test"]}
    for name, md5 in MNIST_FILES["test"]:
        assert _md5(raw / name) == md5, name


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


def test_test_split_from_read_only_mirror():
    split = load_mnist("test", root=MIRROR, download=False)
    assert split.images.shape == (10_000, 28, 28) and split.images.dtype == torch.uint8
    assert split.labels.shape == (10_000,) and split.labels.dtype == torch.int64
    assert set(split.labels.unique().tolist()) == set(range(10))
    assert "mirror" in split.source


def test_offline_fails_fast_with_advice(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise OSError("network disabled for this test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    start = time.perf_counter()
    with pytest.raises(DataUnavailableError, match=r"unreachable .* set DLFP_DATA"):
        load_mnist("train", root=tmp_path)
    assert time.perf_counter() - start < 10


def test_no_download_names_missing_files(tmp_path):
    with pytest.raises(DataUnavailableError, match="train-images-idx3-ubyte.gz"):
        load_mnist("train", root=tmp_path, download=False)


def test_corrupt_mirror_is_refused(tmp_path):
    raw = tmp_path / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (raw / name).write_bytes(b"not mnist")
    with pytest.raises(DataUnavailableError, match="corrupt"):
        load_mnist("test", root=tmp_path, download=False)


def test_unknown_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test', got 'val'"):
        load_mnist("val")


def test_mnist_datasets_offline_fallback_is_disjoint_and_disclosed(monkeypatch):
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    data = mnist_datasets(root=MIRROR, seed=0)
    assert "offline fallback" in data.note and "8,000 training and 2,000" in data.note
    train_x, _ = data.train.tensors
    test_x, _ = data.test.tensors
    assert train_x.shape == (8000, 1, 28, 28) and test_x.shape == (2000, 1, 28, 28)
    assert abs(train_x.mean()) < 0.1 and abs(train_x.std() - 1) < 0.1  # standardised
    # disjoint: no evaluation image appears in the training set
    train_keys = {hash(row.numpy().tobytes()) for row in train_x}
    assert not any(hash(row.numpy().tobytes()) in train_keys for row in test_x)
    small = mnist_datasets(n_train=100, n_test=50, root=MIRROR)
    assert len(small.train) == 100 and len(small.test) == 50
