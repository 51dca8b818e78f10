"""dlfp.train.amp: mixed-precision steps, interleaved timing, compilation that may fail."""

import pytest
import torch
from torch import nn

from dlfp.train import amp
from dlfp.train.amp import autocast_dtype, make_grad_scaler, make_train_step
from tests.unit.bad_input import F64, sgd


def setup(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))
    x = torch.randn(64, 8)
    return model, torch.optim.SGD(model.parameters(), lr=0.1), x, x[:, :1] ** 2


def test_autocast_dtype():
    assert autocast_dtype("cpu") == torch.bfloat16
    assert autocast_dtype(torch.device("cuda", 0)) == torch.float16
    with pytest.raises(ValueError, match="device must be"):
        autocast_dtype("nonsense")


def test_grad_scaler_only_for_float16():
    assert make_grad_scaler("cpu", None) is None
    assert make_grad_scaler("cpu", torch.bfloat16) is None
    scaler = make_grad_scaler("cpu", torch.float16)
    assert scaler is not None and hasattr(scaler, "scale")
    with pytest.raises(ValueError, match="floating-point torch.dtype, got torch.int32"):
        make_grad_scaler("cpu", torch.int32)


@pytest.mark.parametrize("dtype", [None, torch.bfloat16, torch.float16])
def test_train_step_decreases_loss_and_keeps_float32_weights(dtype):
    model, opt, x, y = setup()
    step = make_train_step(model, opt, amp_dtype=dtype, scaler=make_grad_scaler("cpu", dtype))
    losses = [step(x, y).item() for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.dtype == torch.float32 for p in model.parameters())


def test_mixed_precision_follows_float32():
    m32, o32, x, y = setup()
    m16, o16, _, _ = setup()
    s32, s16 = make_train_step(m32, o32), make_train_step(m16, o16, amp_dtype=torch.bfloat16)
    for _ in range(5):
        a, b = s32(x, y).item(), s16(x, y).item()
        assert abs(a - b) < 0.05 * a


def test_train_step_validation():
    model, opt, _, _ = setup()
    with pytest.raises(TypeError, match="model must be an nn.Module, got str"):
        make_train_step("model", opt)
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        make_train_step(model, "sgd")
    with pytest.raises(ValueError, match="amp_dtype must be None, torch.float16 or torch.bfloat16, got torch.float64"):
        make_train_step(model, opt, amp_dtype=torch.float64)


# Each public object of dlfp.train.amp, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.train.amp.autocast_dtype": [
        (
            lambda: amp.autocast_dtype("gpu0"),
            ValueError,
            r"device must be a device string such as .*, got 'gpu0'",
        ),
    ],
    "dlfp.train.amp.make_grad_scaler": [
        (
            lambda: amp.make_grad_scaler("cpu", torch.int32),
            ValueError,
            r"dtype must be None or a floating-point torch\.dtype, got torch\.int32",
        ),
        (
            lambda: amp.make_grad_scaler("gpu0", torch.float16),
            ValueError,
            r"device must be a device string such as",
        ),
    ],
    "dlfp.train.amp.make_train_step": [
        (
            lambda: amp.make_train_step("net", sgd(nn.Linear(1, 1))),
            TypeError,
            r"model must be an nn\.Module, got str",
        ),
        (
            lambda: amp.make_train_step(nn.Linear(1, 1), sgd(nn.Linear(1, 1)), amp_dtype=F64),
            ValueError,
            r"amp_dtype must be None, torch\.float16 or torch\.bfloat16, got torch\.float64",
        ),
    ],
}
