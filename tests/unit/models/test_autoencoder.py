import pytest
import torch
from torch import nn

from dlfp.models import autoencoder
from dlfp.models.autoencoder import ConvDenoisingAutoencoder, add_gaussian_noise
from dlfp.tensor.shapes import conv_output_size, conv_transpose_output_size
from tests.unit.bad_input import F64


@pytest.mark.parametrize("n", [1, 3, 7, 14])
@pytest.mark.parametrize(
    "k, s, p, op, d", [(3, 2, 0, 0, 1), (3, 2, 1, 1, 1), (4, 2, 1, 0, 1), (5, 3, 2, 2, 1), (3, 1, 1, 0, 2)]
)
def test_conv_transpose_size_matches_torch(n, k, s, p, op, d):
    try:
        expected = nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, output_padding=op, dilation=d)(
            torch.zeros(1, 1, n)
        ).shape[-1]
    except RuntimeError:
        with pytest.raises(ValueError):
            conv_transpose_output_size(n, k, s, p, op, d)
    else:
        assert conv_transpose_output_size(n, k, s, p, op, d) == expected


def test_transpose_inverts_conv_size_with_output_padding():
    for n in range(4, 40):
        m = conv_output_size(n, 3, 2, 1)
        op = n - conv_transpose_output_size(m, 3, 2, 1)
        assert op in (0, 1)
        assert conv_transpose_output_size(m, 3, 2, 1, output_padding=op) == n


def test_autoencoder_shapes():
    model = ConvDenoisingAutoencoder()
    x = torch.rand(5, 1, 28, 28)
    z = model.encode(x)
    assert z.shape == (5, 64, 3, 3)
    y = model(x)
    assert y.shape == x.shape


def test_autoencoder_trains():
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    clean = torch.zeros(16, 1, 28, 28)
    for i in range(16):
        clean[i, 0, 4 + i : 8 + i, 4:24] = 1.0
    noisy = add_gaussian_noise(clean, 0.5, generator=g)
    model = ConvDenoisingAutoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(40):
        loss = ((model(noisy) - clean) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.grad is not None for p in model.parameters())


def test_noise_is_seeded_and_clipped():
    x = torch.rand(10, 1, 28, 28)
    a = add_gaussian_noise(x, 0.5, generator=torch.Generator().manual_seed(1))
    b = add_gaussian_noise(x, 0.5, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and a.min() >= 0 and a.max() <= 1
    assert torch.equal(add_gaussian_noise(x, 0.0), x)


@pytest.mark.parametrize(
    "call, err, match",
    [
        (lambda: conv_transpose_output_size(3, 3, 2, 0, output_padding=2), ValueError, "output_padding"),
        (lambda: conv_transpose_output_size(3.0, 3), TypeError, "size"),
        (lambda: add_gaussian_noise(torch.rand(3) * 2), ValueError, r"\[0, 1\]"),
        (lambda: add_gaussian_noise(torch.zeros(3, dtype=torch.uint8)), TypeError, "floating"),
        (lambda: add_gaussian_noise(torch.rand(3), std=-1), ValueError, "std"),
        (lambda: ConvDenoisingAutoencoder()(torch.rand(2, 28, 28)), ValueError, r"\(B, 1, 28, 28\)"),
        (lambda: ConvDenoisingAutoencoder().decode(torch.rand(2, 64, 4, 4)), ValueError, "z must"),
    ],
)
def test_validation(call, err, match):
    with pytest.raises(err, match=match):
        call()


# Each public object of dlfp.models.autoencoder, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.models.autoencoder.add_gaussian_noise": [
        (
            lambda: autoencoder.add_gaussian_noise(torch.rand(3) * 2 + 1),
            ValueError,
            r"images must have values in \[0, 1\]",
        ),
        (lambda: autoencoder.add_gaussian_noise(torch.rand(3), std=-1), ValueError, r"std must be non-negative"),
    ],
    "dlfp.models.autoencoder.ConvDenoisingAutoencoder": [
        (
            lambda: autoencoder.ConvDenoisingAutoencoder()(torch.rand(2, 28, 28)),
            ValueError,
            r"x must have shape \(B, 1, 28, 28\), got \(2, 28, 28\)",
        ),
        (
            lambda: autoencoder.ConvDenoisingAutoencoder()(torch.rand(2, 1, 28, 28, dtype=F64)),
            TypeError,
            r"x must have the model's dtype torch\.float32",
        ),
        (
            lambda: autoencoder.ConvDenoisingAutoencoder().decode(torch.rand(2, 64, 4, 4)),
            ValueError,
            r"z must have shape \(B, 64, 3, 3\)",
        ),
    ],
}
