"""Attention by hand (dlfp.nn.attention) against ``F.scaled_dot_product_attention``."""

import pytest
import torch
import torch.nn.functional as F

from dlfp.nn.attention import scaled_dot_product_attention
from tests.benchmarks.harness import record, sizes, synchronized


@pytest.mark.parametrize("n", sizes(smoke=[16], full=[128, 512, 2048]))
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("impl", ["naive", "library"])
def test_attention(benchmark, device, peaks, impl, causal, n):
    dtype, batch, heads, d = torch.float32, 4, 8, 64
    q, k, v = (torch.randn(batch, heads, n, d, device=device, dtype=dtype) for _ in range(3))
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    if impl == "naive":

        def fn(q, k, v):
            return scaled_dot_product_attention(q, k, v, is_causal=causal)[0]
    else:

        def fn(q, k, v):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal)

    torch.testing.assert_close(fn(q, k, v), expected, rtol=1e-4, atol=1e-4)
    benchmark.group = f"attention {'causal ' if causal else ''}B{batch} H{heads} n={n} d={d}"
    benchmark(synchronized(fn, device), q, k, v)
    flops = 4 * batch * heads * n * n * d  # QK^T and PV
    nbytes = 4 * q.numel() * q.element_size()  # read q, k, v, write out (the minimum)
    record(benchmark, device, dtype, peaks, flops=flops, nbytes=nbytes)
