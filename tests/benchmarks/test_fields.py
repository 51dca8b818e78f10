"""Density fields: one FFT per field in a loop against one batched FFT (dlfp.data.fields)."""

import pytest
import torch

from dlfp.data.fields import generate_fields
from tests.benchmarks.harness import record, sizes


def per_sample(omegas, size):
    return torch.stack([generate_fields(float(o), size=size, seed=i) for i, o in enumerate(omegas)])


@pytest.mark.parametrize("batch", sizes(smoke=[4], full=[64, 256]))
@pytest.mark.parametrize("impl", ["naive", "library"])
def test_field_generation(benchmark, impl, batch):
    size = 64
    omegas = torch.linspace(0.1, 0.5, batch)
    batched = generate_fields(omegas, size=size, seed=0)
    assert batched.shape == per_sample(omegas, size).shape == (batch, size, size)
    benchmark.group = f"density fields {batch}x{size}x{size}"
    if impl == "naive":
        benchmark(per_sample, omegas, size)
    else:
        benchmark(generate_fields, omegas, size=size, seed=0)
    record(benchmark, torch.device("cpu"), torch.float32, fields=batch)
