"""Forecasting a trajectory one step at a time: the training windows and how long a forecast stays on track.

* :func:`shifted_windows` — (input, target) windows of a series, the target
  shifted one step into the future;
* :func:`valid_time` — the time before a forecast's normalised error first
  exceeds a threshold.

Taught in: :ref:`gr-challenge-lorenz` (challenge V).
"""

from __future__ import annotations

import torch

from dlfp._checks import check_int, check_positive, check_same_device, check_tensor


def shifted_windows(series: torch.Tensor, length: int, stride: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Input/target windows for next-step prediction.

    Window :math:`i` starts at :math:`s = i \\cdot \\text{stride}`; its input is
    ``series[s : s + length]`` and its target ``series[s + 1 : s + length + 1]``,
    the same window shifted one step into the future, so that position
    :math:`t` of the target is the successor of position :math:`t` of the input.

    Shape:
        - series: :math:`(T, D)`.
        - Output: ``(inputs, targets)``, each :math:`(W, \\text{length}, D)` with
          :math:`W = \\lfloor (T - \\text{length} - 1) / \\text{stride} \\rfloor + 1`.
          They are views into ``series`` (no copy).

    Taught in: :ref:`gr-challenge-lorenz` (step 2).
    """
    check_tensor("series", series, shape=("T", "D"))
    check_int("length", length, minimum=1)
    check_int("stride", stride, minimum=1)
    if series.shape[0] < length + 1:
        raise ValueError(
            f"series has {series.shape[0]} steps; a window of length {length} plus its "
            f"shifted target needs at least {length + 1}"
        )
    windows = series.unfold(0, length + 1, stride).transpose(1, 2)  # (W, length + 1, D)
    return windows[:, :-1], windows[:, 1:]


def valid_time(prediction: torch.Tensor, truth: torch.Tensor, dt: float, scale: float, threshold: float = 0.4) -> float:
    """How long a forecast stays on track: the time before its normalised error first exceeds ``threshold``.

    .. math::

        e_k = \\frac{\\lVert \\hat x_k - x_k \\rVert}{s}, \\qquad
        t_\\text{valid} = \\Delta t \\cdot \\min\\{k : e_k > \\text{threshold}\\},

    where :math:`\\hat x_k` is the forecast :math:`k + 1` steps ahead and
    :math:`s` a size of the attractor (for example the root-mean-square distance
    of its points from their mean). If the error never exceeds the
    threshold, the whole forecast length is returned. Multiply by
    :math:`\\lambda_\\text{max}` to express it in Lyapunov times.

    Shape:
        - prediction, truth: :math:`(K, D)`, forecast and true states for steps 1..K.
        - Output: a float, in time units.

    Taught in: :ref:`gr-challenge-lorenz` (step 4).
    """
    check_tensor("prediction", prediction, shape=("K", "D"))
    check_tensor("truth", truth, shape=tuple(prediction.shape), finite=True, note=" (the shape of prediction)")
    check_same_device(prediction=prediction, truth=truth)
    if prediction.shape[0] == 0:
        raise ValueError(f"prediction must hold at least one step (K >= 1), got shape {tuple(prediction.shape)}")
    for name, value in (("dt", dt), ("scale", scale), ("threshold", threshold)):
        check_positive(name, value)
    error = (prediction - truth).norm(dim=1) / scale
    above = torch.nonzero(error > threshold)
    steps = int(above[0, 0]) if len(above) else len(error)
    return steps * dt
