"""Logistic regression from raw tensors: no ``nn.Module``, no ``torch.optim``.

The model is :math:`\\hat y = \\sigma(XW + b)` with
:math:`\\sigma(z) = 1/(1 + e^{-z})`, trained by gradient descent on the
binary cross-entropy

.. math::

    L = -\\frac{1}{N} \\sum_{i=1}^{N} \\big[ y_i \\ln \\hat y_i + (1 - y_i) \\ln (1 - \\hat y_i) \\big],

whose gradient is, by the chain rule with :math:`\\sigma' = \\sigma(1-\\sigma)`,

.. math::

    \\frac{\\partial L}{\\partial W} = \\frac{1}{N} X^{\\mathsf T} (\\hat y - y), \\qquad
    \\frac{\\partial L}{\\partial b} = \\frac{1}{N} \\sum_i (\\hat y_i - y_i).

Taught in: :ref:`gr-challenges-raw-metal`, challenge I (logistic regression from scratch)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from dlfp._checks import (
    check_in_range,
    check_int,
    check_positive,
    check_same_device,
    check_same_dtype,
    check_tensor,
    check_type,
)


def _check_xy(X: torch.Tensor, y: torch.Tensor) -> None:
    check_tensor("X", X, floating=True)
    check_tensor("X", X, shape=("N", "D"), finite=True)
    check_tensor("y", y)
    check_tensor("y", y, shape=(X.shape[0], 1), note=" = (N, 1) to match the logits XW + b", finite=True)
    check_same_device(X=X, y=y)


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The logistic function :math:`\\sigma(z) = 1 / (1 + e^{-z})`, written out.

    Shape:
        - z: any shape, floating point
        - Output: the same shape, values in :math:`[0, 1]`

    Torch twin: ``torch.sigmoid``.

    Taught in: :ref:`gr-challenges-raw-metal`, challenge I
    """
    check_tensor("z", z, floating=True)
    return 1.0 / (1.0 + torch.exp(-z))


