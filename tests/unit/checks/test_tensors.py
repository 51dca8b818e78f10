"""dlfp._checks.tensors: what the tensor checks accept (tests/unit/test_bad_input.py has what they refuse)."""

import numpy as np
import torch
from torch import nn

from dlfp import _checks
from dlfp._checks import check_device, check_shapes
from tests.unit.bad_input import F64, NAN


def test_check_shapes_binds_named_dimensions_across_arguments():
    x, h = torch.ones(8, 3), torch.ones(8, 5)
    assert check_shapes(x=(x, "N", 3), h=(h, "N", "H")) == {"N": 8, "H": 5}


def test_check_shapes_with_a_module_accepts_its_dtype_and_device():
    cell = nn.Linear(3, 5).double()
    assert check_shapes(cell, x=(torch.ones(2, 3, dtype=torch.float64), "N", 3)) == {"N": 2}


def test_check_device_accepts_devices_and_strings():
    assert check_device("device", "cpu") == torch.device("cpu") == check_device("device", torch.device("cpu"))


# Each public object of dlfp._checks.tensors, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp._checks.tensors.check_same_dtype": [
        (
            lambda: _checks.check_same_dtype(x=torch.zeros(1), W=torch.zeros(1, dtype=F64)),
            TypeError,
            r"x and W must have the same dtype, got x torch\.float32, W torch\.float64",
        ),
    ],
    "dlfp._checks.tensors.check_tensor": [
        (
            lambda: _checks.check_tensor("x", torch.zeros(3, 28, 28), ndim=4, dims="(N, C, H, W)"),
            ValueError,
            r"x must be a 4-D tensor \(N, C, H, W\), got shape \(3, 28, 28\)",
        ),
        (
            lambda: _checks.check_tensor("x", torch.tensor([1.0, NAN, float("inf")]), finite=True),
            ValueError,
            r"x must be finite, got 2 NaN or infinite entries",
        ),
        (
            lambda: _checks.check_tensor("x", torch.zeros(2), device="meta"),
            ValueError,
            r"x must be on device meta, got cpu",
        ),
    ],
    "dlfp._checks.tensors.check_same_device": [
        (
            lambda: _checks.check_same_device(q=torch.zeros(1), k=torch.zeros(1, device="meta")),
            ValueError,
            r"q and k must be on the same device, got q on cpu, k on meta",
        ),
    ],
    "dlfp._checks.tensors.check_model_input": [
        (
            lambda: _checks.check_model_input("x", torch.zeros(2, 3), nn.Linear(4, 1), shape=("N", 4)),
            ValueError,
            r"x must have shape \(N, 4\), got \(2, 3\)",
        ),
        (
            lambda: _checks.check_model_input("x", torch.zeros(2, 4, device="meta"), nn.Linear(4, 1)),
            ValueError,
            r"x must be on the model's device cpu, got meta",
        ),
    ],
    "dlfp._checks.tensors.check_array": [
        (lambda: _checks.check_array("X", [[1.0]], ndim=2), TypeError, r"X must be a numpy\.ndarray, got list"),
        (
            lambda: _checks.check_array("X", np.zeros(3), ndim=2, dims="(N, D)"),
            ValueError,
            r"X must be a 2-D array \(N, D\), got shape \(3,\)",
        ),
    ],
    "dlfp._checks.tensors.check_shapes": [
        (
            lambda: _checks.check_shapes(x=(torch.ones(8, 3), "N", 3), h=(torch.ones(4, 5), "N", 5)),
            ValueError,
            r"h must have shape \(N, 5\) with N = 8 \(from x\), got \(4, 5\)",
        ),
        (
            lambda: _checks.check_shapes(x=(torch.ones(8, 2), "N", 3)),
            ValueError,
            r"x must have shape \(N, 3\), got \(8, 2\)",
        ),
        (lambda: _checks.check_shapes(x=(torch.ones(8), "N", 3)), ValueError, r"x must be a 2-D tensor"),
        (
            lambda: _checks.check_shapes(nn.Linear(3, 1), x=(torch.ones(8, 3, dtype=F64), "N", 3)),
            TypeError,
            r"x must have the model's dtype torch\.float32, got torch\.float64",
        ),
    ],
    "dlfp._checks.tensors.check_device": [
        (
            lambda: _checks.check_device("device", 3),
            TypeError,
            r"device must be a torch\.device or a device string .*got 3",
        ),
        (
            lambda: _checks.check_device("device", "gpu0"),
            ValueError,
            r"device must be a device string such as .*got 'gpu0'",
        ),
    ],
}
