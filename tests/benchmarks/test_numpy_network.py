"""One training step of the two-layer network: pure NumPy (dlfp.autograd.numpy_nn) against torch."""

import numpy as np
import pytest
import torch
from torch import nn

from dlfp.autograd import numpy_nn
from tests.benchmarks.harness import record, sizes


def numpy_step(params, X, y, lr=0.1):
    logits, cache = numpy_nn.forward(params, X)
    _, dlogits = numpy_nn.softmax_cross_entropy(logits, y)
    numpy_nn.sgd_step(params, numpy_nn.backward(params, cache, dlogits), lr)


@pytest.mark.parametrize("hidden", sizes(smoke=[8], full=[64, 256, 1024]))
@pytest.mark.parametrize("impl", ["naive", "library"])
def test_training_step(benchmark, impl, hidden):
    batch, d_in, d_out = 256, 2, 2
    rng = np.random.default_rng(0)
    X, y = numpy_nn.two_moons(batch, rng=rng)
    params = numpy_nn.init_params(d_in, hidden, d_out, rng=rng)
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU(), nn.Linear(hidden, d_out)).double()
    with torch.no_grad():  # same weights on both sides
        model[0].weight.copy_(torch.from_numpy(params["W1"])), model[0].bias.copy_(torch.from_numpy(params["b1"]))
        model[2].weight.copy_(torch.from_numpy(params["W2"])), model[2].bias.copy_(torch.from_numpy(params["b2"]))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()

    def torch_step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(Xt), yt).backward()
        opt.step()

    # Equal before timed: one step on each side gives the same weights.
    numpy_step(params, X, y)
    torch_step()
    np.testing.assert_allclose(params["W1"], model[0].weight.detach().numpy(), rtol=1e-10, atol=1e-12)
    benchmark.group = f"two-layer network step, hidden={hidden}"
    benchmark(numpy_step if impl == "naive" else torch_step, *((params, X, y) if impl == "naive" else ()))
    flops = 6 * batch * (d_in * hidden + hidden * d_out)  # forward + backward, 3 matmuls each
    record(benchmark, torch.device("cpu"), torch.float64, flops=flops)
