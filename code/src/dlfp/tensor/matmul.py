"""The matrix product written as the triple loop the text first explains it as.

It is tested equal to ``torch.matmul`` before it is timed against it
(``tests/benchmarks``).

Taught in: :ref:`ch-tensor` §1.2
"""

from __future__ import annotations

import torch

from dlfp._checks import check_tensor


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

    Torch twin: ``torch.matmul`` (``A @ B``).

    Taught in: :ref:`ch-tensor` §1.2
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
