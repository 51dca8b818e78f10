"""Backpropagation through Linear → ReLU → Linear, written by hand in torch.

Every layer of the backward pass does two jobs: it computes the gradients of
its own parameters from the incoming gradient :math:`\\delta = \\partial L/\\partial y`,
and it passes :math:`\\partial L/\\partial x` down to the layer before. For
:math:`y = xW^{\\mathsf T} + b` and :math:`y = \\operatorname{ReLU}(z)`:

.. math::

    \\frac{\\partial L}{\\partial b} = \\sum_{n} \\delta_n, \\qquad
    \\frac{\\partial L}{\\partial W} = \\delta^{\\mathsf T} x, \\qquad
    \\frac{\\partial L}{\\partial x} = \\delta W, \\qquad
    \\frac{\\partial L}{\\partial z} = \\delta \\odot \\mathbb 1[z > 0].

``tests/unit/autograd/test_manual_backprop.py`` checks every gradient against
``torch.autograd`` and ``torch.autograd.gradcheck``.

Taught in: :ref:`wk1-manual-backprop`
"""

from __future__ import annotations

import torch

from dlfp._checks import check_same_device, check_same_dtype, check_tensor, check_type


def _tensor(t: object, name: str, dims: str) -> torch.Tensor:
    """``t`` must be a floating tensor with the named dimensions ``dims``, e.g. ``"(N, D_in)"``."""
    return check_tensor(name, t, ndim=len(dims.strip("()").rstrip(",").split(",")), dims=dims, floating=True)


