import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlfp.nn import attention
from dlfp.nn.attention import (
    MultiHeadAttention,
    causal_mask,
    scaled_dot_product_attention,
)
from tests.unit.bad_input import F64, qkv


def _qkv(seed=0, B=2, H=3, L=7, S=7, D=8):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(B, H, L, D, generator=g),
        torch.randn(B, H, S, D, generator=g),
        torch.randn(B, H, S, D, generator=g),
    )


def test_matches_torch_sdpa_without_and_with_masks():
    q, k, v = _qkv()
    out, attn = scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(attn.sum(-1), torch.ones(2, 3, 7))
    out_c, attn_c = scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(out_c, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-5, rtol=1e-5)
    assert (attn_c.triu(1) == 0).all()
    out_m, _ = scaled_dot_product_attention(q, k, v, mask=causal_mask(7))
    torch.testing.assert_close(out_m, out_c)
    bool_mask = torch.rand(7, 7, generator=torch.Generator().manual_seed(1)) > 0.3
    bool_mask[:, 0] = True
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, mask=bool_mask)[0],
        F.scaled_dot_product_attention(q, k, v, attn_mask=bool_mask),
        atol=1e-5,
        rtol=1e-5,
    )
    float_mask = torch.randn(7, 7)
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, mask=float_mask)[0],
        F.scaled_dot_product_attention(q, k, v, attn_mask=float_mask),
        atol=1e-5,
        rtol=1e-5,
    )


def test_cross_attention_shapes_and_gradcheck():
    q, k, v = (t.double().requires_grad_() for t in _qkv(B=1, H=2, L=3, S=5, D=4))
    out, attn = scaled_dot_product_attention(q, k, v)
    assert out.shape == (1, 2, 3, 4) and attn.shape == (1, 2, 3, 5)
    assert torch.autograd.gradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c)[0], (q, k, v))


def test_multi_head_attention_matches_nn_multiheadattention():
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(16, 4, batch_first=True)
    mine = MultiHeadAttention(16, 4).load_from_torch(ref)
    x = torch.randn(2, 9, 16)
    out_ref, w_ref = ref(x, x, x, average_attn_weights=False)
    out, w = mine(x)
    torch.testing.assert_close(out, out_ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w, w_ref, atol=1e-6, rtol=1e-5)
    out_ref_c, _ = ref(x, x, x, attn_mask=~causal_mask(9))  # nn.MHA: True = NOT allowed
    torch.testing.assert_close(mine(x, is_causal=True)[0], out_ref_c, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: scaled_dot_product_attention(*_qkv()[:2], torch.randn(2, 3, 6, 8)), ValueError, "sequence dimension"),
        (lambda: scaled_dot_product_attention(torch.randn(2, 3, 7, 4), *_qkv()[1:]), ValueError, "last dimension"),
        (
            lambda: scaled_dot_product_attention(*_qkv(), mask=torch.ones(5, 5, dtype=torch.bool)),
            ValueError,
            "broadcast",
        ),
        (
            lambda: scaled_dot_product_attention(*_qkv(), mask=torch.ones(7, 7, dtype=torch.long)),
            TypeError,
            "bool or floating",
        ),
        (lambda: scaled_dot_product_attention(torch.ones(3), *_qkv()[1:]), ValueError, "at least 2"),
        (lambda: MultiHeadAttention(10, 3), ValueError, "divisible"),
        (lambda: MultiHeadAttention(8, 2)(torch.randn(2, 5, 6)), ValueError, r"\(B, L, 8\)"),
        (lambda: causal_mask(0), ValueError, "length"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------------ dtypes, devices, batch dims, empty sequences


@pytest.mark.parametrize(
    ("q", "k", "v", "mask", "error", "match"),
    [
        (
            torch.randn(2, 3, 4),
            torch.randn(2, 3, 4, dtype=torch.float64),
            torch.randn(2, 3, 4),
            None,
            TypeError,
            r"q, k and v must have the same dtype, got q torch\.float32, k torch\.float64, v torch\.float32",
        ),
        (
            torch.randn(2, 3, 4),
            torch.randn(3, 3, 4),
            torch.randn(3, 3, 4),
            None,
            ValueError,
            r"q, k and v must have broadcastable batch dimensions \(\.\.\.\), got q \(2, 3, 4\), k \(3, 3, 4\)",
        ),
        (
            torch.randn(2, 0, 4),
            torch.randn(2, 3, 4),
            torch.randn(2, 3, 4),
            None,
            ValueError,
            r"q and k must hold at least one query and one key \(L, S >= 1\)",
        ),
        (
            torch.randn(2, 3, 4),
            torch.randn(2, 0, 4),
            torch.randn(2, 0, 4),
            None,
            ValueError,
            r"at least one query and one key",
        ),
        (
            torch.randn(2, 3, 4),
            torch.randn(2, 3, 4),
            torch.randn(2, 3, 4),
            torch.zeros(3, 3, dtype=torch.float64),
            TypeError,
            r"mask must be bool or of q's dtype torch\.float32 \(added to the scores\), got torch\.float64",
        ),
        (
            torch.randn(2, 3, 4),
            torch.randn(2, 3, 4),
            torch.randn(2, 3, 4),
            torch.zeros(3, 3, device="meta"),
            ValueError,
            r"mask and q must be on the same device, got mask on meta, q on cpu",
        ),
    ],
)
def test_attention_refuses_mixed_dtypes_devices_batches_and_empty_sequences(q, k, v, mask, error, match):
    with pytest.raises(error, match=match):
        scaled_dot_product_attention(q, k, v, mask=mask)


def test_broadcast_batch_dimensions_still_work():
    q, k, v = torch.randn(2, 1, 3, 4), torch.randn(1, 5, 6, 4), torch.randn(1, 5, 6, 4)
    out, _ = scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v))


