"""Padding as ghost nodes: which padding mode is which boundary condition.

A 3-point stencil applied at the first grid node :math:`u_0` needs a value
:math:`u_{-1}` outside the grid — a *ghost node*. A convolution's padding
supplies it, and each ``padding_mode`` of ``nn.Conv1d/2d`` fills the ghosts
by one boundary condition (BC) of finite differences:

==============  ==========================  =====================================
padding mode    ghost values                boundary condition
==============  ==========================  =====================================
``zeros``       :math:`u_{-k} = 0`          homogeneous Dirichlet, :math:`u = 0` outside
``circular``    :math:`u_{-k} = u_{n-k}`    periodic
``reflect``     :math:`u_{-k} = u_{k}`      even reflection about the boundary
                                            node: the centred difference
                                            :math:`(u_1 - u_{-1})/2h = 0`, a
                                            discrete Neumann condition at :math:`x_0`
``replicate``   :math:`u_{-k} = u_{0}`      zero-gradient extrapolation:
                                            :math:`(u_0 - u_{-1})/h = 0`, a Neumann
                                            condition at the face :math:`x_{-1/2}`
==============  ==========================  =====================================

(and mirror-image rules at the right end). :func:`ghost_pad` writes each
rule out index by index, independently of ``torch.nn.functional.pad``, and
:func:`fd_laplacian` is the finite-difference Laplacian with those ghosts,
so a page can check each padding mode against its boundary condition.

Taught in: :ref:`gradiens-module-5` (§5.2.1, "The ghost cells of deep learning").
"""

from __future__ import annotations

import torch

from dlfp._checks import check_choice, check_int, check_positive, check_tensor

#: boundary condition -> the ``padding_mode`` of ``nn.Conv1d/2d`` that implements it
PADDING_MODE = {
    "dirichlet": "zeros",
    "periodic": "circular",
    "even_reflection": "reflect",
    "zero_gradient": "replicate",
}


def _ghost_indices(n: int, width: int, bc: str) -> list[int | None]:
    """Source index of each padded position along one axis (``None``: a zero)."""
    out: list[int | None] = []
    for i in range(-width, n + width):
        if 0 <= i < n:
            out.append(i)
        elif bc == "dirichlet":
            out.append(None)
        elif bc == "periodic":
            out.append(i % n)
        elif bc == "even_reflection":  # u[-k] = u[k], u[n-1+k] = u[n-1-k]
            out.append(-i if i < 0 else 2 * (n - 1) - i)
        else:  # zero_gradient: u[-k] = u[0], u[n-1+k] = u[n-1]
            out.append(0 if i < 0 else n - 1)
    return out


def ghost_pad(u: torch.Tensor, bc: str, width: int = 1, dims: int = 1) -> torch.Tensor:
    """Extend ``u`` by ``width`` ghost nodes on each side of its last ``dims`` axes.

    The ghost values follow the boundary condition ``bc`` (a key of
    :data:`PADDING_MODE`), as in the table of the module docstring.

    Args:
        u: the grid values.
        bc: the boundary condition, a key of :data:`PADDING_MODE`.
        width: ghost nodes per side, :math:`\\ge 0`.
        dims: how many trailing axes to pad, 1 or 2.

    Shape:
        - u: :math:`(*, n)` for ``dims=1`` or :math:`(*, n_1, n_2)` for ``dims=2``
        - Output: each of the last ``dims`` sizes grows by ``2 * width``

    Torch twin: ``F.pad(u, ..., mode=PADDING_MODE[bc])`` (``"constant"`` for ``"zeros"``).

    Raises:
        ValueError: for a ``width`` the condition cannot supply:
            ``even_reflection`` needs ``width < n``, ``periodic`` ``width <= n``.
    """
    check_tensor("u", u)
    check_choice("bc", bc, sorted(PADDING_MODE))
    check_choice("dims", dims, (1, 2))
    check_tensor("u", u, min_ndim=dims, dims="(*, n)" if dims == 1 else "(*, n_1, n_2)")
    check_int("width", width, minimum=0)
    out = u
    for axis in range(-dims, 0):
        n = out.shape[axis]
        needed = {"even_reflection": width + 1, "periodic": width}.get(bc, 1)
        if n < needed:
            raise ValueError(
                f"u is too short: {bc} padding of width {width} needs at least {needed} nodes "
                f"along dimension {axis}, got {n}"
            )
        sources = _ghost_indices(n, width, bc)
        zero = torch.zeros_like(out.narrow(axis, 0, 1))
        pieces = [zero if s is None else out.narrow(axis, s, 1) for s in sources]
        out = torch.cat(pieces, dim=axis)
    return out


def fd_laplacian(u: torch.Tensor, h: float, bc: str, dims: int = 1) -> torch.Tensor:
    """Finite-difference Laplacian with ghost nodes set by a boundary condition.

    .. math::

        (\\Delta_h u)_i = \\frac{u_{i-1} - 2u_i + u_{i+1}}{h^2}
        \\quad\\text{(and the 5-point sum of both axes for } \\texttt{dims=2}\\text{)},

    evaluated at every node, the ghosts :math:`u_{-1}, u_n` supplied by
    :func:`ghost_pad`.

    Args:
        u: the grid values.
        h: grid spacing, :math:`h > 0`.
        bc: the boundary condition, a key of :data:`PADDING_MODE`.
        dims: 1 (3-point stencil) or 2 (5-point stencil).

    Shape:
        - u: :math:`(*, n)` for ``dims=1`` or :math:`(*, n_1, n_2)` for ``dims=2``
        - Output: same shape as ``u``

    Torch twin: ``nn.Conv1d/2d`` with the stencil as kernel and ``padding_mode=PADDING_MODE[bc]``.
    Taught in: :ref:`gradiens-module-5` (§5.2.1).
    """
    check_positive("h", h)
    padded = ghost_pad(u, bc, width=1, dims=dims)
    result = torch.zeros_like(u)
    for axis in range(-dims, 0):
        n = u.shape[axis]
        # centre: padded positions 1..n along this axis; other padded axes trimmed to 1..n
        core = padded
        for other in range(-dims, 0):
            if other != axis:
                core = core.narrow(other, 1, u.shape[other])
        left, centre, right = (core.narrow(axis, k, n) for k in (0, 1, 2))
        result = result + (left - 2 * centre + right) / h**2
    return result
