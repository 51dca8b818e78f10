"""A file that appears whole or not at all: the one atomic writer of dlfp.

:func:`atomic_write` writes to a new temporary file in the target's directory,
flushes and ``fsync``-s it, lets the caller verify it, renames it over the
target with :func:`os.replace` (atomic on POSIX and Windows) and ``fsync``-s
the directory so that the rename itself survives a power cut. A process killed
at any moment leaves either the old file or the new one, never half of one; the
temporary files such a kill leaves behind are recognised by name (this host,
a process that no longer runs) and removed by the next write of the same path.

Taught in: :ref:`ch-ptf-checkpoints`
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import secrets
import socket
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO

from dlfp._checks import check_callable, check_path


def atomic_write(
    path: str | os.PathLike,
    write: Callable[[IO], object],
    *,
    text: bool = False,
    verify: Callable[[str], object] | None = None,
) -> Path:
    """Call ``write(f)`` on a temporary file beside ``path``, then rename it over ``path``.

    Args:
        path: the file to create or replace (a replaced file keeps its permissions).
        write: writes the contents to the open file it is given.
        text: open the file as UTF-8 text instead of bytes.
        verify: called with the finished temporary file's name; if it raises,
            the temporary is removed and ``path`` is left as it was.

    Taught in: :ref:`ch-ptf-checkpoints` (``torch.save`` alone writes in place)
    """
    path = check_path("path", path)
    check_callable("write", write)
    if verify is not None:
        check_callable("verify", verify)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "w" if text else "wb", **({"encoding": "utf-8"} if text else {})) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if verify is not None:
            verify(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)
    return path


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.dlfp-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]{16}\.tmp")


def _host_tag() -> str:
    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``: the umask's mode, or that of the file it will replace."""
    while True:
        tmp = str(path.parent / f".{path.name}.dlfp-{_host_tag()}-{os.getpid()}-{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:  # pragma: no cover - 64 random bits collided
            continue
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return fd, tmp
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    return fd, tmp


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files of ``path`` left by a killed save: ours by name, on this host, pid gone."""
    if os.name != "posix":
        return
    host = _host_tag()
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.dlfp-*.tmp"):
        match = _TEMPORARY.fullmatch(candidate.name)
        if not match or match["name"] != path.name or match["host"] != host:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _process_alive(pid):
            continue  # a save in progress (this process's other threads, or another process)
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
