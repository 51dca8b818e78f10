"""Recurrent cells written out: the vanilla RNN cell and the LSTM cell.

The vanilla RNN is the discrete-time dynamical system

.. math::

    h_t = \\tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}),

and the LSTM adds a cell state :math:`c_t` that is updated *additively*,
:math:`c_t = f_t \\odot c_{t-1} + i_t \\odot g_t`.

Taught in: :ref:`gradiens-module-6` (exercises 6.1–6.3).
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_int, check_shapes, check_type, describe


class MyRNNCell(nn.Module):
    """A vanilla (Elman) RNN cell built from two ``nn.Linear`` layers.

    .. math::

        h' = \\tanh(\\mathrm{i2h}(x) + \\mathrm{h2h}(h))
           = \\tanh(W_{ih} x + b_{ih} + W_{hh} h + b_{hh})

    Args:
        input_size: features :math:`I` of ``x``.
        hidden_size: features :math:`H` of ``h``.

    Shape:
        - x: :math:`(N, I)`
        - h_prev: :math:`(N, H)`, or ``None`` for zeros
        - Output: :math:`(N, H)`

    Torch twin: ``nn.RNNCell(input_size, hidden_size)``; :meth:`load_from_torch` copies one
    (``i2h`` ← ``weight_ih``/``bias_ih``, ``h2h`` ← ``weight_hh``/``bias_hh``).
    Taught in: :ref:`gradiens-m6-vanilla` (the maths), :ref:`gradiens-module-6` (exercise 6.1).
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        check_int("input_size", input_size, minimum=1)
        check_int("hidden_size", hidden_size, minimum=1)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)

    def forward(self, x: torch.Tensor, h_prev: torch.Tensor | None = None) -> torch.Tensor:
        if h_prev is None:
            h_prev = x.new_zeros(len(x), self.hidden_size) if isinstance(x, torch.Tensor) else None
        check_shapes(self, x=(x, "N", self.input_size), h_prev=(h_prev, "N", self.hidden_size))
        return torch.tanh(self.i2h(x) + self.h2h(h_prev))

    @torch.no_grad()
    def load_from_torch(self, cell: nn.RNNCell) -> MyRNNCell:
        """Copy the weights of an ``nn.RNNCell`` (tanh) of the same sizes.

        A cell built with ``bias=False`` computes with zero biases, so the
        biases here are set to zero.

        Raises:
            ValueError: for a ReLU cell (``nonlinearity="relu"``), which computes something else.
        """
        check_type("cell", cell, nn.RNNCell, "an nn.RNNCell")
        if (cell.input_size, cell.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"cell must have sizes ({self.input_size}, {self.hidden_size}), "
                f"got ({cell.input_size}, {cell.hidden_size})"
            )
        if cell.nonlinearity != "tanh":
            raise ValueError(f"cell must use nonlinearity='tanh' as this cell does, got {cell.nonlinearity!r}")
        self.i2h.weight.copy_(cell.weight_ih)
        self.h2h.weight.copy_(cell.weight_hh)
        for ours, theirs in ((self.i2h.bias, cell.bias_ih), (self.h2h.bias, cell.bias_hh)):
            if theirs is not None:
                ours.copy_(theirs)
            else:
                ours.zero_()
        return self


class MyLSTMCell(nn.Module):
    """An LSTM cell whose four gates come from ONE fused ``nn.Linear``.

    With :math:`z = W [x, h] + b \\in \\mathbb{R}^{4H}` split into four chunks
    in the order *i, f, g, o* (PyTorch's order),

    .. math::

        i = \\sigma(z_i),\\; f = \\sigma(z_f),\\; g = \\tanh(z_g),\\; o = \\sigma(z_o),\\qquad
        c' = f \\odot c + i \\odot g,\\qquad h' = o \\odot \\tanh(c').

    The fused layer maps ``cat([x, h])`` (input first) to :math:`4H`. An
    ``nn.LSTMCell`` stores ``weight_ih`` :math:`(4H, I)`, ``weight_hh``
    :math:`(4H, H)`, ``bias_ih`` and ``bias_hh`` :math:`(4H)`, rows in the same
    gate order, so the fused weight is ``cat([weight_ih, weight_hh], dim=1)``
    :math:`(4H, I + H)` and the fused bias is ``bias_ih + bias_hh``
    (:meth:`load_from_torch`).

    Args:
        input_size: features :math:`I` of ``x``.
        hidden_size: features :math:`H` of ``h`` and ``c``.

    Shape:
        - x: :math:`(N, I)`
        - state: ``(h, c)``, each :math:`(N, H)`, or ``None`` for zeros
        - Output: ``(h', c')``, each :math:`(N, H)`

    Torch twin: ``nn.LSTMCell(input_size, hidden_size)`` (gate rows in the order i, f, g, o).
    Taught in: :ref:`gradiens-m6-lstm` (the maths), :ref:`gradiens-module-6` (exercise 6.2).
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        check_int("input_size", input_size, minimum=1)
        check_int("hidden_size", hidden_size, minimum=1)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.linear = nn.Linear(input_size + hidden_size, 4 * hidden_size)

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if state is None:
            zeros = x.new_zeros(len(x), self.hidden_size) if isinstance(x, torch.Tensor) else None
            state = (zeros, zeros)
        if not (isinstance(state, tuple) and len(state) == 2):
            raise TypeError(f"state must be a tuple (h, c) of two tensors, got {describe(state)}")
        h, c = state
        check_shapes(self, x=(x, "N", self.input_size), h=(h, "N", self.hidden_size), c=(c, "N", self.hidden_size))
        z = self.linear(torch.cat([x, h], dim=1))
        zi, zf, zg, zo = z.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
        c_new = f * c + i * g
        h_new = o * torch.tanh(c_new)
        return h_new, c_new

    @torch.no_grad()
    def load_from_torch(self, cell: nn.LSTMCell) -> MyLSTMCell:
        """Copy an ``nn.LSTMCell`` of the same sizes: weight = cat([W_ih, W_hh], 1), bias = b_ih + b_hh."""
        check_type("cell", cell, nn.LSTMCell, "an nn.LSTMCell")
        if (cell.input_size, cell.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"cell must have sizes ({self.input_size}, {self.hidden_size}), "
                f"got ({cell.input_size}, {cell.hidden_size})"
            )
        self.linear.weight.copy_(torch.cat([cell.weight_ih, cell.weight_hh], dim=1))
        if cell.bias:
            self.linear.bias.copy_(cell.bias_ih + cell.bias_hh)
        else:  # bias=False: the cell computes with zero biases
            self.linear.bias.zero_()
        return self
