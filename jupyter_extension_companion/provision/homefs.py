"""Root's file operations in a user's home, on file descriptors only.

Every home belongs to a user who may be an attacker (students; teachers are users too). Root
therefore never resolves a path inside a home: the folder that holds the homes (root's) is
opened normally, every component from the home down with ``O_NOFOLLOW`` relative to its
parent's descriptor (``dir_fd``). New folders and files are made with ``mkdir(dir_fd=)`` and
``O_CREAT|O_EXCL|O_NOFOLLOW`` and handed over with ``fchown``/``fchmod`` on their own descriptor,
so a symlink the user plants anywhere is refused, never followed. Used by
:mod:`.student_notebooks` (read), :mod:`.handout` (write to students, collect to the teacher).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import ClassroomError, NotFound

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO the user put there must not wait for a writer.
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY
CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY
#: folders never copied (Lab's checkpoints, caches, VCS data)
SKIP_DIRS = frozenset({".ipynb_checkpoints", "__pycache__", ".git", "node_modules"})


def refused(message: str, code: str = "refused_path") -> ClassroomError:
    """The error for a path that is a symlink, a special file or someone else's."""
    return ClassroomError(message, code=code, status=403)


def check_name(name: str) -> str:
    """``name`` if it is one plain path segment (no '/', not '.', '..' or empty, no NUL): a
    name with a '/' would make ``mkdir(dir_fd=)`` or ``open(dir_fd=)`` walk a path."""
    if not name or "/" in name or "\x00" in name or name in (".", ".."):
        raise ClassroomError(f"{name!r} is not a plain file or folder name.", code="bad_name")
    return name


def open_dir(name: str, dir_fd: int | None, what: str) -> int:
    """Open a folder without following a symlink; a clear refusal for symlinks and files."""
    try:
        return os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        raise NotFound(f"{what} does not exist.") from None
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):
            raise refused(f"{what} is a symlink or not a folder; it is not followed.") from None
        raise


