import pytest
import torch
from torch import nn

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
