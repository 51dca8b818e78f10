"""The single neuron and the multi-layer perceptron; ``SimpleMLP``, the two-layer one.

Taught in: :ref:`ch-neural-network` (§3.1 ``SingleNeuron``, §3.3 ``MLP`` and
``linear_parameter_count``), :ref:`ch-autograd` (the 1M-parameter model of §2.3 is an ``MLP``),
:ref:`ch-ptf-modules` (``SimpleMLP``)
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from dlfp._checks import check_int, check_model_input


def _check_features(x: object, model: nn.Module, n: int) -> None:
    check_model_input("x", x, model, min_ndim=1)
    if x.shape[-1] != n:
        raise ValueError(f"x must have shape (*, {n}), got {tuple(x.shape)}")


class SingleNeuron(nn.Module):
    """One neuron: a weighted sum of the inputs plus a bias, through a sigmoid.

    .. math::

        y = \\sigma(w^{\\mathsf T} x + b), \\qquad \\sigma(h) = \\frac{1}{1 + e^{-h}}

    Args:
        input_size: number of inputs (default 10).

    Shape:
        - x: :math:`(*, \\text{input\\_size})`
        - Output: :math:`(*, 1)`, every entry in :math:`(0, 1)`

    Taught in: :ref:`ch-neural-network`, §3.1
    """

    def __init__(self, input_size: int = 10):
        super().__init__()
        check_int("input_size", input_size, minimum=1)
        # nn.Linear implements: y = Wx + b
        self.linear = nn.Linear(input_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_features(x, self, self.linear.in_features)
        h = self.linear(x)  # Linear transformation
        y = torch.sigmoid(h)  # Nonlinear activation: σ(h) = 1/(1+e^{-h})
        return y


class MLP(nn.Module):
    r"""Multi-layer perceptron: Linear → ReLU → Linear → ReLU → Linear.

    .. math::

        f(x) = W_3\,\mathrm{ReLU}\big(W_2\,\mathrm{ReLU}(W_1 x + b_1) + b_2\big) + b_3

    The defaults are the source's network, 10 → 64 → 32 → 1, with
    :math:`(10+1)\cdot 64 + (64+1)\cdot 32 + (32+1)\cdot 1 = 2{,}817` parameters.
    No activation after the last layer (regression output).

    Physical analogy (the source's): each layer is a linear transformation
    (rotation + scaling) followed by a nonlinear "activation", like a
    threshold detector. More exactly each layer is *affine*: by the singular
    value decomposition :math:`W = U\Sigma V^{\mathsf T}` it rotates (or
    reflects), scales along orthogonal axes while changing dimension, rotates
    again, and then shifts by :math:`b`.

    Args:
        in_features: input size (default 10).
        hidden1: width of the first hidden layer (default 64).
        hidden2: width of the second hidden layer (default 32).
        out_features: output size (default 1).

    Shape:
        - x: :math:`(*, \text{in\_features})`
        - Output: :math:`(*, \text{out\_features})`

    Torch twin: the same layers in one ``nn.Sequential`` (the unit tests copy the weights and compare).

    Taught in: :ref:`ch-neural-network`, §3.3
    """

    def __init__(self, in_features: int = 10, hidden1: int = 64, hidden2: int = 32, out_features: int = 1):
        super().__init__()
        for name, value in (
            ("in_features", in_features),
            ("hidden1", hidden1),
            ("hidden2", hidden2),
            ("out_features", out_features),
        ):
            check_int(name, value, minimum=1)
        self.layer1 = nn.Linear(in_features, hidden1)
        self.layer2 = nn.Linear(hidden1, hidden2)
        self.layer3 = nn.Linear(hidden2, out_features)
        self.relu = nn.ReLU()  # ReLU(x) = max(0, x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_features(x, self, self.layer1.in_features)
        x = self.relu(self.layer1(x))  # (B, in) → (B, hidden1), then max(0, x)
        x = self.relu(self.layer2(x))  # (B, hidden1) → (B, hidden2)
        return self.layer3(x)  # (B, hidden2) → (B, out): no activation for regression


class SimpleMLP(nn.Module):
    """The PyTorch Fundamentals track's network: ``Linear → ReLU → Linear``.

    .. math::

        f(x) = W_2\\,\\mathrm{ReLU}(W_1 x + b_1) + b_2

    Args:
        input_size, hidden_size, output_size: the widths of the three layers.

    Shape:
        - x: :math:`(N, \text{input\\_size})`;  Output: :math:`(N, \text{output\\_size})`

    Torch twin: ``nn.Sequential(nn.Linear(I, H), nn.ReLU(), nn.Linear(H, O))``.

    Taught in: :ref:`ch-ptf-modules`
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
        super().__init__()
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
            check_int(name, size, minimum=1)
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("N", self.fc1.in_features))
        return self.fc2(self.relu(self.fc1(x)))


def linear_parameter_count(sizes: Sequence[int], bias: bool = True) -> int:
    """Number of parameters of a chain of ``nn.Linear`` layers ``sizes[0] → sizes[1] → …``.

    .. math::

        P = \\sum_{l=1}^{L} (n_{l-1} + 1)\\, n_l \\quad(\\text{with biases}), \\qquad
        P = \\sum_{l} n_{l-1} n_l \\quad(\\text{without})

    Activations have no parameters, so this is also the count of an MLP:
    ``sum(p.numel() for p in model.parameters())``.

    Args:
        sizes: the layer widths :math:`n_0, \\dots, n_L`, at least two, each at least 1.
        bias: whether each layer has a bias.

    Taught in: :ref:`mlp-parameter-count`
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of ints, got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least an input and an output size, got {list(sizes)}")
    for i, n in enumerate(sizes):
        check_int(f"sizes[{i}]", n, minimum=1)
    return sum((n_in + int(bias)) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
