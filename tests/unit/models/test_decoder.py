import pytest
import torch
import torch.nn.functional as F
from torch import nn

import dlfp
import dlfp.models.decoder
from dlfp.models import decoder
from dlfp.models.decoder import CausalSelfAttention, DecoderBlock, DecoderOnlyTransformer, rollout
from dlfp.nn.attention import causal_mask
from tests.unit.bad_input import F64, NAN


def test_one_causal_mask_true_where_allowed():
    # dlfp has one causal mask, F.scaled_dot_product_attention's convention: True = allowed
    m = causal_mask(4)
    assert m.dtype == torch.bool and m.shape == (4, 4)
    assert torch.equal(m, torch.tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.bool))
    assert not hasattr(dlfp.models.decoder, "causal_mask") or dlfp.models.decoder.causal_mask is causal_mask


def test_attention_matches_scaled_dot_product_attention():
    torch.manual_seed(0)
    attn = CausalSelfAttention(16, 4)
    x = torch.randn(2, 7, 16)
    y, w = attn(x, return_weights=True)
    q, k, v = attn.qkv(x).split(16, dim=-1)
    q, k, v = (z.view(2, 7, 4, 4).transpose(1, 2) for z in (q, k, v))
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(2, 7, 16)
    torch.testing.assert_close(y, attn.out(ref))
    assert w.shape == (2, 4, 7, 7)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 4, 7))
    assert torch.all(w.masked_select(~causal_mask(7)) == 0)  # no weight where attention is forbidden


def test_attention_matches_nn_multihead_attention():
    torch.manual_seed(0)
    ours = CausalSelfAttention(8, 2)
    ref = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(ours.qkv.weight)
        ref.in_proj_bias.copy_(ours.qkv.bias)
        ref.out_proj.weight.copy_(ours.out.weight)
        ref.out_proj.bias.copy_(ours.out.bias)
    x = torch.randn(3, 5, 8)
    # nn.MultiheadAttention's bool attn_mask is True where attention is FORBIDDEN: invert ours
    expected, _ = ref(x, x, x, attn_mask=~causal_mask(5), need_weights=False)
    torch.testing.assert_close(ours(x), expected)


def test_future_inputs_do_not_change_past_outputs():
    torch.manual_seed(0)
    model = DecoderOnlyTransformer(3, 16, 2, 2, 10)
    x = torch.randn(1, 10, 3)
    x2 = x.clone()
    x2[:, 6:] += torch.randn(1, 4, 3)
    y, y2 = model(x), model(x2)
    torch.testing.assert_close(y[:, :6], y2[:, :6])
    assert not torch.allclose(y[:, 6:], y2[:, 6:])
    block = DecoderBlock(16, 2)
    h = torch.randn(1, 10, 16)
    h2 = h.clone()
    h2[:, 8:] = 0
    torch.testing.assert_close(block(h)[:, :8], block(h2)[:, :8])


def test_output_is_residual_with_scale():
    model = DecoderOnlyTransformer(3, 8, 2, 1, 5, increment_scale=torch.tensor([1e-9, 1e-9, 1e-9]))
    x = torch.randn(2, 5, 3)
    torch.testing.assert_close(model(x), x, atol=1e-6, rtol=0)


