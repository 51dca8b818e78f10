"""dlfp.book — what the pages need that is not the subject.

Read in this order; each file is one idea:

    env.py          pick_device, seed_everything, banner: the first cell of every page
    profile.py      pick(quick=..., full=...): the two sizes of every run   (DLFP_PROFILE)
    prose.py        glue: hand a computed value to the page's prose   = myst_nb.glue, inside the build only
    errors.py       expect_error: show an expected error, fail without it   = pytest.raises, printing the error
    timing.py       best_time and time_interleaved: the one timer   = timeit.repeat, min
    tables.py       reference tables whose every row is checked before it is shown
    signatures.py   argument_cell, api_cell: table cells read from torch's signatures   = inspect.signature
    benchmarks.py   the committed benchmark runs, compared and summarised (results/ is their package data)

Nothing here is taught; it lets every page run the same way in the book's
build, in a downloaded notebook and in a plain Python process.
"""

from dlfp.book.errors import expect_error
from dlfp.book.prose import BUILD_ENV_VAR, glue

__all__ = ["BUILD_ENV_VAR", "expect_error", "glue"]
