"""Layer norm by hand (dlfp.nn.functional.layer_norm_naive) against ``F.layer_norm``."""

import pytest
import torch
import torch.nn.functional as F

from dlfp.nn.functional import layer_norm_naive
from tests.benchmarks.harness import record, sizes, synchronized

IMPLEMENTATIONS = {
    "naive": layer_norm_naive,
    "library": lambda x, w, b: F.layer_norm(x, x.shape[-1:], w, b),
}


@pytest.mark.parametrize("d", sizes(smoke=[16], full=[256, 1024, 4096]))
@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_layer_norm(benchmark, device, peaks, impl, d):
    dtype, rows = torch.float32, 4096 if d <= 1024 else 1024
    x = torch.randn(rows, d, device=device, dtype=dtype)
    w, b = torch.randn(d, device=device, dtype=dtype), torch.randn(d, device=device, dtype=dtype)
    fn = IMPLEMENTATIONS[impl]
    torch.testing.assert_close(fn(x, w, b), F.layer_norm(x, (d,), w, b), rtol=1e-4, atol=1e-4)
    benchmark.group = f"layer_norm {rows}x{d}"
    benchmark(synchronized(fn, device), x, w, b)
    # Minimum traffic: read x once, write y once (parameters negligible).
    record(benchmark, device, dtype, peaks, flops=8 * x.numel(), nbytes=2 * x.numel() * x.element_size())
