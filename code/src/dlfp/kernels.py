"""The naive and the library version of each kernel the book benchmarks.

Every naive kernel is written the way the text first explains it and is
tested equal to its library twin before it is timed
(``tests/benchmarks``).
"""

from __future__ import annotations

import torch

from dlfp.validation import check_int, check_positive, check_same_device, check_same_dtype, check_tensor


def matmul_naive(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """Matrix product by its definition, one output entry at a time.

    .. math::

        C_{ij} = \\sum_k A_{ik} B_{kj}

    Each entry is one dot product launched from Python, so the cost is
    :math:`nm` interpreter round-trips instead of one call to an optimised
    BLAS routine — the point of the comparison with ``A @ B``.

    Shape:
        - A: :math:`(n, k)`
        - B: :math:`(k, m)`
        - Output: :math:`(n, m)`, dtype and device of the inputs.

    Taught in: Part I, chapter 1, §1.2 "Tensor operations = linear algebra".
    """
    check_tensor("A", A, ndim=2, dims="(n, k)")
    check_tensor("B", B, ndim=2, dims="(k, m)")
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"inner dimensions differ: A is {tuple(A.shape)}, B is {tuple(B.shape)}")
    if A.dtype != B.dtype or A.device != B.device:
        raise ValueError(f"A and B must share dtype and device, got {A.dtype}/{A.device} and {B.dtype}/{B.device}")
    n, m = A.shape[0], B.shape[1]
    C = torch.empty(n, m, dtype=A.dtype, device=A.device)
    for i in range(n):
        for j in range(m):
            C[i, j] = torch.dot(A[i], B[:, j])
    return C


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

    Stride 1, zero padding ``padding`` on every side.

    Shape:
        - x: :math:`(B, C_\\text{in}, H, W)`
        - weight: :math:`(C_\\text{out}, C_\\text{in}, k_h, k_w)`
        - bias: :math:`(C_\\text{out},)` or ``None``
        - Output: :math:`(B, C_\\text{out}, H + 2p - k_h + 1, W + 2p - k_w + 1)`

    Taught in: Part I, chapter 4 (convolutions); timed against ``F.conv2d``.
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

    Shape:
        - x: :math:`(*, d)`
        - weight (:math:`\\gamma`), bias (:math:`\\beta`): :math:`(d,)`
        - Output: same shape as ``x``

    Raises:
        TypeError, ValueError: for tensors that are not floating, of those
            shapes, on one device and of one dtype, or a non-positive ``eps``.

    Taught in: Part III, week 1 (normalisation); timed against ``F.layer_norm``.
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
