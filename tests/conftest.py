"""Shared test configuration: the repository root, the book's extension path, the book options."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    group = parser.getgroup("dlfp book")
    group.addoption(
        "--page",
        action="append",
        default=[],
        help="execute only this page (a path such as book/physicists-guide/01-tensor.md); repeatable",
    )
    group.addoption(
        "--fresh",
        action="store_true",
        help="execute pages even when the build's execution cache already holds them",
    )
    group.addoption(
        "--shard",
        default=None,
        metavar="i/N",
        help="execute only shard i of N (balanced by tests/book/page-times.json; see book/_ext/shards.py)",
    )
    group.addoption(
        "--site",
        action="store_true",
        help="run tests/site against the built website in _build/html (make site-test, after make book)",
    )


def pytest_sessionstart(session):
    """A shard's manifest starts empty once per run (not once per pytest-xdist worker)."""
    spec = session.config.getoption("shard")
    if spec and not hasattr(session.config, "workerinput"):
        import shards

        shards.manifest_path(ROOT / "_build", *shards.parse_shard(spec)).unlink(missing_ok=True)
