"""``glue``: hand a value computed in a cell to the page's prose.

A page writes ``glue("m6_lstm_diff", worst, display=False)`` and its text
says ``{glue:text}`m6_lstm_diff:.1e```; the number in the prose is the one the
cell computed. Inside the book's build the value is stored exactly as
``myst_nb.glue`` stores it (a display output whose MIME keys carry the
``application/papermill.record/`` prefix and whose metadata names it), so
the build needs nothing else. Anywhere else — a downloaded notebook, Colab,
a plain ``python`` process — there is no prose to paste into, so what the
prose would have shown is shown where it was made: a figure is displayed, a
value glued with ``display=True`` is displayed, and a number glued with
``display=False`` (its sentence is in the page, not in the notebook) is
dropped. A learner therefore needs ``dlfp`` and nothing from the book's tool
chain.

The build and the page tests set :data:`BUILD_ENV_VAR` for their kernels
(``book/_ext/exec_cache.py``, ``tests/book/test_pages.py``).
"""

from __future__ import annotations

import os
from typing import Any

BUILD_ENV_VAR = "DLFP_BOOK_BUILD"
GLUE_PREFIX = "application/papermill.record/"  # myst_nb.ext.glue.GLUE_PREFIX


def _in_book_build() -> bool:
    """True inside the book's build (or its page tests), where glued values are pasted."""
    return os.environ.get(BUILD_ENV_VAR) == "1"


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Record ``variable`` under ``name`` for the page's ``{glue}`` roles.

    Args:
        name: the key the prose refers to; unique within a page.
        variable: any object; what is stored is its display form (text, HTML,
            an image for a matplotlib figure), as Jupyter would show it.
        display: also show the value where the cell runs.

    Twin: ``myst_nb.glue`` (same output format, so the build reads it unchanged).
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    try:
        from IPython import get_ipython
        from IPython.core.formatters import format_display_data
        from IPython.display import display as ipython_display
    except ImportError:  # plain Python without IPython: nothing can be displayed or pasted
        get_ipython = None
    shell = get_ipython() if get_ipython is not None else None
    is_figure = hasattr(variable, "savefig")  # a matplotlib Figure, the one non-text value pages glue
    if shell is None:  # a plain Python process: no output area, no prose
        if display and not is_figure:
            print(variable)
        return
    if not _in_book_build():
        if display or is_figure:
            ipython_display(variable)
        return
    if type(variable).__module__ == "numpy" and hasattr(variable, "item") and getattr(variable, "ndim", 1) == 0:
        variable = variable.item()  # np.float64(0.5) -> 0.5: NumPy 2's repr would reach the prose's format spec
    mimebundle, metadata = format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipython_display({prefix + key: value for key, value in mimebundle.items()}, raw=True, metadata=metadata)
