import pytest
import torch

from dlfp.tensor import matmul
from dlfp.tensor.matmul import matmul_naive


@pytest.mark.parametrize("n, k, m", [(1, 1, 1), (3, 4, 5), (7, 2, 3)])
def test_matmul_naive_matches_matmul(n, k, m):
    A, B = torch.randn(n, k, dtype=torch.float64), torch.randn(k, m, dtype=torch.float64)
    torch.testing.assert_close(matmul_naive(A, B), A @ B)


@pytest.mark.parametrize(
    "A, B, match",
    [
        (torch.zeros(3), torch.zeros(3, 3), r"A must be a 2-D tensor \(n, k\)"),
        (torch.zeros(3, 4), torch.zeros(3, 4), "inner dimensions differ"),
        (torch.zeros(2, 2), torch.zeros(2, 2, dtype=torch.float64), "share dtype"),
        ([[1.0]], torch.zeros(1, 1), "torch.Tensor"),
    ],
)
def test_matmul_naive_rejects_bad_input(A, B, match):
    with pytest.raises((TypeError, ValueError), match=match):
        matmul_naive(A, B)


# Each public object of dlfp.tensor.matmul, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.tensor.matmul.matmul_naive": [
        (
            lambda: matmul.matmul_naive(torch.zeros(3), torch.zeros(3, 3)),
            ValueError,
            r"A must be a 2-D tensor \(n, k\), got shape \(3,\)",
        ),
    ],
}
