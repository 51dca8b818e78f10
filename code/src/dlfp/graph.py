"""Looking inside autograd: walking the computational graph, checking gradients.

``loss.backward()`` traverses a directed acyclic graph whose nodes are the
``grad_fn`` objects recorded during the forward pass. Each node lists its
inputs in ``node.next_functions`` as ``(node, input_index)`` pairs; a leaf
tensor that requires a gradient appears as an ``AccumulateGrad`` node whose
``.variable`` is the leaf. :func:`graph_nodes` walks that structure and
:func:`format_graph` draws it; :func:`finite_difference_grad` computes a
gradient by central differences, to check what autograd returns.

Taught in: Part II, module 2 (autograd and the computational graph).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class GraphNode:
    """One node of an autograd graph, as met by a depth-first walk from the root.

    Attributes:
        depth: distance from the root (the root has depth 0).
        name: the node's class name, e.g. ``"MulBackward0"`` or ``"AccumulateGrad"``.
        leaf_shape: for an ``AccumulateGrad`` node, the shape of its leaf tensor; else ``None``.
        repeated: ``True`` when the node was already listed (a shared sub-graph);
            its inputs are then not listed again.
    """

    depth: int
    name: str
    leaf_shape: tuple[int, ...] | None = None
    repeated: bool = False


def graph_nodes(tensor: torch.Tensor) -> list[GraphNode]:
    """The nodes of the autograd graph that produced ``tensor``, depth first.

    Starting at ``tensor.grad_fn`` (the root), each node's inputs are read
    from ``grad_fn.next_functions``; inputs that need no gradient (``None``
    entries, e.g. a constant operand) are skipped. A node reached twice is
    listed again with ``repeated=True`` but not expanded twice, so the walk
    is linear in the size of the graph.

    Shape:
        - tensor: any shape, produced by operations on tensors that require grad.
        - Output: a list of :class:`GraphNode`, root first.

    Raises:
        TypeError: if ``tensor`` is not a tensor.
        ValueError: if ``tensor`` has no ``grad_fn`` (a leaf, or computed
            without gradient tracking).
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if tensor.grad_fn is None:
        raise ValueError(
            "tensor has no grad_fn: it is a leaf or was computed without gradient "
            f"tracking (requires_grad={tensor.requires_grad})"
        )
    nodes: list[GraphNode] = []
    seen: set[int] = set()
    stack = [(tensor.grad_fn, 0)]
    while stack:
        fn, depth = stack.pop()
        variable = getattr(fn, "variable", None)
        shape = tuple(variable.shape) if isinstance(variable, torch.Tensor) else None
        if id(fn) in seen:
            nodes.append(GraphNode(depth, type(fn).__name__, shape, repeated=True))
            continue
        seen.add(id(fn))
        nodes.append(GraphNode(depth, type(fn).__name__, shape))
        children = [child for child, _ in fn.next_functions if child is not None]
        stack.extend((child, depth + 1) for child in reversed(children))
    return nodes


def format_graph(tensor: torch.Tensor) -> str:
    """A text drawing of :func:`graph_nodes`, one indented line per node.

    Example (for ``L = (w * a + b) ** 2`` with scalar leaves)::

        PowBackward0
          AddBackward0
            MulBackward0
              AccumulateGrad  leaf ()
              AccumulateGrad  leaf ()
            AccumulateGrad  leaf ()
    """
    lines = []
    for node in graph_nodes(tensor):
        text = "  " * node.depth + node.name
        if node.leaf_shape is not None:
            text += f"  leaf {node.leaf_shape}"
        if node.repeated:
            text += "  (shared, see above)"
        lines.append(text)
    return "\n".join(lines)


def finite_difference_grad(
    f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, eps: float = 1e-6
) -> torch.Tensor:
    """Gradient of a scalar function by central differences.

    .. math::

        \\frac{\\partial f}{\\partial x_i} \\approx
        \\frac{f(x + \\varepsilon e_i) - f(x - \\varepsilon e_i)}{2\\varepsilon},

    with truncation error :math:`O(\\varepsilon^2)`. Work in ``float64``:
    in ``float32`` the rounding error :math:`\\sim 10^{-7}/\\varepsilon`
    swamps the result for small ``eps``.

    Shape:
        - x: any shape, floating point.
        - f(x): a scalar (a tensor with one element).
        - Output: same shape and dtype as ``x``.

    Raises:
        TypeError: if ``f`` is not callable or ``x`` is not a floating-point tensor.
        ValueError: if ``eps`` is not positive or ``f(x)`` is not a scalar.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        got = x.dtype if isinstance(x, torch.Tensor) else type(x).__name__
        raise TypeError(f"x must be a floating-point tensor, got {got}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    x = x.detach()
    with torch.no_grad():
        value = f(x)
        if not isinstance(value, torch.Tensor) or value.numel() != 1:
            shape = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"f(x) must be a scalar, got {shape}")
        grad = torch.empty_like(x)
        flat, out = x.clone().reshape(-1), grad.reshape(-1)
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + eps
            plus = f(flat.reshape(x.shape)).item()
            flat[i] = original - eps
            minus = f(flat.reshape(x.shape)).item()
            flat[i] = original
            out[i] = (plus - minus) / (2 * eps)
    return grad
