"""Executed notebooks for download, Colab and Binder.

sphinx-book-theme offers ``_build/html/_sources/<page>.ipynb`` as the
".ipynb" download, copied from ``_build/jupyter_execute``. With the execution
cache, myst-nb writes that notebook *before* merging the cached outputs into
it (myst_nb/sphinx_.py writes ``notebook``, not ``nb_client.notebook``), so
the copy has no outputs. This extension:

1. rewrites every downloadable notebook from the execution cache, so it
   carries the outputs the page shows, and puts one first cell in it that
   installs ``dlfp`` from the repository's ``code/`` subdirectory when it is
   missing (Colab, Binder, a laptop) and does nothing where it is installed;
2. Colab cannot open MyST markdown, so the Colab and Binder buttons point at
   the same notebook as published on the repository's ``notebooks`` branch by
   ``.github/workflows/pages.yml`` (its ``notebooks`` job), for page ``P``::

       https://colab.research.google.com/github/<org>/<repo>/blob/notebooks/P.ipynb
       https://mybinder.org/v2/gh/<org>/<repo>/notebooks?urlpath=tree/P.ipynb
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import nbformat
from nbformat.v4 import new_code_cell

INSTALL_TAG = "dlfp-install"


def install_source(repository_url: str, branch: str) -> str:
    """The first cell of every downloadable notebook."""
    requirement = f"dlfp @ git+{repository_url}@{branch}#subdirectory=code"
    return (
        "# Run this notebook anywhere: it needs only the book's package, dlfp, and a Jupyter kernel.\n"
        "# This installs dlfp (with torch, torchvision, numpy, scipy, matplotlib) where it is missing:\n"
        f'#     pip install "{requirement}"\n'
        "# Pages on MNIST download it (offline: set DLFP_DATA to a folder holding mnist/MNIST/raw/).\n"
        "import importlib.util, subprocess, sys\n"
        "\n"
        'if importlib.util.find_spec("dlfp") is None:\n'
        f'    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "{requirement}"])'
    )


def launch_urls(repository_url: str, branch: str, pagename: str) -> dict[str, str]:
    """Colab and Binder URLs of a page's published notebook."""
    org, repo = urlparse(repository_url).path.strip("/").split("/")[:2]
    return {
        "Colab": f"https://colab.research.google.com/github/{org}/{repo}/blob/{branch}/{pagename}.ipynb",
        "Binder": f"https://mybinder.org/v2/gh/{org}/{repo}/{branch}?urlpath=tree/{pagename}.ipynb",
    }


def _repository(app) -> str:
    url = app.config.html_theme_options.get("repository_url", "")
    if urlparse(url).netloc != "github.com":
        raise ValueError(f"repository.url in _config.yml must be a GitHub URL, got {url!r}")
    return url.rstrip("/")


def point_launch_buttons_at_notebooks(app, pagename, templatename, context, doctree):
    """Rewrite the theme's Colab/Binder links (priority 502: after the theme made them)."""
    urls = launch_urls(_repository(app), app.config.dlfp_notebook_branch, pagename)
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") in urls:
                button["url"] = urls[button["text"]]


def write_executed_notebooks(app, exception):
    """Write each page's executed notebook, with the install cell, to ``_sources/``."""
    if exception is not None or app.builder.format != "html":
        return
    from exec_cache import ExecutionCache, read_notebook
    from sphinx.util import logging

    cache = ExecutionCache(Path(app.srcdir), Path(app.config.nb_execution_cache_path))
    source = install_source(_repository(app), app.config.html_theme_options.get("repository_branch", "main"))
    for target in Path(app.outdir, "_sources").rglob("*.ipynb"):
        page = Path(app.srcdir, target.relative_to(Path(app.outdir, "_sources"))).with_suffix(".md")
        nb = read_notebook(page)
        if any(cell.cell_type == "code" for cell in nb.cells):
            valid, why = cache.status(page.relative_to(app.srcdir).as_posix(), nb)
            if not valid:  # e.g. the page failed in this build: never offer outputs its inputs did not make
                logging.getLogger(__name__).warning(f"{page}: no valid execution to offer for download ({why})")
                continue
            nb = cache.merged(nb)
        nb.cells.insert(0, new_code_cell(source, metadata={"tags": [INSTALL_TAG]}))
        nbformat.write(nb, target)


def setup(app):
    app.add_config_value("dlfp_notebook_branch", "notebooks", "html")
    app.connect("html-page-context", point_launch_buttons_at_notebooks, priority=502)
    app.connect("build-finished", write_executed_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
