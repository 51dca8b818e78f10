import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlfp.nn import functional
from dlfp.nn.functional import (
    conv2d_unfold,
    cross_entropy,
    cross_entropy_grad,
    layer_norm_naive,
    log_softmax,
    logsumexp,
    softmax,
)
from dlfp.tensor.matmul import matmul_naive
from tests.unit.bad_input import F64, NAN


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 7), st.floats(0.1, 2000.0), st.integers(0, 10_000))
def test_against_torch(n, c, scale, seed):
    g = torch.Generator().manual_seed(seed)
    z = scale * torch.randn(n, c, generator=g, dtype=torch.float64)
    torch.testing.assert_close(logsumexp(z), torch.logsumexp(z, dim=-1))
    torch.testing.assert_close(log_softmax(z), torch.log_softmax(z, dim=-1))
    torch.testing.assert_close(softmax(z), torch.softmax(z, dim=-1))
    y = torch.randint(0, c, (n,), generator=g)
    torch.testing.assert_close(cross_entropy(z, y), F.cross_entropy(z, y))


def test_large_logits_do_not_overflow():
    z = torch.tensor([[1000.0, 1.0, 1.0]])
    naive = torch.exp(z) / torch.exp(z).sum()
    assert torch.isnan(naive[0, 0])
    p = softmax(z)
    assert torch.isfinite(p).all() and p[0, 0] == 1.0
    torch.testing.assert_close(cross_entropy(z, torch.tensor([1])), torch.tensor(999.0))


def test_logsumexp_dim_keepdim_and_minus_inf():
    z = torch.randn(3, 4, 5, dtype=torch.float64)
    torch.testing.assert_close(logsumexp(z, dim=1, keepdim=True), torch.logsumexp(z, 1, keepdim=True))
    row = torch.full((1, 3), float("-inf"))
    assert logsumexp(row).item() == float("-inf")


def test_cross_entropy_grad_matches_autograd():
    z = torch.randn(6, 4, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0, 1, 2, 3, 0, 1])
    F.cross_entropy(z, y).backward()
    torch.testing.assert_close(cross_entropy_grad(z.detach(), y), z.grad)


@pytest.mark.parametrize(
    "bad, err", [([1.0, 2.0], TypeError), (torch.tensor([1, 2]), TypeError), (torch.tensor(1.0), ValueError)]
)
def test_logsumexp_rejects(bad, err):
    with pytest.raises(err, match="z"):
        logsumexp(bad)


def test_softmax_and_log_softmax_reject_ints():
    with pytest.raises(TypeError, match="floating"):
        softmax(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="floating"):
        log_softmax(torch.tensor([1, 2]))


@pytest.mark.parametrize("fn", [cross_entropy, cross_entropy_grad])
def test_cross_entropy_rejects(fn):
    z = torch.randn(3, 4)
    with pytest.raises(ValueError, match="targets must have shape"):
        fn(z, torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="integer"):
        fn(z, torch.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="lie in"):
        fn(z, torch.tensor([0, 1, 4]))
    with pytest.raises(ValueError, match="logits must have shape"):
        fn(torch.randn(3), torch.tensor([0, 1, 2]))


@pytest.mark.parametrize("fn", [cross_entropy, cross_entropy_grad])
def test_an_empty_batch_is_refused_instead_of_nan(fn):
    with pytest.raises(ValueError, match=r"logits must hold at least one row \(the loss is a mean over N >= 1\)"):
        fn(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long))


def test_targets_on_another_device_are_named():
    with pytest.raises(ValueError, match=r"targets must be on device cpu, got meta"):
        cross_entropy(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long, device="meta"))


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
    from dlfp.nn.functional import layer_norm_naive

    x = torch.randn(2, 3)
    with pytest.raises(
        TypeError, match=r"x, weight and bias must have the same dtype, got x torch\.float32, weight torch\.float64"
    ):
        layer_norm_naive(x, torch.ones(3, dtype=torch.float64), torch.zeros(3))
    with pytest.raises(ValueError, match=r"x, weight and bias must be on the same device.*weight on meta"):
        layer_norm_naive(x, torch.ones(3, device="meta"), torch.zeros(3))
    with pytest.raises(ValueError, match=r"A and B must share dtype and device"):
        matmul_naive(x, torch.randn(3, 2, dtype=torch.float64))


# Each public object of dlfp.nn.functional, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.functional.conv2d_unfold": [
        (
            lambda: functional.conv2d_unfold(torch.randn(3, 9, 9), torch.randn(4, 3, 3, 3)),
            ValueError,
            r"x must be a 4-D tensor \(B, C_in, H, W\), got shape \(3, 9, 9\)",
        ),
        (
            lambda: functional.conv2d_unfold(torch.randn(1, 3, 9, 9), torch.randn(4, 3, 3, 3), padding=-1),
            ValueError,
            r"padding must be a non-negative int",
        ),
    ],
    "dlfp.nn.functional.layer_norm_naive": [
        (
            lambda: functional.layer_norm_naive(torch.randn(2, 3), torch.ones(3, dtype=F64), torch.zeros(3)),
            TypeError,
            r"x, weight and bias must have the same dtype",
        ),
        (
            lambda: functional.layer_norm_naive(torch.randn(2, 16), torch.ones(8), torch.zeros(16)),
            ValueError,
            r"weight must have shape \(16,\) to match x's last dimension, got \(8,\)",
        ),
    ],
    "dlfp.nn.functional.logsumexp": [
        (
            lambda: functional.logsumexp(torch.tensor(1.0)),
            ValueError,
            r"z must have at least 1 dimension, got shape \(\)",
        ),
        (lambda: functional.logsumexp(torch.zeros(3), dim=2), ValueError, r"dim must be an int in \[-1, 0\], got 2"),
    ],
    "dlfp.nn.functional.log_softmax": [
        (lambda: functional.log_softmax(torch.tensor([1, 2])), TypeError, r"z must be a floating-point tensor"),
    ],
    "dlfp.nn.functional.softmax": [
        (lambda: functional.softmax(torch.tensor([NAN, 1.0])), ValueError, r"z must not contain NaN, got 1 NaN entry"),
    ],
    "dlfp.nn.functional.cross_entropy": [
        (
            lambda: functional.cross_entropy(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long)),
            ValueError,
            r"logits must hold at least one row",
        ),
        (
            lambda: functional.cross_entropy(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0])),
            TypeError,
            r"targets must be an integer tensor, got dtype torch\.float32",
        ),
        (
            lambda: functional.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1, 4])),
            ValueError,
            r"targets must lie in \[0, 3\]",
        ),
    ],
    "dlfp.nn.functional.cross_entropy_grad": [
        (
            lambda: functional.cross_entropy_grad(torch.randn(3, 4), torch.tensor([0, 1])),
            ValueError,
            r"targets must have shape \(3,\) to match logits \(3, 4\), got \(2,\)",
        ),
        (
            lambda: functional.cross_entropy_grad(torch.randn(3), torch.tensor([0, 1, 2])),
            ValueError,
            r"logits must have shape \(N, C\), got \(3,\)",
        ),
    ],
}