def linear_forward(x: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """:math:`y = x W^{\\mathsf T} + b`, the computation of ``nn.Linear``.

    Args:
        x: the input batch; floating, with ``W`` and ``b`` on one device and of one dtype.
        W: the weight, in ``nn.Linear``'s layout (out, in).
        b: the bias.

    Shape:
        - x: :math:`(N, D_{in})`; W: :math:`(D_{out}, D_{in})`; b: :math:`(D_{out},)`.
        - Output: :math:`(N, D_{out})`.

    Torch twin: ``nn.functional.linear(x, W, b)``.

    Taught in: :ref:`wk1-manual-backprop` §3.2
    """
    _tensor(x, "x", "(N, D_in)"), _tensor(W, "W", "(D_out, D_in)"), _tensor(b, "b", "(D_out,)")
    check_same_device(x=x, W=W, b=b)
    check_same_dtype(x=x, W=W, b=b)
    if x.shape[1] != W.shape[1] or b.shape[0] != W.shape[0]:
        raise ValueError(
            f"expected x (N, D_in), W (D_out, D_in), b (D_out,), got x {tuple(x.shape)}, "
            f"W {tuple(W.shape)}, b {tuple(b.shape)}"
        )
    return x @ W.T + b


def linear_backward(
    delta: torch.Tensor, x: torch.Tensor, W: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Gradients of :math:`y = xW^{\\mathsf T} + b` given :math:`\\delta = \\partial L/\\partial y`.

    .. math::

        \\frac{\\partial L}{\\partial x} = \\delta W, \\quad
        \\frac{\\partial L}{\\partial W} = \\delta^{\\mathsf T} x, \\quad
        \\frac{\\partial L}{\\partial b} = \\textstyle\\sum_n \\delta_n .

    Args:
        delta: the gradient arriving from above, :math:`\\partial L/\\partial y`.
        x: the input the forward pass saw.
        W: the weight of the forward pass.

    Shape:
        - delta: :math:`(N, D_{out})`; x: :math:`(N, D_{in})`; W: :math:`(D_{out}, D_{in})`.
        - Output: ``(dx, dW, db)`` with the shapes of ``x``, ``W`` and ``b``.

    Checked against ``torch.autograd`` through :func:`linear_forward`.

    Taught in: :ref:`wk1-manual-backprop` §3.2
    """
    _tensor(delta, "delta", "(N, D_out)"), _tensor(x, "x", "(N, D_in)"), _tensor(W, "W", "(D_out, D_in)")
    check_same_device(delta=delta, x=x, W=W)
    if delta.shape[0] != x.shape[0] or delta.shape[1] != W.shape[0] or x.shape[1] != W.shape[1]:
        raise ValueError(
            f"expected delta (N, D_out), x (N, D_in), W (D_out, D_in), got delta "
            f"{tuple(delta.shape)}, x {tuple(x.shape)}, W {tuple(W.shape)}"
        )
    return delta @ W, delta.T @ x, delta.sum(dim=0)


def relu_backward(delta: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """Gradient through :math:`a = \\max(0, z)`: :math:`\\delta \\odot \\mathbb 1[z > 0]`.

    At :math:`z = 0` exactly the derivative is taken as 0, as PyTorch does.

    Args:
        delta: the gradient arriving from above, :math:`\\partial L/\\partial a`, floating.
        z: the input the forward pass saw.

    Shape:
        - delta, z: :math:`(*)`, the same. Output: :math:`(*)`.

    Checked against ``torch.autograd`` through ``torch.relu``.

    Taught in: :ref:`wk1-manual-backprop` §3.3
    """
    check_tensor("delta", delta, floating=True)
    check_tensor("z", z)
    check_same_device(delta=delta, z=z)
    if delta.shape != z.shape:
        raise ValueError(f"delta and z must have the same shape, got {tuple(delta.shape)} and {tuple(z.shape)}")
    return delta * (z > 0).to(delta.dtype)


def two_layer_forward(
    x: torch.Tensor, W1: torch.Tensor, b1: torch.Tensor, W2: torch.Tensor, b2: torch.Tensor
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Forward pass of Linear → ReLU → Linear, keeping what the backward pass needs.

    .. math::

        z_1 = xW_1^{\\mathsf T} + b_1, \\quad a_1 = \\operatorname{ReLU}(z_1), \\quad
        z_2 = a_1 W_2^{\\mathsf T} + b_2 .

    Shape:
        - x: :math:`(N, D_{in})`; W1: :math:`(H, D_{in})`; b1: :math:`(H,)`;
          W2: :math:`(D_{out}, H)`; b2: :math:`(D_{out},)`.
        - Output: ``(z2, cache)``, ``z2`` of shape :math:`(N, D_{out})`; ``cache``
          holds ``x``, ``z1``, ``a1`` (the tensors §3.4 says to store).

    Torch twin: ``nn.Sequential(nn.Linear(D_in, H), nn.ReLU(), nn.Linear(H, D_out))``.

    Taught in: :ref:`wk1-manual-backprop` §3.4
    """
    z1 = linear_forward(x, W1, b1)
    a1 = torch.relu(z1)
    z2 = linear_forward(a1, W2, b2)
    return z2, {"x": x, "z1": z1, "a1": a1}


def two_layer_backward(
    delta2: torch.Tensor, cache: dict[str, torch.Tensor], W1: torch.Tensor, W2: torch.Tensor
) -> dict[str, torch.Tensor]:
    """Backward pass of :func:`two_layer_forward` given :math:`\\delta_2 = \\partial L/\\partial z_2`.

    Steps 2–4 of §3.4: Linear 2, then the ReLU mask, then Linear 1.

    Args:
        cache: the dict :func:`two_layer_forward` returns (``x``, ``z1``, ``a1``).

    Shape:
        - delta2: :math:`(N, D_{out})`; W1: :math:`(H, D_{in})`; W2: :math:`(D_{out}, H)`.
        - Output: a dict with ``W1, b1, W2, b2, x`` gradients, each of the
          shape of the tensor it belongs to.

    Checked against ``torch.autograd`` and ``torch.autograd.gradcheck``.

    Taught in: :ref:`wk1-manual-backprop` §3.4
    """
    check_type("cache", cache, dict, "a dict (the cache of two_layer_forward)")
    missing = {"x", "z1", "a1"} - set(cache)
    if missing:
        raise KeyError(f"cache must hold x, z1 and a1; missing {sorted(missing)}")
    d_a1, dW2, db2 = linear_backward(delta2, cache["a1"], W2)
    d_z1 = relu_backward(d_a1, cache["z1"])
    dx, dW1, db1 = linear_backward(d_z1, cache["x"], W1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "x": dx}
