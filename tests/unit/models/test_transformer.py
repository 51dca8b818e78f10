import pytest
import torch
from torch import nn

from dlfp.models import transformer
from dlfp.models.transformer import BurgersTransformer, MyTransformerBlock


@pytest.mark.parametrize("norm_first", [False, True])
def test_block_matches_transformer_encoder_layer(norm_first):
    torch.manual_seed(0)
    ref = nn.TransformerEncoderLayer(
        32, 4, dim_feedforward=64, dropout=0.0, batch_first=True, norm_first=norm_first
    ).eval()
    mine = MyTransformerBlock(32, 4, dim_feedforward=64, norm_first=norm_first)
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(3, 11, 32)
    torch.testing.assert_close(mine(x), ref(x), atol=1e-5, rtol=1e-5)
    y, attn = mine(x, return_attention=True)
    assert attn.shape == (3, 4, 11, 11)
    torch.testing.assert_close(attn.sum(-1), torch.ones(3, 4, 11))


def test_burgers_transformer_shapes_and_attention_maps():
    torch.manual_seed(0)
    model = BurgersTransformer(n_points=16, d_model=8, nhead=2, num_layers=3, dim_feedforward=16)
    u0 = torch.randn(5, 16)
    out, maps = model(u0, return_attention=True)
    assert out.shape == (5, 16) and len(maps) == 3 and maps[0].shape == (5, 2, 16, 16)
    torch.testing.assert_close(model(u0), out)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: MyTransformerBlock(10, 3), ValueError, "divisible"),
        (lambda: MyTransformerBlock(8, 2, dropout=1.5), ValueError, "dropout"),
        (lambda: MyTransformerBlock(8, 2)(torch.randn(2, 5)), ValueError, r"\(B, L, 8\)"),
        (lambda: BurgersTransformer(n_points=16, d_model=8, nhead=2)(torch.randn(2, 15)), ValueError, r"\(B, 16\)"),
        (lambda: BurgersTransformer(num_layers=0), ValueError, "num_layers"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("mask", "error", "match"),
    [
        (torch.zeros(4, 4), ValueError, r"mask must have shape \(5, 5\) or \(B\*nhead, L, L\) = \(6, 5, 5\)"),
        (torch.zeros(3, 5, 5), ValueError, r"mask must have shape \(5, 5\) or \(B\*nhead, L, L\)"),
        (torch.zeros(5, 5, dtype=torch.long), TypeError, r"mask must be a bool tensor.*got dtype torch\.int64"),
        (torch.zeros(5, 5, dtype=torch.float64), TypeError, r"float tensor of x's dtype torch\.float32"),
        (torch.zeros(5, 5, device="meta"), ValueError, r"mask must be on x's device cpu, got meta"),
        ([[0.0]], TypeError, r"mask must be a torch\.Tensor, got list"),
    ],
)
def test_block_refuses_a_bad_mask(mask, error, match):
    block = MyTransformerBlock(8, 2, 16)
    with pytest.raises(error, match=match):
        block(torch.randn(3, 5, 8), mask)


def test_block_accepts_the_masks_nn_multiheadattention_takes_and_refuses_empty_sequences():
    block = MyTransformerBlock(8, 2, 16).eval()
    x = torch.randn(3, 5, 8)
    causal_bool = torch.ones(5, 5, dtype=torch.bool).triu(1)  # True = may not attend
    causal_float = torch.zeros(5, 5).masked_fill(causal_bool, float("-inf"))
    torch.testing.assert_close(block(x, causal_bool), block(x, causal_float))
    assert block(x, causal_bool.expand(6, 5, 5)).shape == (3, 5, 8)
    with pytest.raises(ValueError, match=r"x must have L >= 1 \(not empty\), got shape \(3, 0, 8\)"):
        block(torch.randn(3, 0, 8))


# Each public object of dlfp.models.transformer, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.transformer.MyTransformerBlock": [
        (lambda: transformer.MyTransformerBlock(8, 2, dropout=1.5), ValueError, r"dropout must be in \[0, 1\)"),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5)),
            ValueError,
            r"x must have shape \(B, L, 8\), got \(2, 5\)",
        ),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5, 8), torch.zeros(5, 5, device="meta")),
            ValueError,
            r"mask must be on x's device cpu, got meta",
        ),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5, 8), torch.zeros(4, 4)),
            ValueError,
            r"mask must have shape \(5, 5\) or \(B\*nhead, L, L\)",
        ),
        (
            lambda: transformer.MyTransformerBlock(8, 2)(torch.randn(2, 5, 8), torch.zeros(5, 5, dtype=torch.long)),
            TypeError,
            r"mask must be a bool tensor \(True = may not attend\) or a float tensor",
        ),
    ],
    "dlfp.models.transformer.BurgersTransformer": [
        (lambda: transformer.BurgersTransformer(num_layers=0), ValueError, r"num_layers must be a positive int, got 0"),
        (
            lambda: transformer.BurgersTransformer(n_points=16, d_model=8, nhead=2)(torch.randn(2, 15)),
            ValueError,
            r"u0 must have shape \(B, 16\), got \(2, 15\)",
        ),
    ],
}
