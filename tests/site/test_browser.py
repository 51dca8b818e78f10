"""The built website in a real browser (headless Chromium driven by Playwright).

Every page of the table of contents is opened from a local server: no console
errors, every image loaded, maths typeset by MathJax without errors, and a
download link to the page's executed notebook. Search and dark mode are
exercised once. Downloaded notebooks are checked in test_downloads.py.
"""

from __future__ import annotations

import json

import pytest

DOWNLOAD = "a[href*='_sources/'][href$='.ipynb']"  # the theme's ".ipynb" download button
MATHJAX_DONE = "() => window.MathJax && MathJax.startup && MathJax.startup.promise.then(() => true)"


@pytest.fixture(scope="module")
def tab(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def open_page(tab, url: str) -> list[str]:
    """Load ``url``; return the console errors and uncaught exceptions it produced."""
    errors: list[str] = []
    on_console = lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None  # noqa: E731
    on_error = lambda exc: errors.append(f"uncaught: {exc}")  # noqa: E731
    tab.on("console", on_console)
    tab.on("pageerror", on_error)
    try:
        response = tab.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    finally:
        tab.remove_listener("console", on_console)
        tab.remove_listener("pageerror", on_error)
    return errors


def test_every_page_renders_cleanly(tab, base_url, pages):
    problems = {}
    for path, has_notebook in pages:
        errors = open_page(tab, f"{base_url}/{path}")
        broken = tab.evaluate(
            "() => Array.from(document.images)"
            ".filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src)"
        )
        errors += [f"image not loaded: {src}" for src in broken]
        if tab.locator(".math").count():
            tab.wait_for_function(MATHJAX_DONE, timeout=30_000)
            if tab.locator("mjx-container").count() == 0:
                errors.append("maths present but not typeset by MathJax")
            errors += [f"MathJax error: {e}" for e in tab.locator("mjx-merror").all_inner_texts()]
        if has_notebook and tab.locator(DOWNLOAD).count() == 0:
            errors.append("no .ipynb download link")
        if errors:
            problems[path] = errors
    assert not problems, json.dumps(problems, indent=1)


def test_maths_is_typeset(tab, base_url):
    assert not open_page(tab, f"{base_url}/book/physicists-guide/04-convolutions.html")
    tab.wait_for_function(MATHJAX_DONE, timeout=30_000)
    assert tab.locator("mjx-container").count() >= 5


def test_download_link_returns_the_executed_notebook(tab, base_url):
    open_page(tab, f"{base_url}/book/physicists-guide/01-tensor.html")
    href = tab.locator(DOWNLOAD).first.get_attribute("href")
    response = tab.request.get(tab.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok, f"{href}: HTTP {response.status}"
    nb = json.loads(response.body())
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "dlfp-install" in code[0]["metadata"].get("tags", [])
    assert any(c.get("outputs") for c in code[1:]), "the downloaded notebook has no outputs"


def test_search_finds_a_known_term(tab, base_url):
    assert not open_page(tab, f"{base_url}/search.html?q=broadcasting")
    results = tab.locator("#search-results li")
    results.first.wait_for(timeout=30_000)
    assert results.count() > 0
    assert any("broadcast" in text.lower() for text in results.all_inner_texts())


def test_dark_mode_toggles(tab, base_url):
    open_page(tab, f"{base_url}/book/intro.html")
    before = tab.evaluate("() => document.documentElement.dataset.theme")
    seen = {before}
    for _ in range(3):  # the switch cycles light -> dark -> auto
        tab.locator(".theme-switch-button").first.click()
        seen.add(tab.evaluate("() => document.documentElement.dataset.theme"))
    assert {"light", "dark"} <= seen
    tab.evaluate("() => localStorage.setItem('mode', 'dark')")  # what the switch stores
    tab.reload()
    assert tab.evaluate("() => document.documentElement.dataset.theme") == "dark"
    background = tab.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background
