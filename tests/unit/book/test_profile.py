import pytest
import torch

from dlfp.book import profile
from dlfp.book.profile import ENV_VAR, current_profile, pick
from tests.unit.bad_input import with_env


@pytest.mark.parametrize("value", ["quick", "full", " FULL "])
def test_explicit_profile(monkeypatch, value):
    monkeypatch.setenv(ENV_VAR, value)
    assert current_profile() == value.strip().lower()


def test_default_profile_follows_cuda(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert current_profile() == "full"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert current_profile() == "quick"


def test_invalid_profile_names_the_choices(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "fast")
    with pytest.raises(ValueError, match=r"DLFP_PROFILE must be one of .*'quick'.*'fast'"):
        current_profile()


def test_pick(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "quick")
    assert pick(quick=3, full=50) == 3
    monkeypatch.setenv(ENV_VAR, "full")
    assert pick(quick=3, full=50) == 50


def test_pick_requires_keywords():
    with pytest.raises(TypeError):
        pick(3, 50)


@pytest.mark.parametrize("value", ["", "  "])
def test_blank_profile_means_the_default(monkeypatch, value):
    monkeypatch.setenv(ENV_VAR, value)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert current_profile() == "quick"


# Each public object of dlfp.book.profile, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.profile.current_profile": [
        (
            with_env("DLFP_PROFILE", "fast", profile.current_profile),
            ValueError,
            r"DLFP_PROFILE must be one of \('quick', 'full'\), got 'fast'",
        ),
    ],
    "dlfp.book.profile.pick": [
        (
            with_env("DLFP_PROFILE", "fast", lambda: profile.pick(quick=1, full=2)),
            ValueError,
            r"DLFP_PROFILE must be one of",
        ),
    ],
}
