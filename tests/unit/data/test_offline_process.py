"""Dataset access in a process that has no network at all.

The process runs in its own empty network namespace (``unshare --net``: no
interface but a downed loopback, so DNS and every connection fail the way they
do on an offline laptop). Where user namespaces are not allowed, the same
script runs with Python's socket layer disabled instead, and the test says so
in its id. Either way the process must finish within seconds, with a message
that says what to do, or with the disclosed offline fallback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

MIRROR = Path(__file__).resolve().parents[3] / "data"  # the shipped MNIST test split
HAS_TEST_SPLIT = (MIRROR / "mnist" / "MNIST" / "raw" / "t10k-images-idx3-ubyte.gz").is_file()

# Fallback isolation: every socket operation that could reach the network raises.
SOCKET_BLOCK = textwrap.dedent(
    """
    import socket
    def _offline(*args, **kwargs):
        raise OSError(101, "Network is unreachable (disabled by the test)")
    socket.socket.connect = socket.socket.connect_ex = _offline
    socket.getaddrinfo = socket.create_connection = _offline
    """
)


def _namespace_works() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--net", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0


ISOLATION = ["namespace" if _namespace_works() else "socket-block"]


def run_offline(isolation: str, script: str, data_root: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``script`` in a fresh interpreter with no network; returns the result and its wall time."""
    env = {**os.environ, "DLFP_DATA": str(data_root)}
    if isolation == "namespace":
        cmd = ["unshare", "--user", "--map-root-user", "--net", sys.executable, "-c", script]
    else:
        cmd = [sys.executable, "-c", SOCKET_BLOCK + script]
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    return result, time.perf_counter() - start


@pytest.mark.parametrize("isolation", ISOLATION)
def test_missing_mnist_fails_fast_with_advice(isolation, tmp_path):
    script = textwrap.dedent(
        """
        from dlfp.data.idx import DataUnavailableError
        from dlfp.data.images import load_mnist
        try:
            load_mnist("train")
        except DataUnavailableError as err:
            print("ERROR:", err)
        else:
            raise SystemExit("load_mnist succeeded without data or network")
        """
    )
    result, seconds = run_offline(isolation, script, tmp_path)
    assert result.returncode == 0, result.stderr
    message = result.stdout
    assert "unreachable" in message and "DLFP_DATA" in message and str(tmp_path) in message
    assert seconds < 15, f"offline failure took {seconds:.1f} s"


@pytest.mark.skipif(not HAS_TEST_SPLIT, reason="the shipped MNIST test split (data/) is missing")
@pytest.mark.parametrize("isolation", ISOLATION)
def test_offline_fallback_is_disclosed(isolation):
    script = textwrap.dedent(
        """
        from dlfp.data.images import mnist_datasets
        data = mnist_datasets(n_train=100, n_test=50)
        print("NOTE:", data.note)
        """
    )
    result, seconds = run_offline(isolation, script, MIRROR)
    assert result.returncode == 0, result.stderr
    assert "offline fallback" in result.stdout
    assert seconds < 30, f"offline fallback took {seconds:.1f} s"
