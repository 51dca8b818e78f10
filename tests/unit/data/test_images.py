import socket
import time
from pathlib import Path

import pytest
import torch

from dlfp.data import DataUnavailableError, images, load_mnist, mnist_datasets

# The MNIST test split the repository ships as the offline default (data/, DESIGN.md §6).
MIRROR = Path(__file__).resolve().parents[3] / "data"


def test_test_split_from_read_only_mirror():
    split = load_mnist("test", root=MIRROR, download=False)
    assert split.images.shape == (10_000, 28, 28) and split.images.dtype == torch.uint8
    assert split.labels.shape == (10_000,) and split.labels.dtype == torch.int64
    assert set(split.labels.unique().tolist()) == set(range(10))
    assert "mirror" in split.source


def test_offline_fails_fast_with_advice(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise OSError("network disabled for this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    start = time.perf_counter()
    with pytest.raises(DataUnavailableError, match=r"unreachable .* set DLFP_DATA"):
        load_mnist("train", root=tmp_path)
    assert time.perf_counter() - start < 10


def test_no_download_names_missing_files(tmp_path):
    with pytest.raises(DataUnavailableError, match="train-images-idx3-ubyte.gz"):
        load_mnist("train", root=tmp_path, download=False)


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


def test_a_stalled_name_lookup_is_bounded_by_the_timeout(monkeypatch, tmp_path):
    """A resolver that hangs (offline, with a DNS server that never answers) must not hold the probe."""
    from torchvision.datasets import MNIST  # noqa: F401 - imported here so its cost is not timed

    def stalled(*args, **kwargs):
        time.sleep(6)
        raise socket.gaierror("name lookup timed out")

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    start = time.perf_counter()
    with pytest.raises(DataUnavailableError, match=r"is unreachable \(no network\?\)"):
        load_mnist("train", root=tmp_path, timeout=0.5)
    assert time.perf_counter() - start < 3  # 0.5 s of timeout, not the resolver's 6 s


def test_the_probe_connects_to_a_resolved_address_within_the_timeout(monkeypatch):
    from dlfp.data.images import _reachable

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
    )
    try:
        assert _reachable("http://mnist.example", 2.0)
    finally:
        server.close()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [])
    assert not _reachable("http://mnist.example", 2.0)


# Each public object of dlfp.data.images, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.data.images.load_mnist": [
        (lambda: images.load_mnist("val"), ValueError, r"split must be 'train' or 'test', got 'val'"),
        (lambda: images.load_mnist("test", timeout=0), ValueError, r"timeout must be positive"),
    ],
    "dlfp.data.images.mnist_datasets": [
        (
            lambda: images.mnist_datasets(holdout_fraction=1.5),
            ValueError,
            r"holdout_fraction must be in \(0, 1\), got 1\.5",
        ),
        (lambda: images.mnist_datasets(n_train=0), ValueError, r"n_train must be a positive int or None, got 0"),
    ],
}
