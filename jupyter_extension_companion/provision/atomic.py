"""Atomic file writes: a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _unchanged(path: Path, data: bytes, mode: int) -> bool:
    """True if ``path`` is a regular file holding ``data`` (its mode is then set to ``mode``).

    Works on a descriptor opened with ``O_NOFOLLOW``: a symlink at ``path`` (root may write
    into a folder someone else controls, e.g. a credentials sheet into the current folder) is
    never followed, it is replaced.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, OSError):
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != len(data):
            return False
        with os.fdopen(os.dup(fd), "rb") as f:
            if f.read() != data:
                return False
        if (st.st_mode & 0o7777) != mode:
            os.fchmod(fd, mode)
        return True
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Write ``data`` to ``path`` atomically. Returns False (and writes nothing) if unchanged.

    Never follows a symlink: the mode is set on the temporary file's descriptor, and the
    rename replaces whatever is at ``path`` (a link itself, not its target).
    """
    path = Path(path)
    if _unchanged(path, data, mode):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_text_atomic(path: Path, text: str, mode: int = 0o644) -> bool:
    """Write ``text`` (UTF-8) to ``path`` atomically. Returns False if the file was unchanged."""
    return write_bytes_atomic(path, text.encode("utf-8"), mode)
