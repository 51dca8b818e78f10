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

Taught in: Part II, Grand Examination, challenge I (logistic regression from scratch).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


def _check_xy(X: torch.Tensor, y: torch.Tensor) -> None:
    if not isinstance(X, torch.Tensor) or not X.is_floating_point():
        raise TypeError(f"X must be a floating-point tensor, got {getattr(X, 'dtype', type(X).__name__)}")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got {tuple(X.shape)}")
    if not isinstance(y, torch.Tensor) or y.shape != (X.shape[0], 1):
        raise ValueError(
            f"y must have shape (N, 1) = ({X.shape[0]}, 1) to match the logits XW + b, "
            f"got {tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__}"
        )


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """The logistic function :math:`\\sigma(z) = 1 / (1 + e^{-z})`, written out.

    Shape:
        - z: any shape.
        - Output: same shape, values in :math:`[0, 1]`.
    """
    if not isinstance(z, torch.Tensor) or not z.is_floating_point():
        raise TypeError(f"z must be a floating-point tensor, got {getattr(z, 'dtype', type(z).__name__)}")
    return 1.0 / (1.0 + torch.exp(-z))


def binary_cross_entropy(p: torch.Tensor, y: torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Mean binary cross-entropy of probabilities ``p`` against labels ``y``, written out.

    .. math::

        L = -\\frac{1}{N} \\sum_i \\big[ y_i \\ln p_i + (1 - y_i) \\ln (1 - p_i) \\big]

    ``p`` is clamped to :math:`[\\varepsilon, 1 - \\varepsilon]` first: in
    ``float32`` :math:`\\sigma(z)` rounds to exactly 1 for :math:`z \\gtrsim 17`,
    and :math:`\\ln(1 - 1) = -\\infty` would make one confident mistake an
    infinite loss (PyTorch's ``F.binary_cross_entropy`` clamps the logarithm at −100
    for the same reason).

    Shape:
        - p, y: the same shape, e.g. :math:`(N, 1)`.
        - Output: scalar.

    Raises:
        ValueError: if the shapes differ (broadcasting ``(N, 1)`` against
            ``(N,)`` would silently give an ``(N, N)`` loss matrix).
    """
    if not isinstance(p, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError("p and y must be tensors")
    if p.shape != y.shape:
        raise ValueError(f"p and y must have the same shape, got {tuple(p.shape)} and {tuple(y.shape)}")
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
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
        - X: :math:`(N, D)`, y: :math:`(N, 1)`, W: :math:`(D, 1)`, b: :math:`(1,)`.
        - Output: ``(grad_W, grad_b)`` of shapes :math:`(D, 1)` and :math:`(1,)`.
    """
    _check_xy(X, y)
    if W.shape != (X.shape[1], 1) or b.shape != (1,):
        raise ValueError(
            f"W must have shape ({X.shape[1]}, 1) and b shape (1,), got "
            f"{tuple(W.shape)} and {tuple(b.shape)}"
        )
    with torch.no_grad():
        residual = sigmoid(X @ W + b) - y  # (N, 1)
        return X.T @ residual / X.shape[0], residual.mean(0)


@dataclass
class LogisticRegression:
    """Parameters and training record of :func:`train_logistic_regression`.

    Attributes:
        W: :math:`(D, 1)` weights, b: :math:`(1,)` bias (leaf tensors, ``requires_grad``).
        losses: the loss before each update.
    """

    W: torch.Tensor
    b: torch.Tensor
    losses: list[float] = field(default_factory=list)

    def predict_proba(self, X: torch.Tensor) -> torch.Tensor:
        """:math:`\\sigma(XW + b)`, shape :math:`(N, 1)`, without recording a graph."""
        with torch.no_grad():
            return sigmoid(X @ self.W + self.b)

    def accuracy(self, X: torch.Tensor, y: torch.Tensor) -> float:
        """Fraction of points whose thresholded probability (at 0.5) equals the label."""
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

    Shape:
        - X: :math:`(N, D)`, y: :math:`(N, 1)` with values 0 or 1.

    Raises:
        TypeError, ValueError: for wrong dtypes or shapes, a non-positive
            ``lr`` or ``steps``.
    """
    _check_xy(X, y)
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
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