@pytest.mark.parametrize("bias", [True, False])
def test_load_from_torch_with_and_without_bias(bias):
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(8, 2, batch_first=True, bias=bias)
    ours = MultiHeadAttention(8, 2).load_from_torch(ref)
    x = torch.randn(2, 5, 8)
    torch.testing.assert_close(ours(x)[0], ref(x, x, x)[0])


def test_load_from_torch_refuses_extra_key_value_biases():
    with pytest.raises(ValueError, match=r"mha must not have add_bias_kv=True"):
        MultiHeadAttention(8, 2).load_from_torch(nn.MultiheadAttention(8, 2, add_bias_kv=True))


# Each public object of dlfp.nn.attention, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.attention.scaled_dot_product_attention": [
        (
            lambda: attention.scaled_dot_product_attention(torch.ones(3), *list(qkv())[1:]),
            ValueError,
            r"q must have at least 2 dimensions \(\.\.\., L, D\), got shape \(3,\)",
        ),
        (
            lambda: attention.scaled_dot_product_attention(*qkv(), mask=torch.ones(7, 7, dtype=torch.long)),
            TypeError,
            r"mask must be bool or floating point",
        ),
        (
            lambda: attention.scaled_dot_product_attention(
                torch.randn(2, 3, 4), torch.randn(2, 3, 4, dtype=F64), torch.randn(2, 3, 4)
            ),
            TypeError,
            r"q, k and v must have the same dtype, got q torch\.float32, k torch\.float64",
        ),
        (
            lambda: attention.scaled_dot_product_attention(
                torch.randn(2, 3, 4), torch.randn(3, 3, 4), torch.randn(3, 3, 4)
            ),
            ValueError,
            r"q, k and v must have broadcastable batch dimensions",
        ),
    ],
    "dlfp.nn.attention.causal_mask": [
        (lambda: attention.causal_mask(0), ValueError, r"length must be a positive int, got 0"),
    ],
    "dlfp.nn.attention.MultiHeadAttention": [
        (
            lambda: attention.MultiHeadAttention(10, 3),
            ValueError,
            r"embed_dim \(10\) must be divisible by num_heads \(3\)",
        ),
        (
            lambda: attention.MultiHeadAttention(8, 2)(torch.randn(2, 5, 6)),
            ValueError,
            r"query must have shape \(B, L, 8\), got \(2, 5, 6\)",
        ),
        (
            lambda: attention.MultiHeadAttention(8, 2)(torch.randn(2, 5, 8, dtype=F64)),
            TypeError,
            r"query must have the model's dtype torch\.float32, got torch\.float64",
        ),
    ],
}