def test_rollout_feeds_back_its_predictions():
    torch.manual_seed(0)
    model = DecoderOnlyTransformer(2, 8, 2, 1, 4)
    ctx = torch.randn(6, 2)
    out = rollout(model, ctx, 3)
    assert out.shape == (3, 2)
    with torch.no_grad():
        first = model(ctx[-4:][None])[0, -1]
        second = model(torch.cat([ctx[-3:], first[None]])[None])[0, -1]
    torch.testing.assert_close(out[0], first)
    torch.testing.assert_close(out[1], second)
    assert model.training  # mode restored


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: CausalSelfAttention(10, 3), "divisible"),
        (lambda: DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 4, 2)), r"\(B, L, 3\)"),
        (lambda: DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 5, 3)), "max_len"),
        (lambda: DecoderOnlyTransformer(3, 8, 2, 1, 4, increment_scale=0.0), "increment_scale"),
        (lambda: rollout(DecoderOnlyTransformer(3, 8, 2, 1, 4), torch.randn(4, 2), 3), "context"),
        (lambda: rollout(DecoderOnlyTransformer(3, 8, 2, 1, 4), torch.randn(4, 3), 0), "steps"),
    ],
)
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: CausalSelfAttention(8, 2)(torch.zeros(2, 0, 8)),
        lambda: DecoderBlock(8, 2)(torch.zeros(2, 0, 8)),
        lambda: DecoderOnlyTransformer(d_in=3, d_model=8, n_heads=2, n_layers=1)(torch.zeros(2, 0, 3)),
    ],
)
def test_zero_length_sequences_are_refused_by_the_input_name(call):
    with pytest.raises(ValueError, match=r"x must have L >= 1 \(not empty\), got shape \(2, 0, \d\)"):
        call()


def test_rollout_refuses_an_empty_context():
    model = DecoderOnlyTransformer(d_in=3, d_model=8, n_heads=2, n_layers=1)
    with pytest.raises(ValueError, match=r"context must hold at least one step"):
        rollout(model, torch.zeros(0, 3), steps=2)


# Each public object of dlfp.models.decoder, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.decoder.CausalSelfAttention": [
        (lambda: decoder.CausalSelfAttention(10, 3), ValueError, r"d_model \(10\) must be divisible by n_heads \(3\)"),
        (
            lambda: decoder.CausalSelfAttention(16, 4)(torch.randn(2, 5, 8)),
            ValueError,
            r"x must have shape \(B, L, 16\), got \(2, 5, 8\)",
        ),
        (
            lambda: decoder.CausalSelfAttention(16, 4)(torch.randn(5, 16)),
            ValueError,
            r"x must have shape \(B, L, 16\), got \(5, 16\)",
        ),
    ],
    "dlfp.models.decoder.DecoderBlock": [
        (lambda: decoder.DecoderBlock(16, 0), ValueError, r"n_heads must be a positive int, got 0"),
        (lambda: decoder.DecoderBlock(16, 4)(torch.randn(2, 5, 8)), ValueError, r"x must have shape \(B, L, 16\)"),
    ],
    "dlfp.models.decoder.DecoderOnlyTransformer": [
        (
            lambda: decoder.DecoderOnlyTransformer(d_in=3, d_model=8, n_heads=2, n_layers=1)(torch.zeros(2, 0, 3)),
            ValueError,
            r"x must have L >= 1 \(not empty\), got shape \(2, 0, 3\)",
        ),
        (lambda: decoder.DecoderOnlyTransformer(0), ValueError, r"d_in must be a positive int, got 0"),
        (
            lambda: decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 4, 2)),
            ValueError,
            r"x must have shape \(B, L, 3\), got \(2, 4, 2\)",
        ),
        (
            lambda: decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 4, 3, dtype=F64)),
            TypeError,
            r"x must have the model's dtype torch\.float32",
        ),
        (
            lambda: decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4)(torch.randn(2, 5, 3)),
            ValueError,
            r"x must have at most max_len=4 steps",
        ),
    ],
    "dlfp.models.decoder.rollout": [
        (
            lambda: decoder.rollout(decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4), torch.randn(4, 2), 3),
            ValueError,
            r"context must have shape \(L, 3\), got \(4, 2\)",
        ),
        (
            lambda: decoder.rollout(decoder.DecoderOnlyTransformer(3, 8, 2, 1, 4), torch.full((4, 3), NAN), 3),
            ValueError,
            r"context must be finite",
        ),
        (
            lambda: decoder.rollout(nn.Linear(3, 3), torch.randn(4, 3), 3),
            TypeError,
            r"model must be a DecoderOnlyTransformer",
        ),
    ],
}
