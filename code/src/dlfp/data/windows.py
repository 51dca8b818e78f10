"""Time series for forecasting: the two-sine signal and sliding windows.

Taught in: :ref:`gradiens-module-6` (exercise 6.3).
"""

from __future__ import annotations

import torch

from dlfp._checks import check_int, check_positive, check_tensor
from dlfp.book.env import as_generator


def two_sine_series(
    n: int = 1000, dt: float = 0.1, noise: float = 0.1, seed: int | torch.Generator | None = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The signal :math:`y_k = \\sin t_k + \\sin(0.5\\, t_k) + \\sigma\\varepsilon_k`, :math:`t_k = k\\,\\Delta t`.

    :math:`\\varepsilon_k` are independent standard normal. Returns the times,
    the noisy series and the clean signal (so that an error can be compared
    with the noise level :math:`\\sigma`).

    Args:
        n: number of samples.
        dt: the time step :math:`\\Delta t`.
        noise: the standard deviation :math:`\\sigma \\ge 0`.
        seed: an int (``None`` means 0) or a ``torch.Generator`` to draw from.

    Shape:
        - Output: ``(t, y, clean)``, each :math:`(n,)`, ``float32``

    Taught in: :ref:`gradiens-module-6` (exercise 6.3).
    """
    check_int("n", n, minimum=1)
    check_positive("dt", dt)
    check_positive("noise", noise, allow_zero=True)
    g = as_generator(seed)
    t = dt * torch.arange(n, dtype=torch.float32)
    clean = torch.sin(t) + torch.sin(0.5 * t)
    return t, clean + noise * torch.randn(n, generator=g), clean


def sliding_windows(series: torch.Tensor, window: int = 50, horizon: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut a series into (input window, target) pairs for many-to-one forecasting.

    Pair *k* has inputs :math:`y_k, \\dots, y_{k+w-1}` and target
    :math:`y_{k+w+h-1}` (with the default ``horizon=1``, the step right after
    the window — "input 50 steps, target step 51"). The windows are views
    made by ``Tensor.unfold``, copied to contiguous memory.

    Shape:
        - series: :math:`(T,)` or :math:`(T, C)`
        - Output: ``(inputs, targets)``: :math:`(T - w - h + 1, w, C)` and
          :math:`(T - w - h + 1, C)` (:math:`C = 1` for a 1-D series)

    Taught in: :ref:`gradiens-module-6` (exercise 6.3).
    """
    check_tensor("series", series)
    if series.ndim not in (1, 2):
        raise ValueError(f"series must have shape (T,) or (T, C), got {tuple(series.shape)}")
    check_int("window", window, minimum=1)
    check_int("horizon", horizon, minimum=1)
    if series.ndim == 1:
        series = series[:, None]
    count = series.shape[0] - window - horizon + 1
    if count < 1:
        raise ValueError(f"series of length {series.shape[0]} is too short for window={window} and horizon={horizon}")
    inputs = series[: count + window - 1].unfold(0, window, 1).transpose(1, 2).contiguous()
    targets = series[window + horizon - 1 :].contiguous()
    return inputs, targets
