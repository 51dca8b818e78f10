"""dlfp.book.timing: best_time and time_interleaved."""

import pytest
import torch

from dlfp.book import timing
from dlfp.book.timing import best_time, time_interleaved


def test_best_time_is_positive():
    import time

    assert 0 < best_time(lambda: sum(range(100)), repeat=2, number=3) < 1
    assert 0 <= best_time(lambda: sum(range(10_000)), repeat=2, clock=time.process_time) < 1
    with pytest.raises(TypeError, match="clock"):
        best_time(lambda: None, clock=3)


def test_time_interleaved_rotates_and_is_bounded():
    calls = []
    times = time_interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=3, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # warm-up, then rounds starting a, b, a
    assert [len(v) for v in times.values()] == [3, 3] and all(t >= 0 for v in times.values() for t in v)
    slow = time_interleaved(
        {"sleep": lambda: torch.randn(200, 200) @ torch.randn(200, 200)}, rounds=10**6, max_seconds=0.05, warmup=0
    )
    assert 1 <= len(slow["sleep"]) < 10**6
    with pytest.raises(ValueError, match="rounds must be an int >= 1, got 0"):
        time_interleaved({"a": lambda: None}, rounds=0)
    with pytest.raises(ValueError, match="max_seconds must be > 0"):
        time_interleaved({"a": lambda: None}, rounds=1, max_seconds=0)
    with pytest.raises(TypeError, match="non-empty dict"):
        time_interleaved({}, rounds=1)


def test_one_thread_restores_the_thread_count_even_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), timing.one_thread():
        assert torch.get_num_threads() == 1
        raise RuntimeError("inside")
    assert torch.get_num_threads() == before


# Each public object of dlfp.book.timing, called wrongly, and the error it must raise
# (call, error type, regex for the message); run by tests/unit/test_bad_input.py.
BAD_INPUT = {
    "dlfp.book.timing.one_thread": [
        (lambda: timing.one_thread(2), TypeError, r"one_thread\(\) takes 0 positional arguments but 1 was given"),
    ],
    "dlfp.book.timing.best_time": [
        (lambda: timing.best_time(lambda: None, repeat=0), ValueError, r"repeat must be a positive int, got 0"),
    ],
    "dlfp.book.timing.time_interleaved": [
        (
            lambda: timing.time_interleaved({"a": lambda: None}, rounds=0),
            ValueError,
            r"rounds must be an int >= 1, got 0",
        ),
        (
            lambda: timing.time_interleaved({"a": lambda: None}, rounds=1, max_seconds="10"),
            TypeError,
            r"max_seconds must be a real number, got '10' \(str\)",
        ),
        (
            lambda: timing.time_interleaved({}, rounds=1),
            TypeError,
            r"steps must be a non-empty dict of name -> callable",
        ),
        (
            lambda: timing.time_interleaved({"a": lambda: None}, rounds=1, sync="gpu0"),
            ValueError,
            r"sync must be a device string such as .*, got 'gpu0'",
        ),
    ],
}
