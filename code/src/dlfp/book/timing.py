"""Timing: the best of several runs, and two steps timed in interleaved rounds."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import torch

from dlfp._checks import check_callable, check_device, check_int, check_real


@contextlib.contextmanager
def one_thread():
    """Run the block on one intra-op CPU thread, then restore the thread count.

    The CPU time of one thread (``time.process_time``) is what other jobs on a
    shared machine do not inflate, and small operations gain nothing from
    more threads; the book's build already runs quick-profile pages on one
    thread, so this matters in the full profile and in downloaded notebooks.
    Torch twin: ``torch.set_num_threads``.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def best_time(
    fn: Callable[[], object], repeat: int = 5, number: int = 1, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Best time of one call of ``fn`` over ``repeat`` timings of ``number`` calls, in seconds.

    The minimum is the least disturbed measurement on a shared machine. Call
    ``fn`` once before timing to exclude one-off costs (allocation, dispatch caches).
    ``clock`` is wall time by default; ``time.process_time`` measures the CPU
    time of this process only, which other jobs on a busy machine do not inflate
    (use it with ``torch.set_num_threads(1)`` so that idle worker threads do not count).

    Raises:
        TypeError: if ``fn`` or ``clock`` is not callable.
        ValueError: if ``repeat`` or ``number`` is below 1.
    """
    check_callable("fn", fn)
    check_callable("clock", clock)
    check_int("repeat", repeat, minimum=1)
    check_int("number", number, minimum=1)
    times = []
    for _ in range(repeat):
        start = clock()
        for _ in range(number):
            fn()
        times.append((clock() - start) / number)
    return min(times)


def time_interleaved(
    steps: dict[str, Callable[[], Any]],
    *,
    rounds: int,
    max_seconds: float = 10.0,
    warmup: int = 2,
    sync: torch.device | str | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of several step functions, timed in alternation.

    Round :math:`k` calls every function once, starting with a different one
    each round, so that a slow spell of a shared machine (another process,
    frequency changes) falls on all of them alike instead of on whichever ran
    during it. Compare the medians, which a few interrupted calls do not move.
    Stops after ``rounds`` rounds or once ``max_seconds`` have been spent (at
    least one round is timed); ``warmup`` untimed calls of each come first.

    Raises:
        TypeError: if ``steps`` is not a non-empty dict of callables or
            ``max_seconds`` not a number.
        ValueError: if ``rounds`` < 1, ``warmup`` < 0, ``max_seconds`` <= 0
            or ``sync`` is not a valid device.
    """
    if not isinstance(steps, dict) or not steps or not all(callable(f) for f in steps.values()):
        raise TypeError(f"steps must be a non-empty dict of name -> callable, got {steps!r}")
    if not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be an int >= 1, got {rounds!r}")
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0, got {warmup!r}")
    if not check_real("max_seconds", max_seconds, finite=False) > 0:
        raise ValueError(f"max_seconds must be > 0, got {max_seconds!r}")
    cuda = sync is not None and check_device("sync", sync).type == "cuda"
    names = list(steps)
    for name in names:
        for _ in range(warmup):
            steps[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    deadline = time.perf_counter() + max_seconds
    for k in range(rounds):
        if k and time.perf_counter() > deadline:
            break
        for name in names[k % len(names) :] + names[: k % len(names)]:
            t0 = time.perf_counter()
            steps[name]()
            if cuda:
                torch.cuda.synchronize(sync)
            times[name].append(time.perf_counter() - t0)
    return times
