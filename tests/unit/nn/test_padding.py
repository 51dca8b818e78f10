import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlfp.nn import padding
from dlfp.nn.padding import PADDING_MODE, fd_laplacian, ghost_pad

TORCH_PAD = {"zeros": "constant", "circular": "circular", "reflect": "reflect", "replicate": "replicate"}


@pytest.mark.parametrize("bc", sorted(PADDING_MODE))
@pytest.mark.parametrize("width", [1, 2, 3])
def test_ghost_pad_equals_torch_pad_of_the_matching_mode(bc, width):
    u = torch.randn(2, 3, 6, 7, dtype=torch.float64)
    mode = TORCH_PAD[PADDING_MODE[bc]]
    torch.testing.assert_close(ghost_pad(u, bc, width, dims=2), F.pad(u, (width,) * 4, mode=mode))
    torch.testing.assert_close(
        ghost_pad(u[0, 0], bc, width, dims=1), F.pad(u[0, 0][None], (width, width), mode=mode)[0]
    )


def test_ghost_values_by_formula():
    u = torch.tensor([1.0, 2.0, 4.0, 8.0])
    assert ghost_pad(u, "dirichlet").tolist() == [0, 1, 2, 4, 8, 0]
    assert ghost_pad(u, "periodic").tolist() == [8, 1, 2, 4, 8, 1]
    assert ghost_pad(u, "even_reflection").tolist() == [2, 1, 2, 4, 8, 4]
    assert ghost_pad(u, "zero_gradient").tolist() == [1, 1, 2, 4, 8, 8]


@pytest.mark.parametrize("bc", sorted(PADDING_MODE))
def test_laplacian_equals_conv_with_padding_mode(bc):
    h = 0.1
    u = torch.randn(1, 1, 9, 11, dtype=torch.float64)
    conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode=PADDING_MODE[bc], bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[0, 1, 0], [1, -4, 1], [0, 1, 0]]) / h**2)
        torch.testing.assert_close(conv(u), fd_laplacian(u, h, bc, dims=2))


def test_laplacian_is_second_order_for_matching_conditions():
    # u = cos(pi x) on [0, 1]: u'' = -pi^2 u; u' = 0 at both ends
    def max_error(n, bc):
        if bc == "even_reflection":  # node-centred grid, boundary nodes at x = 0, 1
            x = torch.linspace(0, 1, n, dtype=torch.float64)
            h = 1 / (n - 1)
        else:  # cell-centred grid, faces at x = 0, 1
            h = 1 / n
            x = (torch.arange(n, dtype=torch.float64) + 0.5) * h
        u = torch.cos(math.pi * x)
        return (fd_laplacian(u, h, bc) + math.pi**2 * u).abs().max().item()

    for bc in ("even_reflection", "zero_gradient"):
        ratio = max_error(40, bc) / max_error(80, bc)
        assert ratio > 3.5, (bc, ratio)  # halving h quarters the error


def test_bad_inputs():
    u = torch.zeros(5)
    with pytest.raises(ValueError, match="bc must be one of"):
        ghost_pad(u, "neumann")
    with pytest.raises(ValueError, match="dims"):
        ghost_pad(u, "periodic", dims=3)
    with pytest.raises(ValueError, match="needs at least 6 nodes"):
        ghost_pad(u, "even_reflection", width=5)
    with pytest.raises(TypeError, match="torch.Tensor"):
        ghost_pad([1.0, 2.0], "periodic")
    with pytest.raises(ValueError, match="h must be positive"):
        fd_laplacian(u, 0.0, "periodic")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        ghost_pad(u, "periodic", dims=2)


# Each public object of dlfp.nn.padding, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.padding.ghost_pad": [
        (
            lambda: padding.ghost_pad(torch.zeros(5), "neumann"),
            ValueError,
            r"bc must be one of 'dirichlet', .*got 'neumann'",
        ),
        (
            lambda: padding.ghost_pad(torch.zeros(5), "periodic", dims=2),
            ValueError,
            r"u must have at least 2 dimensions \(\*, n_1, n_2\)",
        ),
    ],
    "dlfp.nn.padding.fd_laplacian": [
        (lambda: padding.fd_laplacian(torch.zeros(5), 0.0, "periodic"), ValueError, r"h must be positive, got 0\.0"),
    ],
}
