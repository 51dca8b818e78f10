import pytest
import torch

from dlfp.autograd import graph
from dlfp.autograd.graph import GraphNode, format_graph, graph_nodes


def test_graph_nodes_of_scalar_expression():
    a, w, b = (torch.tensor(v, requires_grad=True) for v in (2.0, 3.0, 4.0))
    L = (w * a + b) ** 2
    names = [n.name for n in graph_nodes(L)]
    assert names == [
        "PowBackward0",
        "AddBackward0",
        "MulBackward0",
        "AccumulateGrad",
        "AccumulateGrad",
        "AccumulateGrad",
    ]
    nodes = graph_nodes(L)
    assert nodes[0] == GraphNode(0, "PowBackward0")
    assert [n.depth for n in nodes] == [0, 1, 2, 3, 3, 2]
    assert all(n.leaf_shape == () for n in nodes if n.name == "AccumulateGrad")


def test_graph_skips_constants_and_marks_shared_nodes():
    x = torch.randn(3, requires_grad=True)
    y = x * 2.0  # the constant needs no node
    z = (y + y).sum()  # y's node is reached twice
    nodes = graph_nodes(z)
    assert sum(n.repeated for n in nodes) == 1
    assert sum(n.name == "AccumulateGrad" for n in nodes) == 1
    assert "shared" in format_graph(z)


def test_format_graph_indents_by_depth():
    x = torch.randn(2, 3, requires_grad=True)
    text = format_graph((x @ x.T).mean())
    lines = text.splitlines()
    assert lines[0] == "MeanBackward0"
    assert lines[1].startswith("  MmBackward0")
    assert "leaf (2, 3)" in text


def test_graph_nodes_rejects_leaves_and_non_tensors():
    with pytest.raises(ValueError, match="no grad_fn"):
        graph_nodes(torch.randn(3, requires_grad=True))
    with pytest.raises(TypeError, match="torch.Tensor"):
        graph_nodes([1.0])


# Each public object of dlfp.autograd.graph, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.autograd.graph.graph_nodes": [
        (
            lambda: graph.graph_nodes(torch.ones(2)),
            ValueError,
            r"tensor must be the result of operations recorded by autograd",
        ),
    ],
    "dlfp.autograd.graph.format_graph": [
        (lambda: graph.format_graph([1.0]), TypeError, r"tensor must be a torch\.Tensor, got list"),
    ],
}
