"""An LSTM forecaster: ``nn.LSTM`` over a window, a linear read-out of the last step.

Taught in: :ref:`gradiens-module-6`, exercise 6.3
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_int, check_model_input


class LSTMForecaster(nn.Module):
    """Many-to-one forecaster: ``nn.LSTM`` over a window, a linear head on the last output.

    .. math::

        \\hat y_{t+1} = W_{\\text{out}}\\, h^{(L)}_t + b_{\\text{out}},

    where :math:`h^{(L)}_t` is the top layer's hidden state after the last
    step of the window.

    Args:
        input_size: features per time step, also the features predicted (default 1).
        hidden_size: width of the LSTM's state (default 64).
        num_layers: stacked LSTM layers (default 2).

    Shape:
        - x: :math:`(N, T, \\text{input\\_size})` (``batch_first``), :math:`T \\ge 1`
        - Output: :math:`(N, \\text{input\\_size})`

    Taught in: :ref:`gradiens-module-6`, exercise 6.3
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64, num_layers: int = 2) -> None:
        super().__init__()
        check_int("input_size", input_size, minimum=1)
        check_int("hidden_size", hidden_size, minimum=1)
        check_int("num_layers", num_layers, minimum=1)
        self.input_size = input_size
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, input_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_model_input("x", x, self, shape=("batch", "time", self.input_size), nonempty=(1,))
        outputs, _ = self.lstm(x)
        return self.head(outputs[:, -1])
