"""Layer-by-layer signal statistics of a deep MLP, for initialisation experiments.

A stack of ``depth`` square linear layers of width :math:`n` maps a standard
normal input forward and a random upstream gradient backward. With weights of
variance :math:`\\sigma_w^2` and an activation :math:`f`, the forward
pre-activations obey (for independent, zero-mean weights)

.. math::

    \\operatorname{Var}(z^{(\\ell+1)}) = n\\,\\sigma_w^2\\,\\mathbb E\\big[f(z^{(\\ell)})^2\\big],

so the signal keeps its scale when :math:`\\sigma_w^2 = 1 / (n\\,\\mathbb E[f(z)^2])`:
:math:`1/n` for a linear (or tanh near 0) layer, :math:`2/n` for ReLU, whose
second moment is :math:`\\tfrac12\\operatorname{Var}(z)`. :func:`signal_stats`
measures those statistics; :func:`activation_second_moment` computes
:math:`\\mathbb E[f(z)^2]` for :math:`z \\sim N(0, 1)`.

Taught in: :ref:`wk1-init-norm`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from dlfp._checks import check_choice, check_floating_dtype, check_int, check_positive, check_seed, describe

ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "linear": lambda z: z,
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
}


def linear_default_bound(fan_in: int) -> float:
    """Half-width of PyTorch's default ``nn.Linear`` weight distribution.

    ``nn.Linear.reset_parameters`` calls ``kaiming_uniform_(W, a=math.sqrt(5))``.
    With leaky-ReLU gain :math:`g = \\sqrt{2 / (1 + a^2)} = \\sqrt{1/3}` the
    uniform bound is

    .. math::

        \\text{bound} = \\sqrt3\\,\\frac{g}{\\sqrt{\\text{fan\\_in}}} = \\frac{1}{\\sqrt{\\text{fan\\_in}}},

    i.e. :math:`W \\sim U(-1/\\sqrt{n}, 1/\\sqrt{n})` with variance :math:`1/(3n)` —
    a third of LeCun's :math:`1/n` and a sixth of Kaiming's :math:`2/n`.
    The bias is drawn from the same interval.

    Args:
        fan_in: inputs per output unit, :math:`n \\ge 1` (``C_in k^2`` for a convolution).

    Torch twin: ``nn.Linear.reset_parameters`` (compared with ``nn.Linear``'s weights).
    Taught in: :ref:`wk1-xavier-kaiming`.
    """
    check_int("fan_in", fan_in, minimum=1)
    gain = math.sqrt(2.0 / (1.0 + 5.0))
    return math.sqrt(3.0) * gain / math.sqrt(fan_in)


def activation_second_moment(activation: str, order: int = 80) -> float:
    """:math:`\\mathbb E[f(z)^2]` for :math:`z \\sim N(0, 1)`, by Gauss–Hermite quadrature.

    ``relu`` gives exactly :math:`1/2` (half the *second moment*; its variance is
    :math:`1/2 - 1/(2\\pi)`), ``linear`` gives 1. ReLU's kink makes the
    quadrature converge slowly, so its value is returned in closed form.

    Args:
        activation: a key of :data:`ACTIVATIONS`.
        order: number of quadrature nodes.

    Compared with: sampling :math:`z \\sim N(0, 1)` in the tests.
    Taught in: :ref:`wk1-vanishing`, :ref:`wk1-xavier-kaiming`.
    """
    check_choice("activation", activation, sorted(ACTIVATIONS))
    check_int("order", order, minimum=1)
    if activation == "relu":
        return 0.5
    nodes, weights = np.polynomial.hermite_e.hermegauss(order)
    f = ACTIVATIONS[activation](torch.from_numpy(nodes)).numpy()
    return float((weights * f**2).sum() / math.sqrt(2 * math.pi))


def normal_init(std: float) -> Callable[[torch.Tensor], None]:
    """An initialiser drawing :math:`W \\sim N(0, \\sigma^2)` with :math:`\\sigma` = ``std``.

    Args:
        std: the standard deviation :math:`\\sigma \\ge 0`.

    Torch twin: ``nn.init.normal_(w, 0.0, std)``, which it calls.
    Taught in: :ref:`wk1-vanishing`.
    """
    std = check_positive("std", std, allow_zero=True)
    return lambda w: nn.init.normal_(w, 0.0, std)


INITS: dict[str, Callable[[torch.Tensor], None]] = {
    "zeros": nn.init.zeros_,
    "lecun_normal": lambda w: nn.init.normal_(w, 0.0, 1.0 / math.sqrt(w.shape[1])),
    "xavier_normal": nn.init.xavier_normal_,
    "xavier_uniform": nn.init.xavier_uniform_,
    "kaiming_normal": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "pytorch_default": lambda w: nn.init.kaiming_uniform_(w, a=math.sqrt(5)),
}


@dataclass
class SignalStats:
    """Per-layer statistics; index ``l`` is layer ``l + 1``.

    - ``pre_std``: std of the pre-activations :math:`z^{(\\ell)}`;
    - ``act_mean``, ``act_std``: mean and std of the activations :math:`f(z^{(\\ell)})`;
    - ``back_std``: std of :math:`\\partial L/\\partial z^{(\\ell)}` (the backward signal);
    - ``weight_grad_std``: std of :math:`\\partial L/\\partial W^{(\\ell)}`.

    Statistics are computed in float64 so that a float32 overflow shows as
    ``inf``/``nan`` in the network, not in the statistic.
    """

    pre_std: list[float] = field(default_factory=list)
    act_mean: list[float] = field(default_factory=list)
    act_std: list[float] = field(default_factory=list)
    back_std: list[float] = field(default_factory=list)
    weight_grad_std: list[float] = field(default_factory=list)


def _std(t: torch.Tensor) -> float:
    return float(t.detach().double().std())


def signal_stats(
    depth: int,
    width: int,
    init: str | Callable[[torch.Tensor], None],
    activation: str = "relu",
    n_samples: int = 256,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
) -> SignalStats:
    """Measure forward and backward signal statistics through a deep MLP.

    The network is ``depth`` layers :math:`z^{(\\ell)} = h^{(\\ell-1)} W^{(\\ell)\\mathsf T}`,
    :math:`h^{(\\ell)} = f(z^{(\\ell)})` (no biases, so the weights alone set the
    scale), applied to :math:`h^{(0)} \\sim N(0, I)`. The loss
    :math:`L = \\sum h^{(\\text{depth})} \\odot G` with a fixed standard
    normal :math:`G` sends a unit-scale gradient backward. Returns a
    :class:`SignalStats` whose lists have length ``depth``.

    Args:
        depth: number of layers.
        width: width :math:`n` of every layer.
        init: a key of :data:`INITS` or a function that fills a weight tensor in place.
        activation: a key of :data:`ACTIVATIONS`.
        n_samples: batch size :math:`N`.
        seed: seeds the weights, the input and :math:`G`.
        dtype: floating dtype of the network.

    Taught in: :ref:`wk1-init-norm` (§4.1), :ref:`wk1-vanishing`.
    """
    for name, value in (("depth", depth), ("width", width), ("n_samples", n_samples)):
        check_int(name, value, minimum=1)
    check_choice("activation", activation, sorted(ACTIVATIONS))
    check_seed("seed", seed)
    check_floating_dtype("dtype", dtype)
    if isinstance(init, str):
        if init not in INITS:
            raise ValueError(f"init must be one of {sorted(INITS)} or a callable, got {init!r}")
        init_fn = INITS[init]
    elif callable(init):
        init_fn = init
    else:
        raise TypeError(f"init must be a string or a callable, got {describe(init)}")
    f = ACTIVATIONS[activation]
    g = torch.Generator().manual_seed(seed)
    weights = []
    for _ in range(depth):
        w = torch.empty(width, width, dtype=dtype)
        with torch.random.fork_rng():
            torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=g)))
            init_fn(w)
        weights.append(w.requires_grad_(True))
    h = torch.randn(n_samples, width, generator=g, dtype=dtype)
    upstream = torch.randn(n_samples, width, generator=g, dtype=dtype)
    stats = SignalStats()
    pre_activations = []
    for w in weights:
        z = h @ w.T
        z.retain_grad()
        pre_activations.append(z)
        h = f(z)
        stats.pre_std.append(_std(z))
        stats.act_mean.append(float(h.detach().double().mean()))
        stats.act_std.append(_std(h))
    loss = (h * upstream).sum()
    loss.backward()
    for z, w in zip(pre_activations, weights):
        stats.back_std.append(_std(z.grad))
        stats.weight_grad_std.append(_std(w.grad))
    return stats
