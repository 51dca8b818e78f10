import random

import numpy as np
import pytest
import torch

import dlfp
from dlfp.env import DEVICE_ENV_VAR, banner, pick_device, seed_everything


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