def open_home(home: str, uid: int, who: str) -> int:
    """A descriptor of the home folder ``home``: its parent (root's) is opened normally, the
    home itself with ``O_NOFOLLOW``; refused unless it belongs to ``uid`` (or root)."""
    home = os.path.normpath(home)
    root_fd = os.open(os.path.dirname(home), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fd = open_dir(os.path.basename(home), root_fd, f"The home of {who!r}")
    finally:
        os.close(root_fd)
    owner = os.fstat(fd).st_uid
    if owner not in (uid, 0):
        os.close(fd)
        raise refused(f"The home of {who!r} belongs to uid {owner}, not to {who!r}.")
    return fd


@contextmanager
def opened(fd: int) -> Iterator[int]:
    """Close ``fd`` at the end of the block."""
    try:
        yield fd
    finally:
        os.close(fd)


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fd`` (stops at a FIFO's empty read)."""
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        try:
            chunk = os.read(fd, min(1 << 20, limit - total))
        except BlockingIOError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def ensure_dir(dir_fd: int, name: str, uid: int, gid: int, *, mode: int = 0o755,
               what: str = "") -> tuple[int, bool]:
    """Open (or make) the folder ``name`` below ``dir_fd`` for ``uid``; returns ``(fd, made)``.

    A new folder is opened again with ``O_NOFOLLOW`` and handed over with ``fchown``/``fchmod``
    (a folder swapped for a symlink in between is refused). An existing one must be a real
    folder owned by ``uid``: a symlink (to ``/etc``, say) or someone else's folder is refused.
    """
    what = what or name
    check_name(name)
    made = False
    try:
        os.mkdir(name, mode, dir_fd=dir_fd)
        made = True
    except FileExistsError:
        pass
    fd = open_dir(name, dir_fd, what)
    try:
        st = os.fstat(fd)
        if made:
            if st.st_uid not in (0, uid):  # replaced by the user's own folder in between
                raise refused(f"{what} was replaced while it was being made: try again.")
            os.fchown(fd, uid, gid)
            os.fchmod(fd, mode)
        elif st.st_uid != uid:
            raise refused(f"{what} belongs to uid {st.st_uid}, not to its owner; not written to.")
    except BaseException:
        os.close(fd)
        raise
    return fd, made


def create_file(dir_fd: int, name: str, data: bytes, uid: int, gid: int, *,
                mode: int = 0o644, mtime_ns: int | None = None) -> None:
    """Write a NEW file ``name`` below ``dir_fd`` owned by ``uid:gid``.

    ``O_CREAT|O_EXCL|O_NOFOLLOW``: an existing file or symlink of that name raises
    :class:`FileExistsError` and is never touched.
    """
    fd = os.open(check_name(name), CREATE_FLAGS, 0o600, dir_fd=dir_fd)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
        if mtime_ns is not None:
            os.utime(fd, ns=(mtime_ns, mtime_ns))
    except BaseException:
        os.close(fd)
        fd = -1
        try:
            os.unlink(name, dir_fd=dir_fd)
        except OSError:
            pass
        raise
    finally:
        if fd >= 0:
            os.close(fd)


def replace_file(dir_fd: int, name: str, data: bytes, uid: int, gid: int, *,
                 mode: int = 0o644, mtime_ns: int | None = None) -> None:
    """Write ``name`` below ``dir_fd`` through a new temporary file and ``rename`` (atomic; a
    symlink of that name is replaced, never followed)."""
    tmp = f".{check_name(name)}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    create_file(dir_fd, tmp, data, uid, gid, mode=mode, mtime_ns=mtime_ns)
    try:
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except OSError:
            pass
        raise


@dataclass(frozen=True)
class FoundFile:
    """One regular file read from a home."""

    #: relative to the folder that was walked, '/'-separated
    path: str
    data: bytes
    mtime_ns: int
    mode: int


def read_owned(dir_fd: int, name: str, uid: int, max_bytes: int, what: str) -> FoundFile:
    """Read the regular file ``name`` below ``dir_fd``; refused (nothing read) for a symlink, a
    special file, a file not owned by ``uid`` (a hard link to someone else's) or one larger
    than ``max_bytes``."""
    try:
        fd = os.open(name, READ_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        raise NotFound(f"{what} does not exist.") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise refused(f"{what} is a symlink; it is not followed.") from None
        raise
    with opened(fd):
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise refused(f"{what} is not a regular file.")
        if st.st_uid != uid:
            raise refused(f"{what} is not owned by its user; it is not read.")
        if st.st_size > max_bytes:
            raise ClassroomError(f"{what} is larger than {max_bytes // (1024 * 1024)} MB.",
                                 code="too_large", status=413)
        data = read_at_most(fd, max_bytes + 1)
    if len(data) > max_bytes:
        raise ClassroomError(f"{what} grew beyond the size limit while it was read.",
                             code="too_large", status=413)
    return FoundFile(path=name, data=data, mtime_ns=st.st_mtime_ns, mode=st.st_mode & 0o777)


@dataclass
class WalkLimits:
    """How much one walk may read; a walk that needs more stops with a clear error."""

    max_files: int = 200
    max_bytes: int = 50 * 1024 * 1024
    max_depth: int = 4
    max_scanned: int = 20_000


@dataclass
class Walk:
    """What :func:`walk_files` found."""

    files: list[FoundFile]
    #: symlinks, special files and files owned by someone else that were left out
    skipped: list[str]


def walk_files(dir_fd: int, uid: int, limits: WalkLimits, what: str) -> Walk:
    """Every regular file owned by ``uid`` below ``dir_fd`` (hidden names, Lab checkpoints and
    caches left out), read into memory; symlinks and foreign files are skipped, never followed.

    Raises :class:`ClassroomError` (``too_large``) when the folder holds more than the limits.
    """
    out = Walk(files=[], skipped=[])
    state = {"scanned": 0, "bytes": 0}
    _walk(dir_fd, [], uid, limits, out, state, what)
    out.files.sort(key=lambda f: f.path)
    return out


def _walk(dir_fd: int, prefix: list[str], uid: int, limits: WalkLimits, out: Walk,
          state: dict[str, int], what: str) -> None:
    subdirs: list[str] = []
    with os.scandir(dir_fd) as entries:
        names = sorted(e.name for e in entries)
    for name in names:
        state["scanned"] += 1
        if state["scanned"] > limits.max_scanned:
            raise ClassroomError(f"{what} holds more than {limits.max_scanned} entries.",
                                 code="too_large", status=413)
        rel = "/".join([*prefix, name])
        if name.startswith(".") or name in SKIP_DIRS:
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            out.skipped.append(rel.encode("utf-8", "replace").decode())
            continue
        try:
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            continue  # gone since the scan
        if stat.S_ISDIR(st.st_mode):
            subdirs.append(name)
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
            out.skipped.append(rel)
            continue
        if len(out.files) >= limits.max_files:
            raise ClassroomError(
                f"{what} holds more than {limits.max_files} files: hand out or collect a "
                "smaller folder.", code="too_large", status=413)
        try:
            found = read_owned(dir_fd, name, uid, limits.max_bytes, f"{what}/{rel}")
        except ClassroomError as e:
            if e.code == "too_large":
                raise
            out.skipped.append(rel)  # swapped for a symlink or someone else's since the scan
            continue
        except FileNotFoundError:
            continue
        state["bytes"] += len(found.data)
        if state["bytes"] > limits.max_bytes:
            raise ClassroomError(
                f"{what} holds more than {limits.max_bytes // (1024 * 1024)} MB: hand out or "
                "collect a smaller folder.", code="too_large", status=413)
        out.files.append(FoundFile(path=rel, data=found.data, mtime_ns=found.mtime_ns,
                                   mode=found.mode))
    for sub in subdirs:
        if len(prefix) + 1 > limits.max_depth:
            out.skipped.append("/".join([*prefix, sub]) + "/")
            continue
        try:
            sub_fd = os.open(sub, DIR_FLAGS, dir_fd=dir_fd)
        except OSError:
            out.skipped.append("/".join([*prefix, sub]) + "/")
            continue
        with opened(sub_fd):
            if os.fstat(sub_fd).st_uid != uid:
                out.skipped.append("/".join([*prefix, sub]) + "/")
                continue
            _walk(sub_fd, [*prefix, sub], uid, limits, out, state, what)
