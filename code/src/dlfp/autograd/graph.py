"""Looking inside autograd: walking the computational graph.

``loss.backward()`` traverses a directed acyclic graph whose nodes are the
``grad_fn`` objects recorded during the forward pass. Each node lists its
inputs in ``node.next_functions`` as ``(node, input_index)`` pairs; a leaf
tensor that requires a gradient appears as an ``AccumulateGrad`` node whose
``.variable`` is the leaf. :func:`graph_nodes` walks that structure and
:func:`format_graph` draws it. (To check the gradients autograd returns, see
:func:`dlfp.autograd.function.finite_difference_grad`.)

Taught in: :ref:`gradiens-module-2`
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from dlfp._checks import check_tensor


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
    is linear in the size of the graph. Returns a list of :class:`GraphNode`,
    root first.

    Args:
        tensor: the result, of any shape, of operations on tensors that require grad.

    Raises:
        ValueError: if ``tensor`` has no ``grad_fn``: a leaf (even one that
            requires grad) or a result computed without gradient tracking.

    Taught in: :ref:`gradiens-module-2`
    """
    check_tensor("tensor", tensor)
    if tensor.grad_fn is None:
        raise ValueError(
            "tensor must be the result of operations recorded by autograd (have a grad_fn), "
            "got one with no grad_fn: it is a leaf or was computed without gradient "
            f"tracking (requires_grad={tensor.requires_grad})"
        )
    nodes: list[GraphNode] = []
    # A node is known by the object behind it: for AccumulateGrad its leaf tensor, since some torch
    # versions hand out a new Python wrapper at each access; the values keep those objects alive,
    # so that no id is reused during the walk.
    seen: dict[int, object] = {}
    stack = [(tensor.grad_fn, 0)]
    while stack:
        fn, depth = stack.pop()
        variable = getattr(fn, "variable", None)
        shape = tuple(variable.shape) if isinstance(variable, torch.Tensor) else None
        identity = variable if isinstance(variable, torch.Tensor) else fn
        if id(identity) in seen:
            nodes.append(GraphNode(depth, type(fn).__name__, shape, repeated=True))
            continue
        seen[id(identity)] = identity
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

    Args:
        tensor: as for :func:`graph_nodes`.

    Taught in: :ref:`gradiens-module-2`
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
