"""Numerically stable log-sum-exp, softmax and cross-entropy, written out by hand.

The exponential overflows ``float32`` for arguments above
:math:`\\ln(3.4\\times10^{38}) \\approx 88.72`, so a softmax computed as
``exp(z) / exp(z).sum()`` returns ``nan`` for large logits. Every function
here uses the shift invariance of softmax,

.. math::

    \\operatorname{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}
    = \\frac{e^{z_i - m}}{\\sum_j e^{z_j - m}}, \\qquad m = \\max_j z_j,

so the largest exponent is :math:`e^0 = 1` and nothing overflows. Each
function is compared with ``torch.logsumexp``, ``torch.softmax`` and
``F.cross_entropy`` in ``tests/unit/test_stable.py``.

Taught in: Part III, Week 1 §6 "Loss functions and numerical stability".
"""

from __future__ import annotations

import torch

from dlfp.validation import check_int, check_tensor


def logsumexp(z: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    """:math:`\\operatorname{LSE}(z) = m + \\ln \\sum_j e^{z_j - m}` with :math:`m = \\max_j z_j`.

    Exact in exact arithmetic (the :math:`e^{m}` factors cancel); in floating
    point the largest term is :math:`e^0 = 1`, so the sum lies in
    :math:`[1, n]` and neither overflows nor underflows to ``log(0)``. A row
    that is entirely :math:`-\\infty` gives :math:`-\\infty`, as
    ``torch.logsumexp`` does.

    Shape:
        - z: :math:`(*, n, *)`, any floating dtype, ``n >= 1`` along ``dim``.
        - Output: ``z`` with ``dim`` removed (kept with size 1 if ``keepdim``).

    Raises:
        TypeError: if ``z`` is not a floating-point tensor or ``dim`` not an int.
        ValueError: if ``z`` is 0-dimensional, holds NaN, ``dim`` is out of
            range or ``z`` is empty along ``dim``.

    Taught in: Part III, Week 1 §6.2.
    """
    check_tensor("z", z, min_ndim=1, floating=True, finite=True, allow_inf=True)
    check_int("dim", dim, minimum=-z.ndim, maximum=z.ndim - 1)
    if z.shape[dim] == 0:
        raise ValueError(f"z must have at least one element along dim {dim}, got shape {tuple(z.shape)}")
    m = z.amax(dim=dim, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))  # all -inf row: shift by 0
    out = m + torch.log(torch.exp(z - m).sum(dim=dim, keepdim=True))
    return out if keepdim else out.squeeze(dim)


def log_softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """:math:`\\ln \\operatorname{softmax}(z)_i = z_i - \\operatorname{LSE}(z)`.

    Shape:
        - z: any shape with at least one dimension.
        - Output: same shape as ``z``.

    Taught in: Part III, Week 1 §6.2.
    """
    return z - logsumexp(z, dim=dim, keepdim=True)


def softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """:math:`\\operatorname{softmax}(z)_i = e^{z_i - \\operatorname{LSE}(z)}`, stable for any finite ``z``.

    Shape:
        - z: any shape with at least one dimension.
        - Output: same shape as ``z``; entries in :math:`[0, 1]` summing to 1 along ``dim``.

    Taught in: Part III, Week 1 §6.1–6.2.
    """
    return torch.exp(log_softmax(z, dim=dim))


def _check_targets(logits: torch.Tensor, targets: object) -> torch.Tensor:
    check_tensor("logits", logits, shape=("N", "C"), floating=True, finite=True, allow_inf=True)
    check_tensor("targets", targets, integer=True, note=" (class indices)")
    check_tensor(
        "targets",
        targets,
        shape=(logits.shape[0],),
        device=logits.device,
        note=f" to match logits {tuple(logits.shape)}",
    )
    if logits.shape[0] == 0:
        raise ValueError(
            f"logits must hold at least one row (the loss is a mean over N >= 1), got shape {tuple(logits.shape)}"
        )
    if len(targets) and (targets.min() < 0 or targets.max() >= logits.shape[1]):
        raise ValueError(
            f"targets must lie in [0, {logits.shape[1] - 1}], got values {int(targets.min())}..{int(targets.max())}"
        )
    return targets.long()


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy from raw logits, :math:`\\frac1N\\sum_n [\\operatorname{LSE}(z_n) - z_{n, y_n}]`.

    This is :math:`-\\frac1N\\sum_n \\ln p_{n, y_n}` with :math:`p = \\operatorname{softmax}(z)`,
    computed without forming :math:`p` — what ``F.cross_entropy`` (and
    ``nn.CrossEntropyLoss()``) do.

    Shape:
        - logits: :math:`(N, C)`, floating.
        - targets: :math:`(N,)`, integer class indices in :math:`[0, C)`.
        - Output: scalar.

    Raises:
        TypeError / ValueError: for a wrong dtype, shape, device or class index.

    Taught in: Part III, Week 1 §6.1–6.3.
    """
    y = _check_targets(logits, targets)
    picked = logits.gather(1, y[:, None]).squeeze(1)
    return (logsumexp(logits, dim=1) - picked).mean()


def cross_entropy_grad(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Gradient of :func:`cross_entropy` with respect to the logits: :math:`(p - \\text{onehot}(y)) / N`.

    The famous ":math:`p - y`" is the gradient of one sample's loss; the mean
    over the batch divides it by :math:`N`.

    Shape:
        - logits: :math:`(N, C)`; targets: :math:`(N,)`.
        - Output: :math:`(N, C)`, each row summing to 0.

    Taught in: Part III, Week 1 §6.4.2.
    """
    y = _check_targets(logits, targets)
    p = softmax(logits, dim=1)
    onehot = torch.zeros_like(p).scatter_(1, y[:, None], 1.0)
    return (p - onehot) / logits.shape[0]
