"""LSTM over a sequence: the hand-written cell in a Python loop (dlfp.nn.rnn) against ``nn.LSTM``."""

import pytest
import torch
from torch import nn

from dlfp.nn.rnn import MyLSTMCell
from tests.benchmarks.harness import record, sizes, synchronized


@pytest.mark.parametrize("steps", sizes(smoke=[5], full=[50, 200]))
@pytest.mark.parametrize("impl", ["naive", "library"])
def test_lstm(benchmark, device, peaks, impl, steps):
    dtype, batch, n_in, hidden = torch.float32, 32, 16, 128
    lstm = nn.LSTM(n_in, hidden, batch_first=True).to(device)
    cell = nn.LSTMCell(n_in, hidden).to(device)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(lstm, f"{name}_l0"))
    mine = MyLSTMCell(n_in, hidden).to(device).load_from_torch(cell)
    x = torch.randn(batch, steps, n_in, device=device, dtype=dtype)

    @torch.no_grad()
    def loop(x):
        state = None
        outputs = []
        for t in range(x.shape[1]):
            state = mine(x[:, t], state)
            outputs.append(state[0])
        return torch.stack(outputs, dim=1)

    @torch.no_grad()
    def library(x):
        return lstm(x)[0]

    torch.testing.assert_close(loop(x), library(x), rtol=1e-5, atol=1e-5)
    benchmark.group = f"LSTM B{batch} T={steps} H={hidden}"
    benchmark(synchronized(loop if impl == "naive" else library, device), x)
    flops = 2 * batch * steps * 4 * hidden * (n_in + hidden)
    record(benchmark, device, dtype, peaks, flops=flops)
