"""Softmax and log-sum-exp by hand (dlfp.nn.functional, max-shifted) against the library kernels."""

import pytest
import torch

from dlfp.nn import functional as functional
from tests.benchmarks.harness import record, sizes, synchronized

KERNELS = {
    ("logsumexp", "naive"): lambda z: functional.logsumexp(z, dim=-1),
    ("logsumexp", "library"): lambda z: torch.logsumexp(z, dim=-1),
    ("softmax", "naive"): lambda z: functional.softmax(z, dim=-1),
    ("softmax", "library"): lambda z: torch.softmax(z, dim=-1),
}


@pytest.mark.parametrize("d", sizes(smoke=[16], full=[128, 1024, 8192]))
@pytest.mark.parametrize("impl", ["naive", "library"])
@pytest.mark.parametrize("kernel", ["logsumexp", "softmax"])
def test_softmax_family(benchmark, device, peaks, kernel, impl, d):
    dtype, rows = torch.float32, 4096 if d <= 1024 else 512
    z = 10 * torch.randn(rows, d, device=device, dtype=dtype)
    fn = KERNELS[(kernel, impl)]
    torch.testing.assert_close(fn(z), KERNELS[(kernel, "library")](z), rtol=1e-5, atol=1e-5)
    benchmark.group = f"{kernel} {rows}x{d}"
    benchmark(synchronized(fn, device), z)
    out_numel = rows if kernel == "logsumexp" else z.numel()
    record(benchmark, device, dtype, peaks, flops=4 * z.numel(), nbytes=(z.numel() + out_numel) * z.element_size())
