"""Functions written out beside their torch twins: stable log-sum-exp, softmax and
cross-entropy; convolution as unfold and a matrix product; layer normalisation.

The exponential overflows ``float32`` for arguments above
:math:`\\ln(3.4\\times10^{38}) \\approx 88.72`, so a softmax computed as
``exp(z) / exp(z).sum()`` returns ``nan`` for large logits. Every function
here uses the shift invariance of softmax,

.. math::

    \\operatorname{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}
    = \\frac{e^{z_i - m}}{\\sum_j e^{z_j - m}}, \\qquad m = \\max_j z_j,

so the largest exponent is :math:`e^0 = 1` and nothing overflows. Each
function is compared with its torch twin (``torch.logsumexp``,
``torch.softmax``, ``F.cross_entropy``, ``F.conv2d``, ``F.layer_norm``) in
``tests/unit/nn/test_functional.py``.

Taught in: :ref:`wk1-losses`, :ref:`wk1-lse`.
"""

from __future__ import annotations

import torch

from dlfp._checks import check_int, check_positive, check_same_device, check_same_dtype, check_tensor


def logsumexp(z: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    """:math:`\\operatorname{LSE}(z) = m + \\ln \\sum_j e^{z_j - m}` with :math:`m = \\max_j z_j`.

    Exact in exact arithmetic (the :math:`e^{m}` factors cancel); in floating
    point the largest term is :math:`e^0 = 1`, so the sum lies in
    :math:`[1, n]` and neither overflows nor underflows to ``log(0)``. A row
    that is entirely :math:`-\\infty` gives :math:`-\\infty`, as
    ``torch.logsumexp`` does.

    Args:
        z: floating tensor, no NaN (:math:`\\pm\\infty` allowed).
        dim: the dimension of size :math:`n` to reduce.
        keepdim: keep ``dim`` with size 1.

    Shape:
        - z: :math:`(*, n, *)`, ``n >= 1`` along ``dim``
        - Output: ``z`` without ``dim`` (size 1 there if ``keepdim``)

    Torch twin: ``torch.logsumexp``.
    Taught in: :ref:`wk1-lse`.
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
    """:math:`\\ln \\operatorname{softmax}(z)_i = z_i - \\operatorname{LSE}(z)`, by :func:`logsumexp`.

    Args:
        z: floating tensor of logits, no NaN.
        dim: the dimension of size :math:`n` to normalise over.

    Shape:
        - z: :math:`(*, n, *)`, ``n >= 1`` along ``dim``
        - Output: same shape as ``z``

    Torch twin: ``torch.log_softmax``.
    Taught in: :ref:`wk1-lse`.
    """
    return z - logsumexp(z, dim=dim, keepdim=True)


def softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """:math:`\\operatorname{softmax}(z)_i = e^{z_i - \\operatorname{LSE}(z)}`, stable for any finite ``z``.

    Args:
        z: floating tensor of logits, no NaN.
        dim: the dimension of size :math:`n` to normalise over.

    Shape:
        - z: :math:`(*, n, *)`, ``n >= 1`` along ``dim``
        - Output: same shape as ``z``; entries in :math:`[0, 1]` summing to 1 along ``dim``

    Torch twin: ``torch.softmax``.
    Taught in: :ref:`wk1-lse`.
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
    computed without forming :math:`p`.

    Args:
        logits: raw scores :math:`z`, floating, no NaN.
        targets: integer class indices :math:`y` in :math:`[0, C)`.

    Shape:
        - logits: :math:`(N, C)`, ``N >= 1``; targets: :math:`(N,)`
        - Output: scalar

    Torch twin: ``F.cross_entropy`` (and ``nn.CrossEntropyLoss()``).
    Taught in: :ref:`wk1-losses`, :ref:`wk1-lse`.
    """
    y = _check_targets(logits, targets)
    picked = logits.gather(1, y[:, None]).squeeze(1)
    return (logsumexp(logits, dim=1) - picked).mean()


def cross_entropy_grad(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Gradient of :func:`cross_entropy` with respect to the logits: :math:`(p - \\text{onehot}(y)) / N`.

    The famous ":math:`p - y`" is the gradient of one sample's loss; the mean
    over the batch divides it by :math:`N`.

    Args:
        logits, targets: as in :func:`cross_entropy`.

    Shape:
        - logits: :math:`(N, C)`; targets: :math:`(N,)`
        - Output: :math:`(N, C)`, each row summing to 0

    Compared with: autograd's gradient of ``F.cross_entropy``.
    Taught in: :ref:`wk1-losses` (§6.4.2, the start node of backprop).
    """
    y = _check_targets(logits, targets)
    p = softmax(logits, dim=1)
    onehot = torch.zeros_like(p).scatter_(1, y[:, None], 1.0)
    return (p - onehot) / logits.shape[0]


def conv2d_unfold(
    x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, padding: int = 0
) -> torch.Tensor:
    """2-D convolution (PyTorch's cross-correlation) as one matrix product.

    ``F.unfold`` copies every :math:`C_\\text{in} \\times k_h \\times k_w` input
    patch into a column; the convolution is then the product of the
    :math:`(C_\\text{out}, C_\\text{in} k_h k_w)` weight matrix with the
    columns ("im2col"):

    .. math::

        y_{b,o,p} = \\sum_{c,i,j} w_{o,c,i,j}\\, x_{b,c,\\,p_h+i,\\,p_w+j} + b_o

    Stride 1, zero padding on every side.

    Args:
        x: input batch, floating.
        weight: the kernels; ``C_in`` must equal ``x``'s channels.
        bias: one per output channel, or ``None`` for none.
        padding: :math:`p \\ge 0` zeros added on every side.

    Shape:
        - x: :math:`(B, C_\\text{in}, H, W)`
        - weight: :math:`(C_\\text{out}, C_\\text{in}, k_h, k_w)`
        - bias: :math:`(C_\\text{out},)` or ``None``
        - Output: :math:`(B, C_\\text{out}, H + 2p - k_h + 1, W + 2p - k_w + 1)`

    Torch twin: ``F.conv2d(x, weight, bias, padding=p)``.
    """
    check_tensor("x", x, ndim=4, dims="(B, C_in, H, W)", floating=True)
    check_tensor("weight", weight, ndim=4, dims="(C_out, C_in, k_h, k_w)", floating=True)
    if bias is not None:
        check_tensor("bias", bias, shape=(weight.shape[0],), floating=True)
    check_int("padding", padding, minimum=0)
    check_same_device(x=x, weight=weight, **({} if bias is None else {"bias": bias}))
    if weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight expects {weight.shape[1]} input channels, x has {x.shape[1]} "
            f"(x {tuple(x.shape)}, weight {tuple(weight.shape)})"
        )
    B, _, H, W = x.shape
    c_out, _, kh, kw = weight.shape
    h_out, w_out = H + 2 * padding - kh + 1, W + 2 * padding - kw + 1
    if h_out < 1 or w_out < 1:
        raise ValueError(f"kernel {kh}x{kw} does not fit a {H}x{W} input with padding {padding}")
    columns = torch.nn.functional.unfold(x, (kh, kw), padding=padding)  # (B, C_in*kh*kw, L)
    out = weight.reshape(c_out, -1) @ columns  # (B, C_out, L)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(B, c_out, h_out, w_out)


