"""dlfp.nn.hooks: ActivationRecorder sees what flows through a model, and only through __call__."""

import pytest
import torch
from torch import nn

from dlfp.models.flexible import FlexibleMLP
from dlfp.nn import hooks
from dlfp.nn.hooks import ActivationRecorder


def test_recorder_fires_only_through_call():
    m = FlexibleMLP(3, [4, 4], 2)
    x = torch.randn(5, 3)
    with ActivationRecorder(m, (nn.ReLU,)) as rec:
        m(x)
        assert rec.calls == 2
        assert rec.outputs["blocks.0.1"][0].shape == (5, 4)
        assert torch.all(rec.outputs["blocks.0.1"][0] >= 0)
        m.forward(x)  # FlexibleMLP.forward calls its blocks, so inner hooks fire ...
        assert rec.calls == 4
    lin = nn.Linear(3, 2)
    with ActivationRecorder(nn.Sequential(lin)) as rec:
        lin.forward(x)  # ... but a module's own forward never runs its own hooks
        assert rec.calls == 0
        lin(x)
        assert rec.calls == 1
    m(x)
    assert rec.calls == 1  # hooks removed on exit


def test_recorder_bad_inputs():
    with pytest.raises(TypeError, match="model"):
        ActivationRecorder("m")
    with pytest.raises(TypeError, match="types"):
        ActivationRecorder(nn.Linear(2, 2), [nn.ReLU])


# Each public object of dlfp.nn.hooks, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.nn.hooks.ActivationRecorder": [
        (lambda: hooks.ActivationRecorder("model"), TypeError, r"model must be an nn\.Module"),
        (
            lambda: hooks.ActivationRecorder(nn.Linear(1, 1), types=[nn.ReLU]),
            TypeError,
            r"types must be a tuple of classes",
        ),
    ],
}
