"""Seeded training helpers give bit-identical results run to run on CPU.

``tests/unit/train/test_fit.py`` proves it for :func:`dlfp.train.fit.fit`; this covers
the other helpers that train: the NumPy network, logistic regression by hand,
and the PINN (Adam, then L-BFGS).
"""

from __future__ import annotations

import numpy as np
import torch

from dlfp.autograd import numpy_nn
from dlfp.data.synthetic import two_blobs
from dlfp.models.logistic import train_logistic_regression
from dlfp.models.pinn import PINN, train_pinn


def test_numpy_network_is_reproducible():
    def run():
        X, y = numpy_nn.two_moons(200, rng=np.random.default_rng(0))
        params, history = numpy_nn.train(X, y, d_hidden=16, epochs=20, batch_size=32, seed=3)
        return params, history

    (p1, h1), (p2, h2) = run(), run()
    assert all(np.array_equal(p1[k], p2[k]) for k in p1)
    assert h1["loss"] == h2["loss"]


def test_logistic_regression_is_reproducible():
    def run():
        X, y = two_blobs(100, seed=1)
        return train_logistic_regression(
            X, y.float().unsqueeze(1), steps=30, generator=torch.Generator().manual_seed(2)
        )

    a, b = run(), run()
    assert torch.equal(a.W, b.W) and torch.equal(a.b, b.b) and a.losses == b.losses


def test_pinn_is_reproducible():
    def run():
        torch.manual_seed(4)
        model = PINN(hidden=8, depth=2)
        history = train_pinn(
            model, n_collocation=32, adam_steps=20, lbfgs_steps=5, generator=torch.Generator().manual_seed(5)
        )
        return model, history

    (m1, h1), (m2, h2) = run(), run()
    assert all(torch.equal(p, q) for p, q in zip(m1.parameters(), m2.parameters(), strict=True))
    assert h1.adam_loss == h2.adam_loss and h1.lbfgs_loss == h2.lbfgs_loss
