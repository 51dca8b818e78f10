"""Key myst-nb's execution cache on the package and the profile, not only on cell code.

myst-nb (through jupyter-cache) reuses a page's stored outputs whenever the
page's code cells are unchanged. A page that calls ``dlfp`` would then show
stale outputs after ``dlfp`` changed. This extension makes the cache
directory depend on a hash of everything outside the page that decides its
outputs — the files under ``code/src`` (the committed benchmark results included), ``requirements.txt``, ``data``, the profile and
the device kind — so any change to those starts from an empty cache and every
page executes again.

``tests/book`` imports :func:`cache_dir` to execute pages into the very same
cache, so a page executed by ``pytest`` is not executed again by the build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

# Everything outside a page that decides its output: the package (with the committed
# benchmark results the appendix renders), the pinned environment and the shipped data.
DEFAULT_KEY_PATHS = ("code/src", "requirements.txt", "data")
KEEP = 3  # cache directories kept, newest first (e.g. both profiles and one spare)


def _files(root: Path, rel: str):
    path = root / rel
    if path.is_file():
        yield path
    elif path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
                yield p


def cache_key(root: Path, key_paths=DEFAULT_KEY_PATHS) -> str:
    """Hash of the key files (names and bytes), the profile and the device kind."""
    from dlfp.env import pick_device
    from dlfp.profile import current_profile

    digest = hashlib.sha256()
    for rel in key_paths:
        for path in _files(root, rel):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    digest.update(f"profile={current_profile()};device={pick_device().type}".encode())
    return digest.hexdigest()[:16]


def cache_dir(root: Path, build_dir: Path, key_paths=DEFAULT_KEY_PATHS) -> Path:
    """The jupyter-cache directory for the current package, profile and device."""
    return Path(build_dir) / ".jupyter_cache" / cache_key(Path(root), key_paths)


def _prune(parent: Path, keep: Path) -> None:
    if not parent.is_dir():
        return
    others = sorted(
        (p for p in parent.iterdir() if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEEP - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def _set_cache_path(app, config) -> None:
    root = Path(app.srcdir)
    build_dir = Path(app.outdir).parent
    path = cache_dir(root, build_dir, tuple(config.dlfp_cache_key_paths))
    path.mkdir(parents=True, exist_ok=True)
    os.utime(path)
    _prune(path.parent, path)
    config.nb_execution_cache_path = str(path)


def setup(app):
    # Kernels inherit the build's environment: dlfp.book.glue stores values for the prose only here.
    from dlfp.book import BUILD_ENV_VAR

    os.environ[BUILD_ENV_VAR] = "1"
    app.add_config_value("dlfp_cache_key_paths", list(DEFAULT_KEY_PATHS), "env")
    app.connect("config-inited", _set_cache_path)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
