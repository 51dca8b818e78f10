import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlfp.autograd import numpy_nn
from dlfp.autograd.numpy_nn import (
    backward,
    forward,
    init_params,
    predict,
    sgd_step,
    softmax_cross_entropy,
    train,
    two_moons,
)
from tests.unit.bad_input import numpy_setup


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((9, 4))
    y = rng.integers(0, 3, 9)
    return init_params(4, 6, 3, rng), X, y


def test_gradients_match_autograd():
    params, X, y = _setup()
    logits, cache = forward(params, X)
    loss, dlogits = softmax_cross_entropy(logits, y)
    grads = backward(params, cache, dlogits)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    z1 = torch.tensor(X) @ t["W1"].T + t["b1"]
    out = torch.relu(z1) @ t["W2"].T + t["b2"]
    ref = F.cross_entropy(out, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item())
    for k in params:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-12)


def test_gradients_match_finite_differences():
    params, X, y = _setup(1)
    logits, cache = forward(params, X)
    _, dlogits = softmax_cross_entropy(logits, y)
    grads = backward(params, cache, dlogits)
    h = 1e-6
    for k, p in params.items():
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            lp, _ = softmax_cross_entropy(forward(params, X)[0], y)
            p[idx] = old - h
            lm, _ = softmax_cross_entropy(forward(params, X)[0], y)
            p[idx] = old
            assert grads[k][idx] == pytest.approx((lp - lm) / (2 * h), abs=1e-7)


def test_init_params_xavier_range_and_shapes():
    p = init_params(300, 200, 100, np.random.default_rng(0))
    assert p["W1"].shape == (200, 300) and p["W2"].shape == (100, 200)
    limit = np.sqrt(6 / 500)
    assert np.abs(p["W1"]).max() <= limit and np.abs(p["W1"]).max() > 0.99 * limit
    assert p["W1"].var() == pytest.approx(2 / 500, rel=0.03)
    assert not p["b1"].any()
    with pytest.raises(ValueError, match="d_hidden"):
        init_params(2, 0, 2)


def test_stable_loss_with_huge_logits():
    loss, d = softmax_cross_entropy(np.array([[1000.0, 1.0, 1.0]]), np.array([1]))
    assert loss == pytest.approx(999.0) and np.isfinite(d).all()
    with pytest.raises(TypeError, match="integer"):
        softmax_cross_entropy(np.zeros((2, 2)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="lie in"):
        softmax_cross_entropy(np.zeros((2, 2)), np.array([0, 2]))


def test_two_moons():
    X, y = two_moons(101, 0.1, np.random.default_rng(0))
    assert X.shape == (101, 2) and y.shape == (101,) and y.sum() == 51
    np.testing.assert_allclose(X.mean(0), 0, atol=1e-12)
    with pytest.raises(ValueError, match="noise"):
        two_moons(10, -1.0)
    with pytest.raises(ValueError, match="n must"):
        two_moons(1)


def test_training_solves_two_moons():
    X, y = two_moons(400, 0.15, np.random.default_rng(1))
    Xt, yt = two_moons(400, 0.15, np.random.default_rng(2))
    params, hist = train(X, y, d_hidden=32, lr=0.5, epochs=150, batch_size=32)
    assert hist["loss"][0] == pytest.approx(np.log(2), abs=0.25)
    assert (predict(params, Xt) == yt).mean() > 0.95
    with pytest.raises(ValueError, match="epochs"):
        train(X, y, epochs=0)


def test_forward_backward_sgd_reject():
    params, X, y = _setup()
    with pytest.raises(ValueError, match="X must have shape"):
        forward(params, X[:, :3])
    with pytest.raises(ValueError, match="keys"):
        forward({"W1": params["W1"]}, X)
    _, cache = forward(params, X)
    with pytest.raises(ValueError, match="dlogits"):
        backward(params, cache, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="lr"):
        sgd_step(params, params, -1.0)
    with pytest.raises(TypeError, match="ndarray"):
        predict(params, X.tolist())


def test_step_bound_stops_cleanly():
    X, y = two_moons(64, 0.1, np.random.default_rng(0))
    params, hist = train(X, y, epochs=100, batch_size=16, max_steps=10)  # 4 steps per epoch
    assert len(hist["loss"]) == 10 and hist["stopped"] == "step bound 10 reached"
    assert len(hist["accuracy"]) == 3  # two full epochs and the partial third
    assert set(params) == {"W1", "b1", "W2", "b2"}
    _, hist = train(X, y, epochs=2, batch_size=16)
    assert len(hist["loss"]) == 8 and hist["stopped"] == "completed"


@pytest.mark.parametrize("shape", [(0, 2), (5, 0)])
def test_train_refuses_an_empty_data_set(shape):
    X = np.zeros(shape)
    y = np.zeros(shape[0], dtype=np.int64)
    with pytest.raises(ValueError, match=r"X must hold at least one sample and one feature \(N, D_in >= 1\)"):
        train(X, y, epochs=1)


def test_softmax_cross_entropy_refuses_an_empty_batch_instead_of_nan():
    with pytest.raises(ValueError, match=r"logits must hold at least one row and one class.*got shape \(0, 3\)"):
        softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=np.int64))


