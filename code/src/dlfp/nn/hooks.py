"""Forward hooks: watch what flows through a model without editing it.

A forward hook ``hook(module, inputs, output)`` registered with
``module.register_forward_hook`` runs after ``module.forward`` — but only
when the module is *called*, ``module(x)``, because ``nn.Module.__call__`` is
what runs hooks; ``module.forward(x)`` bypasses them.

Taught in: :ref:`ch-bb-mlp` (seed ``004``).
"""

from __future__ import annotations

import torch
from torch import nn

from dlfp._checks import check_type, describe


class ActivationRecorder:
    """Record the output of chosen sub-modules on every forward call.

    Use as a context manager; the hooks are removed on exit::

        with ActivationRecorder(model, (nn.ReLU,)) as rec:
            model(x)
        rec.outputs["blocks.0.1"]   # list of tensors, one per call

    ``outputs[name]`` holds the sub-module's outputs, detached, in call order.

    Args:
        model: the model to watch.
        types: a tuple of classes: record the sub-modules that are instances
            of them (default ``None``: every leaf module).

    Built on: ``nn.Module.register_forward_hook``.
    Taught in: :ref:`ch-bb-mlp` (``model(x)`` versus ``model.forward(x)``).
    """

    def __init__(self, model: nn.Module, types: tuple[type, ...] | None = None):
        check_type("model", model, nn.Module, "an nn.Module")
        if types is not None and not (isinstance(types, tuple) and all(isinstance(t, type) for t in types)):
            got = repr(types) if isinstance(types, tuple) else describe(types)
            raise TypeError(f"types must be a tuple of classes, got {got}")
        self.model, self.types = model, types
        self.outputs: dict[str, list[torch.Tensor]] = {}
        self._handles: list = []

    def _wanted(self, module: nn.Module) -> bool:
        if self.types is None:
            return len(list(module.children())) == 0
        return isinstance(module, self.types)

    def __enter__(self) -> ActivationRecorder:
        for name, module in self.model.named_modules():
            if name and self._wanted(module):
                self.outputs.setdefault(name, [])
                self._handles.append(module.register_forward_hook(self._hook(name)))
        return self

    def _hook(self, name: str):
        def hook(module, inputs, output):
            self.outputs[name].append(output.detach())

        return hook

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    @property
    def calls(self) -> int:
        """Total number of recorded module outputs."""
        return sum(len(v) for v in self.outputs.values())
