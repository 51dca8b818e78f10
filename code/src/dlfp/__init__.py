"""dlfp — the tested code of *Deep Learning from First Principles*.

Importing the package does no I/O and changes no global state; the
functions a page calls first are re-exported here::

    import dlfp
    device = dlfp.pick_device()
    print(dlfp.banner(device))
"""

import importlib.util as _util

# A broken install gets one line saying what to do, not a traceback from inside a library.
_NEEDS = ("torch", "torchvision", "numpy", "scipy", "matplotlib")  # code/pyproject.toml's dependencies
_MISSING = [name for name in _NEEDS if _util.find_spec(name) is None]
if _MISSING:
    raise ImportError(
        f"dlfp needs {', '.join(_MISSING)}, which {'is' if len(_MISSING) == 1 else 'are'} not installed in "
        f"this Python ({__import__('sys').executable}); install dlfp with its dependencies: "
        "pip install 'dlfp @ git+https://github.com/dlfp-book/dlfp@main#subdirectory=code'"
    )

from dlfp.book.env import banner, pick_device, seed_everything  # noqa: E402
from dlfp.book.profile import current_profile, pick  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "banner",
    "current_profile",
    "pick",
    "pick_device",
    "seed_everything",
]
