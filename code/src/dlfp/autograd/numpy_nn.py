"""A complete two-layer neural network in pure NumPy — Week 1's "Final Boss".

Linear → ReLU → Linear → softmax cross-entropy, with Xavier/Glorot
initialisation, a hand-derived backward pass and plain SGD:

.. math::

    z_1 = X W_1^{\\mathsf T} + b_1,\\quad a_1 = \\max(0, z_1),\\quad
    z_2 = a_1 W_2^{\\mathsf T} + b_2,\\quad
    L = \\frac1N \\sum_n \\big[\\operatorname{LSE}(z_{2,n}) - z_{2,n,y_n}\\big],

.. math::

    \\delta_2 = \\frac{\\operatorname{softmax}(z_2) - Y}{N},\\;
    \\nabla W_2 = \\delta_2^{\\mathsf T} a_1,\\;
    \\nabla b_2 = \\textstyle\\sum_n \\delta_{2,n},\\;
    \\delta_1 = (\\delta_2 W_2) \\odot \\mathbb 1[z_1 > 0],\\;
    \\nabla W_1 = \\delta_1^{\\mathsf T} X,\\;
    \\nabla b_1 = \\textstyle\\sum_n \\delta_{1,n}.

Parameters are a dict ``{"W1", "b1", "W2", "b2"}`` with PyTorch's layout
(``W`` is ``(out, in)``), so they can be copied into ``nn.Linear`` layers and
compared with autograd (``tests/unit/autograd/test_numpy_nn.py``).

Taught in: :ref:`wk1-numpy-network`
"""

from __future__ import annotations

import math

import numpy as np

from dlfp._checks import check_array, check_int, check_positive, check_seed, check_type

Params = dict[str, np.ndarray]


def _array(a: object, name: str, ndim: int) -> np.ndarray:
    return check_array(name, a, ndim=ndim)


def _labels(y: object, n: int, n_classes: int | None = None) -> np.ndarray:
    check_array("y", y, ndim=1, dims="(N,)")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if len(y) != n:
        raise ValueError(f"y must have length {n} to match the inputs, got {len(y)}")
    if n_classes is not None and len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"y must lie in [0, {n_classes - 1}], got {y.min()}..{y.max()}")
    return y


