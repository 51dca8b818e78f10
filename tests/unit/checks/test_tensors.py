"""dlfp._checks.tensors: what the tensor checks accept (tests/unit/test_bad_input.py has what they refuse)."""

import torch
from torch import nn

from dlfp._checks import check_device, check_shapes


def test_check_shapes_binds_named_dimensions_across_arguments():
    x, h = torch.ones(8, 3), torch.ones(8, 5)
    assert check_shapes(x=(x, "N", 3), h=(h, "N", "H")) == {"N": 8, "H": 5}


def test_check_shapes_with_a_module_accepts_its_dtype_and_device():
    cell = nn.Linear(3, 5).double()
    assert check_shapes(cell, x=(torch.ones(2, 3, dtype=torch.float64), "N", 3)) == {"N": 2}


def test_check_device_accepts_devices_and_strings():
    assert check_device("device", "cpu") == torch.device("cpu") == check_device("device", torch.device("cpu"))