def layer_norm_naive(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Layer normalisation over the last dimension, written out.

    .. math::

        y = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\varepsilon}}\\,\\gamma + \\beta,
        \\qquad \\mu = \\tfrac{1}{d}\\sum_i x_i,\\quad
        \\sigma^2 = \\tfrac{1}{d}\\sum_i (x_i - \\mu)^2

    (the *biased* variance, as ``F.layer_norm`` uses). Each statistic is a
    separate pass over memory, where the library fuses them into one kernel.

    Args:
        x: input, floating.
        weight: the scale :math:`\\gamma`, of ``x``'s dtype and device.
        bias: the shift :math:`\\beta`, of ``x``'s dtype and device.
        eps: :math:`\\varepsilon > 0`, added to the variance.

    Shape:
        - x: :math:`(*, d)`; weight, bias: :math:`(d,)`
        - Output: same shape as ``x``

    Torch twin: ``F.layer_norm(x, (d,), weight, bias, eps)``.
    """
    check_tensor("x", x, min_ndim=1, dims="(*, d)", floating=True)
    d = x.shape[-1]
    for name, t in (("weight", weight), ("bias", bias)):
        check_tensor(name, t, shape=(d,), floating=True, note=" to match x's last dimension")
    check_same_device(x=x, weight=weight, bias=bias)
    check_same_dtype(x=x, weight=weight, bias=bias)
    check_positive("eps", eps)
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias
