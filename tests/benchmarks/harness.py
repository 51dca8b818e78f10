"""Benchmark helpers: smoke or full sizes, synchronised timing, derived rates.

``pytest`` runs every benchmark once at its smallest size (smoke mode:
``--benchmark-disable`` in pytest.ini). ``DLFP_BENCH=full`` selects the full
size ladder; ``make bench`` times it and writes JSON to code/src/dlfp/book/results/.
"""

from __future__ import annotations

import os
import time

import torch

from dlfp.book.env import device_name

FULL = os.environ.get("DLFP_BENCH", "smoke") == "full"


def sizes(smoke, full):
    """The size ladder of a benchmark in the current mode."""
    return full if FULL else smoke


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def synchronized(fn, device):
    """Wrap ``fn`` so that the timed call includes waiting for the device.

    CUDA and MPS kernels run asynchronously: without the synchronisation the
    timer would measure only the launch.
    """
    if device.type == "cpu":
        return fn

    def call(*args, **kwargs):
        out = fn(*args, **kwargs)
        sync(device)
        return out

    return call


def best_seconds(fn, device, repeat: int = 5) -> float:
    fn()  # warm-up, excluded
    sync(device)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        sync(device)
        best = min(best, time.perf_counter() - start)
    return best


def measure_peaks(device: torch.device, dtype=torch.float32) -> dict[str, float]:
    """Attainable peaks on ``device``: a large matrix product (FLOP/s) and a
    large copy (bytes/s). Fractions of peak in the results refer to these
    measured ceilings, not to a vendor's datasheet."""
    n = 4096 if device.type == "cuda" else 1024
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    flops = 2 * n**3 / best_seconds(lambda: a @ b, device)
    numel = (256 if device.type == "cuda" else 32) * 2**20 // a.element_size()
    src = torch.empty(numel, device=device, dtype=dtype).uniform_()
    dst = torch.empty_like(src)
    nbytes = 2 * src.numel() * src.element_size()  # read + write
    bandwidth = nbytes / best_seconds(lambda: dst.copy_(src), device)
    return {"peak_flop_per_s": flops, "peak_bytes_per_s": bandwidth}


def record(benchmark, device, dtype, peaks=None, flops=None, nbytes=None, **extra):
    """Attach device, versions, dtype and derived rates to a finished benchmark."""
    info = benchmark.extra_info
    info.update(device=device_name(device), device_type=device.type, dtype=str(dtype))
    info.update(torch=torch.__version__, cuda=torch.version.cuda, **extra)
    if flops is not None:
        info["flop"] = flops
    if nbytes is not None:
        info["bytes"] = nbytes
    stats = getattr(benchmark, "stats", None)
    if stats is None:  # smoke mode: nothing was timed
        return
    seconds = stats.stats.min
    if flops is not None:
        info["flop_per_s"] = flops / seconds
    if nbytes is not None:
        info["bytes_per_s"] = nbytes / seconds
    if peaks:
        info.update(peaks)
        if flops is not None:
            info["fraction_of_peak_flops"] = info["flop_per_s"] / peaks["peak_flop_per_s"]
        if nbytes is not None:
            info["fraction_of_peak_bandwidth"] = info["bytes_per_s"] / peaks["peak_bytes_per_s"]
