"""The single data root every dataset in the book is read from and written to."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "DLFP_DATA"


def data_root() -> Path:
    """The data directory: ``$DLFP_DATA`` if set, else ``$XDG_CACHE_HOME/dlfp``
    (``~/.cache/dlfp`` by default). It is not created here: reading needs no
    directory, and a download creates what it writes.

    Raises:
        NotADirectoryError: if ``$DLFP_DATA`` names something that exists but
            is not a directory (a file, say).
    """
    configured = os.environ.get(ENV_VAR)
    if configured:
        path = Path(configured).expanduser()
        if path.exists() and not path.is_dir():
            raise NotADirectoryError(f"{ENV_VAR} must name a directory, got {configured!r} (not a directory)")
        return path
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "dlfp"
