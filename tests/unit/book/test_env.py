import random

import numpy as np
import pytest
import torch

import dlfp
from dlfp.book import env
from dlfp.book.env import DEVICE_ENV_VAR, banner, pick_device, seed_everything
from tests.unit.bad_input import with_env


def _fake_devices(monkeypatch, cuda: bool, mps: bool):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    monkeypatch.delenv(DEVICE_ENV_VAR, raising=False)


@pytest.mark.parametrize("cuda, mps, expected", [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")])
def test_device_preference_order(monkeypatch, cuda, mps, expected):
    _fake_devices(monkeypatch, cuda, mps)
    assert pick_device().type == expected


def test_explicit_and_environment_choice(monkeypatch):
    _fake_devices(monkeypatch, cuda=True, mps=False)
    assert pick_device("cpu").type == "cpu"
    monkeypatch.setenv(DEVICE_ENV_VAR, "cpu")
    assert pick_device().type == "cpu"


def test_unavailable_device_is_refused(monkeypatch):
    _fake_devices(monkeypatch, cuda=False, mps=False)
    with pytest.raises(RuntimeError, match="'cuda' was requested but is not available"):
        pick_device("cuda")


def test_invalid_device_string(monkeypatch):
    _fake_devices(monkeypatch, cuda=False, mps=False)
    with pytest.raises(ValueError, match="device string"):
        pick_device("gpu0")


def test_seed_everything_makes_all_generators_repeat():
    def draw():
        return random.random(), np.random.rand(), torch.rand(1).item()

    g1 = seed_everything(123)
    first = draw(), torch.rand(1, generator=g1).item()
    g2 = seed_everything(123)
    assert (draw(), torch.rand(1, generator=g2).item()) == first


@pytest.mark.parametrize("bad, error", [(1.5, TypeError), (True, TypeError), (-1, ValueError)])
def test_seed_validation(bad, error):
    with pytest.raises(error, match="seed"):
        seed_everything(bad)


def test_banner_names_device_profile_and_torch(monkeypatch):
    monkeypatch.setenv("DLFP_PROFILE", "quick")
    line = banner("cpu")
    assert "\n" not in line
    for part in ("cpu", "profile quick", f"torch {torch.__version__}", "UTC"):
        assert part in line


def test_top_level_exports():
    assert dlfp.pick is not None and dlfp.banner is banner


@pytest.mark.parametrize("source", ["prefer", "env"])
def test_cuda_index_beyond_the_gpus_present_is_refused(monkeypatch, source):
    """DLFP_DEVICE=cuda:7 on a one-GPU machine: refused, naming the variable and the count."""
    _fake_devices(monkeypatch, cuda=True, mps=False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    name = "prefer" if source == "prefer" else DEVICE_ENV_VAR
    if source == "env":
        monkeypatch.setenv(DEVICE_ENV_VAR, "cuda:7")
        call = pick_device
    else:
        call = lambda: pick_device("cuda:7")  # noqa: E731
    with pytest.raises(RuntimeError, match=rf"{name} must name an available device, got 'cuda:7'.*1 CUDA device"):
        call()
    monkeypatch.setenv(DEVICE_ENV_VAR, "cuda:0")
    assert pick_device() == torch.device("cuda:0")  # index 0 exists: accepted


@pytest.mark.parametrize("value", ["", "   "])
def test_blank_device_variable_means_automatic_choice(monkeypatch, value):
    _fake_devices(monkeypatch, cuda=False, mps=False)
    monkeypatch.setenv(DEVICE_ENV_VAR, value)
    assert pick_device().type == "cpu"


def test_bad_device_variable_is_named(monkeypatch):
    _fake_devices(monkeypatch, cuda=False, mps=False)
    monkeypatch.setenv(DEVICE_ENV_VAR, "gpu0")
    with pytest.raises(ValueError, match=rf"{DEVICE_ENV_VAR} must be a device string .*got 'gpu0'"):
        pick_device()
    monkeypatch.setenv(DEVICE_ENV_VAR, " cpu ")
    assert pick_device().type == "cpu"


@pytest.mark.parametrize("seed", [2**64, -1])
def test_seeds_outside_64_bits_are_refused_by_name(seed):
    from dlfp.book.env import as_generator

    with pytest.raises(ValueError, match=r"seed must be an int in \[0, 2\*\*64 - 1\]"):
        seed_everything(seed)
    if seed > 0:
        with pytest.raises(ValueError, match=r"seed must be an int in \[-2\*\*63, 2\*\*64 - 1\]"):
            as_generator(seed)
    assert seed_everything(2**64 - 1).initial_seed() == 2**64 - 1  # the largest seed works


# Each public object of dlfp.book.env, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.env.pick_device": [
        (lambda: env.pick_device("gpu0"), ValueError, r"prefer must be a device string such as 'cpu'"),
        (lambda: env.pick_device(3), TypeError, r"prefer must be a device string"),
        (
            with_env("DLFP_DEVICE", "cuda:7", env.pick_device),
            RuntimeError,
            r"DLFP_DEVICE must name an available device, got 'cuda:7'",
        ),
    ],
    "dlfp.book.env.seed_everything": [
        (lambda: env.seed_everything(-1), ValueError, r"seed must be an int in \[0, 2\*\*64 - 1\].*got -1"),
        (lambda: env.seed_everything(1.5), TypeError, r"seed must be an int \(a seed\), got 1\.5 \(float\)"),
        (
            lambda: env.seed_everything(2**64),
            ValueError,
            r"seed must be an int in \[0, 2\*\*64 - 1\].*got 18446744073709551616",
        ),
    ],
    "dlfp.book.env.as_generator": [
        (lambda: env.as_generator(1.5), TypeError, r"seed must be an int or a torch\.Generator, got 1\.5"),
        (lambda: env.as_generator(2**64), ValueError, r"seed must be an int in \[-2\*\*63, 2\*\*64 - 1\]"),
    ],
    "dlfp.book.env.device_name": [
        (lambda: env.device_name("gpu0"), ValueError, r"device must be a device string"),
    ],
    "dlfp.book.env.banner": [
        (lambda: env.banner(3), TypeError, r"device must be a torch\.device or a device string"),
    ],
}
