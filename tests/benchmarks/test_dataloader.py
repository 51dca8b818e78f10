"""DataLoader throughput with 0 (main process) against 2 worker processes."""

import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from tests.benchmarks.harness import record, sizes


class NoisyFields(Dataset):
    """Each item costs real CPU work: a smoothed 64x64 random field, made on demand."""

    def __init__(self, n: int):
        self.n = n
        self.kernel = torch.ones(1, 1, 5, 5) / 25

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        field = torch.randn(1, 1, 64, 64, generator=g)
        for _ in range(4):
            field = torch.nn.functional.conv2d(field, self.kernel, padding=2)
        return field[0], i


@pytest.mark.parametrize("items", sizes(smoke=[8], full=[512]))
@pytest.mark.parametrize("workers", [0, 2])
def test_dataloader_throughput(benchmark, workers, items):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one core per process, so workers are the only parallelism
    try:
        loader = DataLoader(NoisyFields(items), batch_size=32, num_workers=workers)
        first = torch.cat([b for b, _ in loader])
        assert first.shape == (items, 1, 64, 64)
        benchmark.group = f"DataLoader {items} fields"
        benchmark.pedantic(lambda: sum(len(i) for _, i in loader), rounds=3, iterations=1)
    finally:
        torch.set_num_threads(threads)
    record(benchmark, torch.device("cpu"), torch.float32, items=items, workers=workers)
    if benchmark.stats is not None:
        benchmark.extra_info["items_per_s"] = items / benchmark.stats.stats.min