def two_moons(n: int, noise: float = 0.1, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, a classic task no linear classifier solves.

    Class 0 lies on :math:`(\\cos t, \\sin t)`, class 1 on
    :math:`(1 - \\cos t, \\tfrac12 - \\sin t)`, :math:`t \\in [0, \\pi]`, plus
    Gaussian noise of std ``noise``; the inputs are then standardised to zero
    mean and unit variance per coordinate.

    Args:
        rng: a ``numpy.random.Generator``; ``None``: ``default_rng(0)``.

    Shape:
        - Output: ``(X, y)``, X :math:`(n, 2)` float64, y :math:`(n,)` int64, ``n // 2`` of class 0.

    Taught in: :ref:`wk1-numpy-network`
    """
    check_int("n", n, minimum=2)
    check_positive("noise", noise, allow_zero=True)
    check_type("rng", rng, (np.random.Generator, type(None)), "a numpy.random.Generator or None")
    rng = np.random.default_rng(0) if rng is None else rng
    n0 = n // 2
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n - n0)
    X = np.concatenate(
        [
            np.stack([np.cos(t0), np.sin(t0)], axis=1),
            np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1),
        ]
    )
    X += noise * rng.standard_normal(X.shape)
    X = (X - X.mean(0)) / X.std(0)
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)])
    return X, y


def init_params(d_in: int, d_hidden: int, d_out: int, rng: np.random.Generator | None = None) -> Params:
    """Xavier/Glorot-uniform weights and zero biases, as ``nn.init.xavier_uniform_`` and ``nn.init.zeros_``.

    .. math::

        W \\sim U\\!\\left(-\\sqrt{\\tfrac{6}{\\text{fan\\_in} + \\text{fan\\_out}}},\\;
        \\sqrt{\\tfrac{6}{\\text{fan\\_in} + \\text{fan\\_out}}}\\right),
        \\qquad \\operatorname{Var}(W) = \\frac{2}{\\text{fan\\_in} + \\text{fan\\_out}}.

    Args:
        rng: as for :func:`two_moons`.

    Shape:
        - Output: ``W1`` :math:`(H, D_{in})`, ``b1`` :math:`(H,)`, ``W2`` :math:`(D_{out}, H)`, ``b2`` :math:`(D_{out},)`, float64.

    Taught in: :ref:`wk1-numpy-network` §10.1
    """
    for name, v in (("d_in", d_in), ("d_hidden", d_hidden), ("d_out", d_out)):
        check_int(name, v, minimum=1)
    check_type("rng", rng, (np.random.Generator, type(None)), "a numpy.random.Generator or None")
    rng = np.random.default_rng(0) if rng is None else rng

    def xavier(fan_out: int, fan_in: int) -> np.ndarray:
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_out, fan_in))

    return {
        "W1": xavier(d_hidden, d_in),
        "b1": np.zeros(d_hidden),
        "W2": xavier(d_out, d_hidden),
        "b2": np.zeros(d_out),
    }


def _check_params(params: object, name: str = "params") -> Params:
    if not isinstance(params, dict) or set(params) != {"W1", "b1", "W2", "b2"}:
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"{name} must be a dict with exactly the keys W1, b1, W2, b2, got {got}")
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    _array(W1, "W1", 2), _array(b1, "b1", 1), _array(W2, "W2", 2), _array(b2, "b2", 1)
    if b1.shape[0] != W1.shape[0] or W2.shape[1] != W1.shape[0] or b2.shape[0] != W2.shape[0]:
        raise ValueError(f"inconsistent parameter shapes W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}")
    return params


def forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Logits :math:`z_2` and the cache (``X``, ``z1``, ``a1``) for :func:`backward`.

    Args:
        params: the dict of :func:`init_params`, in ``nn.Linear``'s layout.

    Shape:
        - X: :math:`(N, D_{in})`. Output: logits :math:`(N, D_{out})`.

    Taught in: :ref:`wk1-numpy-network` §10.2
    """
    _check_params(params)
    check_array("X", X, ndim=2, dims="(N, D_in)")
    if X.shape[1] != params["W1"].shape[1]:
        raise ValueError(f"X must have shape (N, {params['W1'].shape[1]}), got {X.shape}")
    z1 = X @ params["W1"].T + params["b1"]
    a1 = np.maximum(z1, 0.0)
    z2 = a1 @ params["W2"].T + params["b2"]
    return z2, {"X": X, "z1": z1, "a1": a1}


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and its gradient :math:`(\\operatorname{softmax}(z) - Y)/N`, as ``F.cross_entropy``.

    Uses the log-sum-exp shift :math:`z - \\max z`, so any finite logits are safe.

    Shape:
        - logits: :math:`(N, C)`, :math:`N \\ge 1`; y: :math:`(N,)` integers in :math:`[0, C)`.
        - Output: ``(loss, dlogits)``, a float and an :math:`(N, C)` array.

    Taught in: :ref:`wk1-numpy-network` §10.3
    """
    _array(logits, "logits", 2)
    if 0 in logits.shape:
        raise ValueError(
            f"logits must hold at least one row and one class (a mean over N >= 1), got shape {logits.shape}"
        )
    _labels(y, logits.shape[0], logits.shape[1])
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_z
    loss = float(-log_p[np.arange(n), y].mean())
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits / n


def backward(params: Params, cache: dict[str, np.ndarray], dlogits: np.ndarray) -> Params:
    """Hand-derived gradients of the loss for every parameter; torch's ``loss.backward()`` agrees.

    Args:
        cache: what :func:`forward` returned with this batch's logits.
        dlogits: :math:`\\partial L/\\partial z_2`, from :func:`softmax_cross_entropy`.

    Shape:
        - dlogits: :math:`(N, D_{out})`. Output: a dict of arrays shaped like ``params``.

    Taught in: :ref:`wk1-numpy-network` §10.3
    """
    _check_params(params)
    check_type("cache", cache, dict, "a dict (the cache of forward)")
    missing = sorted({"X", "z1", "a1"} - set(cache))
    if missing:
        raise ValueError(f"cache must hold X, z1 and a1 (as forward returns it), missing {missing}")
    X, z1, a1 = cache["X"], cache["z1"], cache["a1"]
    _array(dlogits, "dlogits", 2)
    if dlogits.shape != (X.shape[0], params["W2"].shape[0]):
        raise ValueError(f"dlogits must have shape {(X.shape[0], params['W2'].shape[0])}, got {dlogits.shape}")
    dW2 = dlogits.T @ a1
    db2 = dlogits.sum(axis=0)
    da1 = dlogits @ params["W2"]
    dz1 = da1 * (z1 > 0)
    dW1 = dz1.T @ X
    db1 = dz1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def sgd_step(params: Params, grads: Params, lr: float) -> None:
    """In place: :math:`\\theta \\leftarrow \\theta - \\eta\\,\\nabla_\\theta L` for every parameter, as ``torch.optim.SGD``.

    Args:
        grads: as :func:`backward` returns them, shaped like ``params``.
        lr: the learning rate :math:`\\eta > 0`.

    Taught in: :ref:`wk1-numpy-network` §10.4
    """
    check_positive("lr", lr)
    _check_params(params)
    _check_params(grads, "grads")
    for k, p in params.items():
        if grads[k].shape != p.shape:
            raise ValueError(f"gradient of {k} has shape {grads[k].shape}, parameter {p.shape}")
        p -= lr * grads[k]


def predict(params: Params, X: np.ndarray) -> np.ndarray:
    """Predicted class indices :math:`\\arg\\max_c z_{2,c}`.

    Shape:
        - X: :math:`(N, D_{in})`. Output: :math:`(N,)` integers.

    Taught in: :ref:`wk1-numpy-network` §10.4
    """
    logits, _ = forward(params, X)
    return logits.argmax(axis=1)


def train(
    X: np.ndarray,
    y: np.ndarray,
    d_hidden: int = 32,
    lr: float = 0.5,
    epochs: int = 500,
    batch_size: int | None = None,
    seed: int = 0,
    max_steps: int | None = None,
) -> tuple[Params, dict]:
    """Train the network with minibatch SGD; return the parameters and a history.

    Each epoch shuffles the data and walks through it in minibatches: forward,
    loss and gradient, backward, SGD step. The history records the loss of every
    step, the training accuracy after every epoch and ``"stopped"``: ``"completed"``
    or the step bound that stopped the run.

    Args:
        batch_size: the minibatch size; ``None``: the full batch.
        max_steps: optional bound on the number of SGD steps.

    Shape:
        - X: :math:`(N, D_{in})`, finite; y: :math:`(N,)` integer labels >= 0.

    Taught in: :ref:`wk1-numpy-network` §10.4
    """
    check_array("X", X, ndim=2, dims="(N, D_in)", finite=True)
    if 0 in X.shape:
        raise ValueError(f"X must hold at least one sample and one feature (N, D_in >= 1), got shape {X.shape}")
    _labels(y, X.shape[0])
    if len(y) and y.min() < 0:
        raise ValueError(f"y must hold class labels >= 0, got minimum {y.min()}")
    check_int("epochs", epochs, minimum=1)
    check_int("batch_size", batch_size, minimum=1, optional=True)
    check_int("d_hidden", d_hidden, minimum=1)
    check_positive("lr", lr)
    check_seed("seed", seed, minimum=0)
    check_int("max_steps", max_steps, minimum=1, optional=True)
    rng = np.random.default_rng(seed)
    n_classes = int(y.max()) + 1
    params = init_params(X.shape[1], d_hidden, n_classes, rng)
    bs = X.shape[0] if batch_size is None else batch_size
    history: dict = {"loss": [], "accuracy": [], "stopped": "completed"}
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], bs):
            if max_steps is not None and len(history["loss"]) >= max_steps:
                history["stopped"] = f"step bound {max_steps} reached"
                break
            idx = order[start : start + bs]
            logits, cache = forward(params, X[idx])
            loss, dlogits = softmax_cross_entropy(logits, y[idx])
            sgd_step(params, backward(params, cache, dlogits), lr)
            history["loss"].append(loss)
        history["accuracy"].append(float((predict(params, X) == y).mean()))
        if history["stopped"] != "completed":
            break
    return params, history
