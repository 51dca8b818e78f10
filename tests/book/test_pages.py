"""Execute every page of the book and fail on any error.

Pages are read with myst-nb's own reader and executed with nbclient in the
page's directory, exactly as the build does, and the executed notebook is
stored in the build's execution cache (book/_ext/exec_cache.py). A page that
the cache already holds — executed successfully with the same code, package,
requirements, profile and device — is not executed a second time unless
``--fresh`` is given; jupyter-cache only ever stores successful executions.
A cell tagged ``raises-exception`` may raise; any other error fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exec_cache import cache_dir
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

from tests.book.pages import ROOT, has_code, read_notebook, toc_pages

TIMEOUT_S = 600  # per cell, as in _config.yml


def pytest_generate_tests(metafunc):
    if "page" not in metafunc.fixturenames:
        return
    chosen = [Path(p).resolve() for p in metafunc.config.getoption("page")]
    pages = toc_pages()
    if chosen:
        unknown = [p for p in chosen if p not in pages]
        if unknown:
            raise pytest.UsageError(f"not in _toc.yml: {', '.join(map(str, unknown))}")
        pages = chosen
    pages = [p for p in pages if has_code(read_notebook(p))]  # prose pages need no kernel
    metafunc.parametrize("page", pages, ids=[str(p.relative_to(ROOT)) for p in pages])


@pytest.fixture(scope="session")
def execution_cache():
    path = cache_dir(ROOT, ROOT / "_build")
    path.mkdir(parents=True, exist_ok=True)
    return get_cache(path)


def test_page_executes(page, execution_cache, request):
    nb = read_notebook(page)
    if not request.config.getoption("fresh"):
        try:
            execution_cache.match_cache_notebook(nb)
            return  # executed successfully with identical inputs already
        except KeyError:
            pass
    result = single_nb_execution(
        nb, cwd=str(page.parent), timeout=TIMEOUT_S, allow_errors=False
    )
    if result.err is not None:
        pytest.fail(f"{page.relative_to(ROOT)} failed:\n{result.exc_string}", pytrace=False)
    execution_cache.cache_notebook_bundle(
        CacheBundleIn(nb, str(page), data={"execution_seconds": result.time}),
        check_validity=False,
        overwrite=True,
    )
