import pytest
import torch
from torch import nn, optim

from dlfp.book import signatures
from dlfp.book.signatures import REQUIRED, api_cell, argument_cell, argument_default, resolve


def test_argument_default_reads_real_signatures():
    assert argument_default(optim.Adam, "betas") == (0.9, 0.999)
    assert argument_default(nn.LayerNorm, "eps") == 1e-5
    assert argument_default(nn.Conv2d, "kernel_size") is REQUIRED
    with pytest.raises(ValueError, match=r"Adam has no argument 'learning_rate'; it has \['params', 'lr'"):
        argument_default(optim.Adam, "learning_rate")
    with pytest.raises(TypeError, match="callable with a signature"):
        argument_default(3, "x")


def test_argument_cell_groups_equal_defaults():
    def f(x, eps=1e-5):
        pass

    def g(x, eps=1e-8):
        pass

    def h(x, eps):
        pass

    assert argument_cell("eps", [f, g, f]) == "`eps` (`f`, `f`: 1e-05; `g`: 1e-08)"
    assert argument_cell("eps", [h]) == "`eps` (`h`: required)"
    with pytest.raises(ValueError, match="owners must name at least one"):
        argument_cell("eps", [])
    with pytest.raises(ValueError, match="has no argument 'lr'"):
        argument_cell("lr", [f])


def test_resolve_and_api_cell_check_names():
    assert resolve("nn.LayerNorm") is nn.LayerNorm
    assert resolve("F.softmax") is torch.nn.functional.softmax
    assert resolve("torch.Tensor.grad") is torch.Tensor.grad
    assert api_cell("torch.sigmoid", "nn.Sigmoid") == "`torch.sigmoid`, `nn.Sigmoid`"
    with pytest.raises(ValueError, match=r"torch.nn has no attribute 'Softmaxx'"):
        resolve("torch.nn.Softmaxx")
    with pytest.raises(ValueError, match="must start with one of"):
        resolve("numpy.exp")
    with pytest.raises(ValueError, match="at least one name"):
        api_cell()


# Each public object of dlfp.book.signatures, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.signatures.argument_default": [
        (lambda: signatures.argument_default(3, "lr"), TypeError, r"fn must be a callable with a signature, got 3"),
        (
            lambda: signatures.argument_default(torch.optim.SGD, 0),
            TypeError,
            r"name must be an argument name \(str\), got 0",
        ),
    ],
    "dlfp.book.signatures.argument_cell": [
        (
            lambda: signatures.argument_cell("eps", []),
            ValueError,
            r"owners must name at least one callable for 'eps', got none",
        ),
        (
            lambda: signatures.argument_cell(None, [nn.LayerNorm]),
            TypeError,
            r"name must be an argument name \(str\), got None",
        ),
    ],
    "dlfp.book.signatures.resolve": [
        (
            lambda: signatures.resolve("np.zeros"),
            ValueError,
            r"name must start with one of \['torch', 'nn', 'F', 'optim'\]",
        ),
        (lambda: signatures.resolve(3), ValueError, r"name must be a dotted name such as 'nn\.ReLU', got 3"),
    ],
    "dlfp.book.signatures.api_cell": [
        (
            lambda: signatures.api_cell("nn.Softmaxx"),
            ValueError,
            r"nn has no attribute 'Softmaxx' \(looking up 'nn\.Softmaxx'\)",
        ),
        (lambda: signatures.api_cell(), ValueError, r"api_cell needs at least one name, got none"),
    ],
}
