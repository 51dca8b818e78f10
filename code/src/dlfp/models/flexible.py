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

Taught in: Part III, *Building blocks — MLPs* (seed ``004``).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
from torch import nn

ACTIVATIONS = ("relu", "tanh", "sigmoid", "gelu", "silu", "leaky_relu")
INITS = ("default", "xavier", "kaiming", "normal")


class SimplestModel(nn.Module):
    """The simplest possible model: one ``nn.Linear`` layer, :math:`y = xW^\\top + b`.

    Shape:
        - Input: :math:`(N, \\text{in\\_features})`
        - Output: :math:`(N, \\text{out\\_features})`
    """

    def __init__(self, in_features: int = 10, out_features: int = 1):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


class FlexibleMLP(nn.Module):
    """A multi-layer perceptron of any depth, built from ``nn.ModuleList``,
    ``nn.Sequential`` and ``nn.ModuleDict``.

    Args:
        input_size: features per sample.
        hidden_sizes: width of each hidden layer, e.g. ``[128, 64]``; empty
            gives a linear model.
        output_size: outputs (logits) per sample.
        activation: one of ``ACTIVATIONS``, looked up in ``self.activations``
            (an ``nn.ModuleDict``) and copied into each block.
        dropout: drop probability after each hidden activation (0 = none).
        batch_norm: insert ``nn.BatchNorm1d`` between each hidden linear layer
            and its activation.
        init: ``"default"`` (PyTorch's), ``"xavier"`` (Glorot uniform,
            bound :math:`\\sqrt{6/(n_\\text{in}+n_\\text{out})}`), ``"kaiming"``
            (He uniform for ReLU, bound :math:`\\sqrt{6/n_\\text{in}}`) or
            ``"normal"`` (:math:`\\mathcal N(0, 0.01^2)`); biases start at zero
            except for ``"default"``.

    Shape:
        - Input: :math:`(N, \\text{input\\_size})`
        - Output: :math:`(N, \\text{output\\_size})`
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
        for name, value in (("input_size", input_size), ("output_size", output_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        hidden_sizes = list(hidden_sizes)
        if not all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in hidden_sizes):
            raise ValueError(f"hidden_sizes must be positive ints, got {hidden_sizes!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
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
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
        if x.ndim != 2 or x.shape[1] != self.input_size:
            raise ValueError(f"x must have shape (N, {self.input_size}), got {tuple(x.shape)}")
        for block in self.blocks:
            x = block(x)
        return self.output(x)
