"""The building-blocks dialogue's models: the simplest one and a configurable MLP.

:class:`SimplestModel` is one affine map, :math:`y = xW^\\top + b`.
:class:`FlexibleMLP` stacks ``len(hidden_sizes)`` hidden blocks

.. math::

    h_0 = x, \\qquad h_{\\ell} = \\mathrm{drop}\\big(\\phi(\\mathrm{norm}(W_\\ell h_{\\ell-1} + b_\\ell))\\big),
    \\qquad \\hat y = W_{\\text{out}} h_L + b_{\\text{out}},

with no activation on the output (losses such as ``CrossEntropyLoss`` take
raw logits). It uses the three containers that register sub-modules:
``nn.Sequential`` for each block, ``nn.ModuleList`` for the list of blocks
and ``nn.ModuleDict`` for the table of activations to choose from.

Taught in: :ref:`ch-bb-mlp` (source: the tutoring dialogue of seed ``004``)
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
from torch import nn

from dlfp._checks import check_choice, check_in_range, check_int, check_model_input, check_type

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "silu", "leaky_relu")
INITS = ("default", "xavier", "kaiming", "normal")


class SimplestModel(nn.Module):
    """The simplest possible model: one ``nn.Linear`` layer, :math:`y = xW^\\top + b`.

    Args:
        in_features: features per sample (default 10).
        out_features: outputs per sample (default 1).

    Shape:
        - x: :math:`(N, \\text{in\\_features})`
        - Output: :math:`(N, \\text{out\\_features})`

    Torch twin: ``nn.Linear`` itself, which it wraps with a check of its input.

    Taught in: :ref:`ch-bb-mlp`
    """

    def __init__(self, in_features: int = 10, out_features: int = 1):
        super().__init__()
        check_int("in_features", in_features, minimum=1)
        check_int("out_features", out_features, minimum=1)
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("N", self.linear.in_features))
        return self.linear(x)


class FlexibleMLP(nn.Module):
    """An MLP of any depth, built from ``nn.ModuleList``, ``nn.Sequential`` and ``nn.ModuleDict``.

    The blocks are :math:`h_\\ell = \\mathrm{drop}(\\phi(\\mathrm{norm}(W_\\ell h_{\\ell-1} + b_\\ell)))`,
    the output layer has no activation (raw logits).

    Args:
        input_size: features per sample.
        hidden_sizes: width of each hidden layer, e.g. ``[128, 64]``; empty gives a linear model.
        output_size: outputs (logits) per sample.
        activation: one of ``ACTIVATIONS``, copied from ``self.activations`` (an ``nn.ModuleDict``).
        dropout: drop probability after each hidden activation (0 = none).
        batch_norm: ``nn.BatchNorm1d`` between each hidden linear layer and its activation.
        init: ``"default"`` (PyTorch's), ``"xavier"`` (Glorot uniform,
            bound :math:`\\sqrt{6/(n_\\text{in}+n_\\text{out})}`), ``"kaiming"``
            (He uniform for ReLU, bound :math:`\\sqrt{6/n_\\text{in}}`) or
            ``"normal"`` (:math:`\\mathcal N(0, 0.01^2)`); biases start at zero
            except for ``"default"``.

    Shape:
        - x: :math:`(N, \\text{input\\_size})`
        - Output: :math:`(N, \\text{output\\_size})`

    Torch twin: the same layers in one ``nn.Sequential`` (the unit tests copy the weights and compare).

    Taught in: :ref:`ch-bb-mlp`, chapter 1
    """

    def __init__(
        self,
        input_size: int,
        hidden_sizes: Sequence[int],
        output_size: int,
        *,
        activation: str = "relu",
        dropout: float = 0.0,
        batch_norm: bool = False,
        init: str = "default",
    ):
        super().__init__()
        check_int("input_size", input_size, minimum=1)
        check_int("output_size", output_size, minimum=1)
        check_type("hidden_sizes", hidden_sizes, (tuple, list), "a list of positive ints (possibly empty)")
        hidden_sizes = list(hidden_sizes)
        if not all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in hidden_sizes):
            raise ValueError(f"hidden_sizes must be positive ints, got {hidden_sizes!r}")
        check_choice("activation", activation, ACTIVATIONS)
        check_in_range("dropout", dropout, 0.0, 1.0, high_closed=False)
        check_choice("init", init, INITS)
        self.input_size, self.activation_name, self.init = input_size, activation, init
        self.activations = nn.ModuleDict(
            {
                "relu": nn.ReLU(),
                "tanh": nn.Tanh(),
                "sigmoid": nn.Sigmoid(),
                "gelu": nn.GELU(),
                "silu": nn.SiLU(),
                "leaky_relu": nn.LeakyReLU(0.01),
            }
        )
        self.blocks = nn.ModuleList()
        width = input_size
        for h in hidden_sizes:
            layers: list[nn.Module] = [nn.Linear(width, h)]
            if batch_norm:
                layers.append(nn.BatchNorm1d(h))
            layers.append(copy.deepcopy(self.activations[activation]))  # one per block
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            self.blocks.append(nn.Sequential(*layers))
            width = h
        self.output = nn.Linear(width, output_size)  # no activation: raw logits
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Initialise every ``nn.Linear`` according to ``self.init``."""
        if self.init == "default":
            return
        nonlinearity = "leaky_relu" if self.activation_name == "leaky_relu" else "relu"
        for module in self.modules():
            if isinstance(module, nn.Linear):
                if self.init == "xavier":
                    nn.init.xavier_uniform_(module.weight)
                elif self.init == "kaiming":
                    nn.init.kaiming_uniform_(module.weight, nonlinearity=nonlinearity)
                else:
                    nn.init.normal_(module.weight, 0.0, 0.01)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("N", self.input_size))
        for block in self.blocks:
            x = block(x)
        return self.output(x)
