"""Fixtures for testing the built website: a local server and a headless browser.

These tests need the website (``make book``) and a Chromium; they run with
``--site`` (``make site-test``), which ``.ci/run`` does after the build.
Without a browser they are skipped with a message that says how to install one.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
from toc import ROOT, has_code, read_notebook, toc_pages

SITE = ROOT / "_build" / "html"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def pytest_collection_modifyitems(config, items):
    if config.getoption("site"):
        return
    skip = pytest.mark.skip(reason="website tests run with --site after the build: make site-test")
    for item in items:
        if "tests/site/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


def html_page(page: Path) -> str:
    """The URL path of a book page, relative to the site root."""
    return str(page.relative_to(ROOT).with_suffix(".html"))


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"no website in {SITE}: build it first with `make book`")
    return SITE


@pytest.fixture(scope="session")
def pages() -> list[tuple[str, bool]]:
    """Every page of the toc as (URL path, whether it has code and so a notebook)."""
    return [(html_page(p), has_code(read_notebook(p))) for p in toc_pages()]


@pytest.fixture(scope="session")
def base_url(site):
    """Serve the website on an ephemeral localhost port for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("DLFP_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    if executable is None:
        pytest.skip(
            "no Chromium found: install Debian's `chromium` package (apt-get install chromium) "
            "or set DLFP_CHROMIUM to a Chromium executable"
        )
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True)
        yield chromium
        chromium.close()
