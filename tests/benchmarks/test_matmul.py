"""Matrix product: Python loops (dlfp.tensor.matmul.matmul_naive) against ``A @ B``."""

import pytest
import torch

from dlfp.tensor.matmul import matmul_naive
from tests.benchmarks.harness import record, sizes, synchronized

IMPLEMENTATIONS = {"naive": matmul_naive, "library": torch.matmul}


@pytest.mark.parametrize("n", sizes(smoke=[8], full=[32, 64, 128]))
@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_matmul(benchmark, device, peaks, impl, n):
    dtype = torch.float32
    A = torch.randn(n, n, device=device, dtype=dtype)
    B = torch.randn(n, n, device=device, dtype=dtype)
    fn = IMPLEMENTATIONS[impl]
    torch.testing.assert_close(fn(A, B), A @ B)  # equal before timed
    benchmark.group = f"matmul n={n}"
    benchmark(synchronized(fn, device), A, B)
    record(benchmark, device, dtype, peaks, flops=2 * n**3, nbytes=3 * n * n * A.element_size())
