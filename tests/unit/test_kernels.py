import pytest
import torch

from dlfp.kernels import matmul_naive


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


from dlfp.kernels import conv2d_unfold, layer_norm_naive  # noqa: E402


@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_unfold_matches_conv2d(padding, bias):
    x = torch.randn(2, 3, 9, 7, dtype=torch.float64)
    w = torch.randn(4, 3, 3, 2, dtype=torch.float64)
    b = torch.randn(4, dtype=torch.float64) if bias else None
    expected = torch.nn.functional.conv2d(x, w, b, padding=padding)
    torch.testing.assert_close(conv2d_unfold(x, w, b, padding=padding), expected)


@pytest.mark.parametrize(
    "x, w, match",
    [
        (torch.randn(3, 9, 9), torch.randn(4, 3, 3, 3), r"x must be a 4-D tensor \(B, C_in, H, W\)"),
        (torch.randn(1, 2, 9, 9), torch.randn(4, 3, 3, 3), "3 input channels, x has 2"),
        (torch.randn(1, 3, 2, 2), torch.randn(4, 3, 3, 3), "does not fit"),
        (torch.ones(1, 3, 5, 5, dtype=torch.int64), torch.randn(4, 3, 3, 3), "floating-point"),
    ],
)
def test_conv2d_unfold_rejects_bad_input(x, w, match):
    with pytest.raises((TypeError, ValueError), match=match):
        conv2d_unfold(x, w)


def test_layer_norm_naive_matches_library():
    x = torch.randn(4, 5, 16, dtype=torch.float64)
    w, b = torch.randn(16, dtype=torch.float64), torch.randn(16, dtype=torch.float64)
    torch.testing.assert_close(layer_norm_naive(x, w, b), torch.nn.functional.layer_norm(x, (16,), w, b))


def test_layer_norm_naive_rejects_mismatched_weight():
    with pytest.raises(ValueError, match=r"weight must have shape \(16,\)"):
        layer_norm_naive(torch.randn(2, 16), torch.ones(8), torch.zeros(16))


def test_layer_norm_refuses_mixed_dtypes_and_devices():
    from dlfp.kernels import layer_norm_naive

    x = torch.randn(2, 3)
    with pytest.raises(
        TypeError, match=r"x, weight and bias must have the same dtype, got x torch\.float32, weight torch\.float64"
    ):
        layer_norm_naive(x, torch.ones(3, dtype=torch.float64), torch.zeros(3))
    with pytest.raises(ValueError, match=r"x, weight and bias must be on the same device.*weight on meta"):
        layer_norm_naive(x, torch.ones(3, device="meta"), torch.zeros(3))
    with pytest.raises(ValueError, match=r"A and B must share dtype and device"):
        matmul_naive(x, torch.randn(3, 2, dtype=torch.float64))
