"""Fixtures of the benchmark suite; helpers live in harness.py."""

from __future__ import annotations

import pytest

from dlfp.book.env import pick_device
from tests.benchmarks.harness import measure_peaks


@pytest.fixture(scope="session")
def device():
    return pick_device()


@pytest.fixture(scope="session")
def peaks(request, device):
    """Measured attainable peaks, only when benchmarks are really timed."""
    config = request.config
    if config.getoption("benchmark_disable") and not config.getoption("benchmark_enable"):
        return None
    return measure_peaks(device)
