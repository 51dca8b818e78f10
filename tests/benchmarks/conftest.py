"""Benchmark helpers: smoke or full sizes, synchronised timing, derived rates.

``pytest`` runs every benchmark once at its smallest size (smoke mode, set by
``--benchmark-disable`` in pytest.ini). ``DLFP_BENCH=full`` selects the full
size ladder; see the README for the command that times and records it.
"""

from __future__ import annotations

import os

import pytest
import torch

from dlfp.env import device_name, pick_device

FULL = os.environ.get("DLFP_BENCH", "smoke") == "full"


def sizes(smoke, full):
    """The size ladder of a benchmark in the current mode."""
    return full if FULL else smoke


@pytest.fixture(scope="session")
def device():
    return pick_device()


def synchronized(fn, device):
    """Wrap ``fn`` so that the timed call waits for the device to finish."""
    if device.type == "cuda":

        def call(*args):
            out = fn(*args)
            torch.cuda.synchronize(device)
            return out

        return call
    return fn


def record(benchmark, device, dtype, flops=None, nbytes=None):
    """Attach the device, dtype and derived rates to a finished benchmark."""
    info = benchmark.extra_info
    info.update(device=device_name(device), device_type=device.type, dtype=str(dtype))
    info.update(torch=torch.__version__, cuda=torch.version.cuda)
    stats = getattr(benchmark, "stats", None)
    if stats is None:  # smoke mode: nothing was timed
        return
    seconds = stats.stats.min
    if flops is not None:
        info["flop_per_s"] = flops / seconds
    if nbytes is not None:
        info["bytes_per_s"] = nbytes / seconds