def binary_cross_entropy(p: torch.Tensor, y: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Mean binary cross-entropy of probabilities ``p`` against labels ``y``, written out.

    .. math::

        L = -\\frac{1}{N} \\sum_i \\big[ y_i \\ln p_i + (1 - y_i) \\ln (1 - p_i) \\big]

    ``p`` is clamped to :math:`[\\varepsilon, 1 - \\varepsilon]` first: in
    ``float32`` :math:`\\sigma(z)` rounds to exactly 1 for :math:`z \\gtrsim 17`,
    and :math:`\\ln(1 - 1) = -\\infty` would make one confident mistake an
    infinite loss. Shapes must be equal: broadcasting ``(N, 1)`` against ``(N,)``
    would silently give an ``(N, N)`` loss matrix.

    Args:
        eps: the clamp :math:`\\varepsilon`, in :math:`(0, 0.5)`.

    Shape:
        - p, y: the same shape, e.g. :math:`(N, 1)`
        - Output: scalar

    Torch twin: ``F.binary_cross_entropy`` (which clamps the logarithm at −100 instead).

    Taught in: :ref:`gr-challenges-raw-metal`, challenge I
    """
    check_tensor("p", p, floating=True)
    check_tensor("y", y, floating=True)
    if p.shape != y.shape:
        raise ValueError(f"p and y must have the same shape, got {tuple(p.shape)} and {tuple(y.shape)}")
    if p.numel() == 0:
        raise ValueError(f"p must hold at least one probability (the loss is a mean), got shape {tuple(p.shape)}")
    check_same_device(p=p, y=y)
    check_same_dtype(p=p, y=y)
    check_tensor("p", p, finite=True)
    check_tensor("y", y, finite=True)
    if p.numel() and (p.min() < 0 or p.max() > 1):
        raise ValueError(f"p must hold probabilities in [0, 1], got values in [{p.min():.3g}, {p.max():.3g}]")
    check_in_range("eps", eps, 0, 0.5, low_closed=False, high_closed=False)
    p = p.clamp(eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def logistic_gradients(
    X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, b: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The gradient of :func:`binary_cross_entropy` of :math:`\\sigma(XW+b)`, by hand:

    .. math::

        \\nabla_W L = \\frac{1}{N} X^{\\mathsf T} (\\sigma(XW + b) - y), \\qquad
        \\nabla_b L = \\frac{1}{N} \\textstyle\\sum_i (\\sigma(x_i^{\\mathsf T} W + b) - y_i).

    (Exact for the unclamped loss; the clamp of :func:`binary_cross_entropy`
    only acts where :math:`\\hat y` is within ``eps`` of 0 or 1.)

    Shape:
        - X: :math:`(N, D)`, y: :math:`(N, 1)`, W: :math:`(D, 1)`, b: :math:`(1,)`
        - Output: ``(grad_W, grad_b)`` of shapes :math:`(D, 1)` and :math:`(1,)`

    Compared in the unit tests with autograd's ``loss.backward()``.

    Taught in: :ref:`gr-challenges-raw-metal`, challenge I
    """
    _check_xy(X, y)
    check_tensor("W", W, floating=True)
    check_tensor("b", b, floating=True)
    if W.shape != (X.shape[1], 1) or b.shape != (1,):
        raise ValueError(
            f"W must have shape ({X.shape[1]}, 1) and b shape (1,), got {tuple(W.shape)} and {tuple(b.shape)}"
        )
    with torch.no_grad():
        residual = sigmoid(X @ W + b) - y  # (N, 1)
        return X.T @ residual / X.shape[0], residual.mean(0)


@dataclass
class LogisticRegression:
    """Parameters and training record of :func:`train_logistic_regression`.

    Attributes:
        W: :math:`(D, 1)` weights, a leaf tensor with ``requires_grad``.
        b: :math:`(1,)` bias, a leaf tensor with ``requires_grad``.
        losses: the loss before each update.
    """

    W: torch.Tensor
    b: torch.Tensor
    losses: list[float] = field(default_factory=list)

    def predict_proba(self, X: torch.Tensor) -> torch.Tensor:
        """The probabilities :math:`\\sigma(XW + b)`, without recording a graph.

        Shape:
            - X: :math:`(N, D)`, of the weights' dtype and device
            - Output: :math:`(N, 1)`
        """
        check_tensor("X", X, floating=True)
        check_tensor("X", X, shape=("N", self.W.shape[0]), dtype=self.W.dtype, device=self.W.device)
        with torch.no_grad():
            return sigmoid(X @ self.W + self.b)

    def accuracy(self, X: torch.Tensor, y: torch.Tensor) -> float:
        """Fraction of points whose thresholded probability (at 0.5) equals the label.

        Shape:
            - X: :math:`(N, D)`; y: :math:`(N, 1)`, labels 0 or 1
        """
        _check_xy(X, y)
        return ((self.predict_proba(X) > 0.5).float() == y).float().mean().item()


def train_logistic_regression(
    X: torch.Tensor,
    y: torch.Tensor,
    lr: float = 0.1,
    steps: int = 100,
    generator: torch.Generator | None = None,
    hand_gradient: bool = False,
) -> LogisticRegression:
    """Fit :math:`\\sigma(XW + b)` to labels ``y`` by full-batch gradient descent.

    Each step computes the logits, the probabilities with :func:`sigmoid`
    and the loss with :func:`binary_cross_entropy`; gets the gradient from
    ``loss.backward()`` (or, with ``hand_gradient=True``, from
    :func:`logistic_gradients`); then updates **in place** inside
    ``torch.no_grad()``:

    .. math::

        W \\leftarrow W - \\eta \\nabla_W L, \\qquad b \\leftarrow b - \\eta \\nabla_b L,

    and clears the gradients (``W.grad = None``).

    Args:
        lr: the learning rate :math:`\\eta > 0`.
        steps: number of updates.
        generator: seeds the initial weights, :math:`\\mathcal N(0, 0.01^2)` (the bias starts at 0).
        hand_gradient: take the gradient from :func:`logistic_gradients` instead of autograd.

    Shape:
        - X: :math:`(N, D)`, finite; y: :math:`(N, 1)` with values 0 or 1

    Taught in: :ref:`gr-challenges-raw-metal`, challenge I
    """
    _check_xy(X, y)
    if y.numel() and not torch.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold labels 0 or 1, got values {sorted(set(y.unique().tolist()))[:6]}")
    check_positive("lr", lr)
    check_int("steps", steps, minimum=1)
    check_type("generator", generator, (torch.Generator, type(None)), "a torch.Generator or None")
    W = (0.01 * torch.randn(X.shape[1], 1, generator=generator, dtype=X.dtype)).requires_grad_()
    b = torch.zeros(1, dtype=X.dtype, requires_grad=True)
    model = LogisticRegression(W, b)
    for _ in range(steps):
        z = X @ W + b  # (N, 1) logits
        loss = binary_cross_entropy(sigmoid(z), y)
        model.losses.append(loss.item())
        if hand_gradient:
            grad_W, grad_b = logistic_gradients(X, y, W, b)
        else:
            loss.backward()
            grad_W, grad_b = W.grad, b.grad
        with torch.no_grad():  # the update itself must not be recorded
            W -= lr * grad_W  # in place: W stays the same leaf tensor
            b -= lr * grad_b
        W.grad = None
        b.grad = None
    return model
