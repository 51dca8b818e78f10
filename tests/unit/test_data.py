import os
import socket
import time
from pathlib import Path

import pytest
import torch

from dlfp.data import DataUnavailableError, data_root, load_mnist, mnist_datasets
from dlfp.data.root import ENV_VAR

# The read-only mirror holding the MNIST test split only (DESIGN.md §6).
MIRROR = Path(os.environ.get(ENV_VAR) or Path(__file__).resolve().parents[3] / "shared" / "data")


def test_data_root_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_root() == tmp_path
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data_root() == tmp_path / "cache" / "dlfp"


@pytest.mark.skipif(
    not (MIRROR / "mnist" / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").is_file(),
    reason="the shared MNIST test-split mirror (../shared/data) is not beside this checkout",
)
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


@pytest.mark.skipif(
    not (MIRROR / "mnist" / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").is_file(),
    reason="the shared MNIST test-split mirror (../shared/data) is not beside this checkout",
)
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
