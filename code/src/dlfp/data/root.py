"""Where datasets are read from and written to.

Roots are searched in this order (:func:`data_roots`):

1. ``$DLFP_DATA``, if set — then it is the only root;
2. the user cache, ``$XDG_CACHE_HOME/dlfp`` (``~/.cache/dlfp``), where
   torchvision writes its downloads (:func:`data_root`);
3. the repository's ``data/`` folder, which ships the MNIST test split, when
   ``dlfp`` is imported from a checkout of the book's repository.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "DLFP_DATA"
# code/src/dlfp/data/root.py -> the repository root, when dlfp runs from a checkout
_REPOSITORY = Path(__file__).resolve().parents[4]


def data_root() -> Path:
    """The root downloads are written to: ``$DLFP_DATA`` if set, else the user cache.

    A blank ``$DLFP_DATA`` counts as unset; the user cache is
    ``$XDG_CACHE_HOME/dlfp`` (``~/.cache/dlfp`` by default). The directory is
    not created here: reading needs no directory, and a download creates what
    it writes.

    Raises:
        NotADirectoryError: if ``$DLFP_DATA`` names something that exists but
            is not a directory (a file, say).
    """
    configured = os.environ.get(ENV_VAR, "").strip()  # blank means unset
    if configured:
        path = Path(configured).expanduser()
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(f"{ENV_VAR} must name a directory, got {configured!r} (not a directory)")
        return path
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "dlfp"


def _shipped_root() -> Path | None:
    """The repository's ``data/`` folder (the MNIST test split), or ``None`` when
    ``dlfp`` is not imported from a checkout (a wheel install, Colab)."""
    shipped = _REPOSITORY / "data"
    is_checkout = (_REPOSITORY / "code" / "pyproject.toml").is_file()
    return shipped if is_checkout and shipped.is_dir() else None


def data_roots() -> list[Path]:
    """Every root a dataset is looked for in, in order.

    That is ``[$DLFP_DATA]`` if it is set, else the user cache followed by the
    repository's shipped copy (when dlfp runs from a checkout).
    """
    first = data_root()
    if os.environ.get(ENV_VAR, "").strip():
        return [first]
    shipped = _shipped_root()
    return [first] if shipped is None else [first, shipped]
