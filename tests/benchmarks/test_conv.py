"""Convolution: unfold + matmul (im2col, dlfp.nn.functional.conv2d_unfold) against ``F.conv2d``."""

import pytest
import torch
import torch.nn.functional as F

from dlfp.nn.functional import conv2d_unfold
from tests.benchmarks.harness import record, sizes, synchronized

IMPLEMENTATIONS = {"unfold": conv2d_unfold, "library": lambda x, w, b: F.conv2d(x, w, b, padding=1)}


@pytest.mark.parametrize("hw", sizes(smoke=[8], full=[32, 64, 128]))
@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_conv2d(benchmark, device, peaks, impl, hw):
    dtype, batch, c_in, c_out, k = torch.float32, 16, 16, 32, 3
    x = torch.randn(batch, c_in, hw, hw, device=device, dtype=dtype)
    w = torch.randn(c_out, c_in, k, k, device=device, dtype=dtype)
    b = torch.randn(c_out, device=device, dtype=dtype)
    fn = IMPLEMENTATIONS[impl] if impl == "library" else (lambda x, w, b: conv2d_unfold(x, w, b, padding=1))
    torch.testing.assert_close(fn(x, w, b), F.conv2d(x, w, b, padding=1), rtol=1e-4, atol=1e-4)
    benchmark.group = f"conv2d 3x3 {batch}x{c_in}->{c_out} {hw}x{hw}"
    benchmark(synchronized(fn, device), x, w, b)
    flops = 2 * batch * c_out * hw * hw * c_in * k * k
    nbytes = (x.numel() + w.numel() + batch * c_out * hw * hw) * x.element_size()
    record(benchmark, device, dtype, peaks, flops=flops, nbytes=nbytes)