# Each public object of dlfp.autograd.numpy_nn, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.autograd.numpy_nn.two_moons": [
        (lambda: numpy_nn.two_moons(1), ValueError, r"n must be an int >= 2, got 1"),
    ],
    "dlfp.autograd.numpy_nn.init_params": [
        (lambda: numpy_nn.init_params(2, 0, 2), ValueError, r"d_hidden must be a positive int, got 0"),
    ],
    "dlfp.autograd.numpy_nn.forward": [
        (
            lambda: numpy_nn.forward(numpy_setup()[0], numpy_setup()[1][:, :1]),
            ValueError,
            r"X must have shape \(N, 2\)",
        ),
        (
            lambda: numpy_nn.forward({"W1": None}, numpy_setup()[1]),
            ValueError,
            r"params must be a dict with exactly the keys",
        ),
    ],
    "dlfp.autograd.numpy_nn.softmax_cross_entropy": [
        (
            lambda: numpy_nn.softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=np.int64)),
            ValueError,
            r"logits must hold at least one row and one class",
        ),
        (
            lambda: numpy_nn.softmax_cross_entropy(np.zeros((2, 2)), np.array([0.0, 1.0])),
            TypeError,
            r"y must hold integer class labels",
        ),
    ],
    "dlfp.autograd.numpy_nn.backward": [
        (
            lambda: numpy_nn.backward(numpy_setup()[0], {"X": None}, np.zeros((2, 3))),
            ValueError,
            r"cache must hold X, z1 and a1",
        ),
    ],
    "dlfp.autograd.numpy_nn.sgd_step": [
        (lambda: numpy_nn.sgd_step(numpy_setup()[0], numpy_setup()[0], -1.0), ValueError, r"lr must be positive"),
    ],
    "dlfp.autograd.numpy_nn.predict": [
        (lambda: numpy_nn.predict(numpy_setup()[0], [[0.0, 0.0]]), TypeError, r"X must be a numpy\.ndarray, got list"),
    ],
    "dlfp.autograd.numpy_nn.train": [
        (
            lambda: numpy_nn.train(np.zeros((0, 2)), np.zeros(0, dtype=np.int64)),
            ValueError,
            r"X must hold at least one sample and one feature",
        ),
        (lambda: numpy_nn.train(*numpy_setup()[1:], epochs=0), ValueError, r"epochs must be a positive int, got 0"),
        (lambda: numpy_nn.train(np.full((4, 2), np.nan), np.zeros(4, dtype=np.int64)), ValueError, r"X must be finite"),
        (
            lambda: numpy_nn.train(*numpy_setup()[1:], max_steps=0),
            ValueError,
            r"max_steps must be a positive int or None",
        ),
    ],
}
