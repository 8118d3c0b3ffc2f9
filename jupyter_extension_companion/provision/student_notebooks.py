"""A teacher's read-only look at a student's notebooks (list ``~/notebooks``, read one).

This runs as root on paths the student controls, so it never follows a path in the home: the
folder that holds the homes (root's) is opened normally, every component from the home down is
opened with ``O_NOFOLLOW`` relative to its parent's descriptor (``dir_fd``). A symlink anywhere
below the home, a FIFO, a device or a file the student does not own is refused before a byte is
read. The student can read everything this returns themselves, so root reading it on the
teacher's behalf gives nobody anything they did not have.

The notebook comes back parsed, with every cell marked untrusted (``metadata.trusted = false``):
whatever a student wrote into the file, the viewer must render it as untrusted.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

from ..paths import ClassroomPaths
from .errors import ClassroomError, NotFound
from .homefs import DIR_FLAGS, READ_FLAGS, SKIP_DIRS, read_at_most
from .homefs import open_dir as _open_dir
from .homefs import refused as _refused

#: Folders below ``~/notebooks`` that are looked into (``~/notebooks/a/b/c/x.ipynb`` is depth 3).
MAX_DEPTH = 4
#: Notebooks listed at most (the listing says when it stopped early).
MAX_NOTEBOOKS = 500
#: Directory entries looked at in one listing, whatever they are (a student's million files
#: must not keep a root thread busy).
MAX_SCANNED = 20_000
#: The largest notebook that is read (bytes).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024

_DIR_FLAGS = DIR_FLAGS
_FILE_FLAGS = READ_FLAGS
_SKIP_DIRS = SKIP_DIRS


class _Account(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def uid(self) -> int: ...

    @property
    def home(self) -> str: ...

    @property
    def is_system(self) -> bool: ...


class _Accounts(Protocol):
    def get(self, name: str) -> Any: ...

    def is_student_home(self, account: Any) -> bool: ...


@dataclass(frozen=True)
class NotebookEntry:
    """One notebook in a student's folder."""

    #: relative to ``~/notebooks``, '/'-separated
    path: str
    name: str
    size: int
    #: ISO 8601, UTC
    modified: str


@dataclass(frozen=True)
class NotebookListing:
    """The notebooks of one student, sorted by path."""

    student: str
    notebooks: list[NotebookEntry]
    #: True when a limit (count, depth or entries looked at) cut the listing short
    truncated: bool
    #: symlinks, special files and files owned by someone else that were left out
    skipped: int

    def to_json(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "notebooks": [asdict(n) for n in self.notebooks],
            "truncated": self.truncated,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class NotebookCopy:
    """One notebook as read from the student's folder (every cell untrusted)."""

    student: str
    path: str
    size: int
    modified: str
    notebook: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _iso(mtime: float) -> str:
    return datetime.fromtimestamp(mtime, timezone.utc).isoformat(timespec="seconds")


def check_notebook_path(path: object, max_depth: int = MAX_DEPTH) -> list[str]:
    """The segments of a notebook path relative to ``~/notebooks``; ClassroomError if it is not
    a plain relative ``.ipynb`` path (no '..', '.', empty segments, NUL, leading '/')."""
    if not isinstance(path, str) or not path:
        raise ClassroomError("Give the notebook's path relative to ~/notebooks (?path=...).",
                             code="missing_field")
    if "\x00" in path or path.startswith("/") or "\\" in path:
        raise ClassroomError(f"{path!r} is not a path relative to ~/notebooks.", code="bad_path")
    segments = path.split("/")
    if any(seg in ("", ".", "..") for seg in segments):
        raise ClassroomError(
            f"{path!r} is not a plain path below ~/notebooks ('..', '.' and '//' are refused).",
            code="bad_path")
    if len(segments) > max_depth + 1:
        raise ClassroomError(f"{path!r} lies deeper than {max_depth} folders below ~/notebooks.",
                             code="bad_path")
    if not segments[-1].endswith(".ipynb"):
        raise ClassroomError(f"{path!r} is not a notebook (.ipynb).", code="bad_path")
    return segments


def _untrusted(notebook: dict[str, Any]) -> dict[str, Any]:
    """Mark every cell untrusted, whatever the file said."""
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise ClassroomError("The file is not a notebook (no list of cells).", code="bad_notebook",
                             status=422)
    for cell in cells:
        if not isinstance(cell, dict):
            raise ClassroomError("The file is not a notebook (a cell is not an object).",
                                 code="bad_notebook", status=422)
        metadata = cell.get("metadata")
        if not isinstance(metadata, dict):
            metadata = cell["metadata"] = {}
        metadata["trusted"] = False
    return notebook


class StudentNotebooks:
    """List and read a student's ``~/notebooks`` as root, never following a path in the home.

    ``accounts`` is a :class:`~.system_accounts.SystemAccounts` (or a test double with ``get``
    and ``is_student_home``); ``audit`` an :class:`~.audit.AuditLog` or None.
    """

    def __init__(
        self,
        paths: ClassroomPaths,
        accounts: _Accounts | None = None,
        *,
        audit: Any = None,
        max_depth: int = MAX_DEPTH,
        max_notebooks: int = MAX_NOTEBOOKS,
        max_scanned: int = MAX_SCANNED,
        max_bytes: int = MAX_NOTEBOOK_BYTES,
    ):
        if accounts is None:
            from .system_accounts import SystemAccounts

            accounts = SystemAccounts(paths)
        self.paths = paths
        self.accounts: _Accounts = accounts
        self.audit = audit
        self.max_depth = max_depth
        self.max_notebooks = max_notebooks
        self.max_scanned = max_scanned
        self.max_bytes = max_bytes

    # ---- the student and their folder -----------------------------------------------------

    def _student(self, name: str) -> _Account:
        account: _Account | None = self.accounts.get(name) if isinstance(name, str) else None
        if account is None:
            raise NotFound(f"There is no account {name!r}.")
        if account.is_system or not self.accounts.is_student_home(account):
            raise ClassroomError(
                f"{name!r} is not a student account (system account, or a home outside "
                f"{self.paths.home_root}); its files are not shown.",
                code="not_a_student", status=403)
        return account

    @contextmanager
    def _notebooks_fd(self, account: _Account) -> Iterator[int]:
        """A descriptor of ``~/notebooks``: the home root is root's and opened normally; the home
        and ``notebooks`` are opened with O_NOFOLLOW."""
        home = os.path.normpath(account.home)
        root_fd = os.open(os.path.dirname(home), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            home_fd = _open_dir(os.path.basename(home), root_fd, f"The home of {account.name!r}")
        finally:
            os.close(root_fd)
        try:
            nb_fd = _open_dir(self.paths.notebooks_folder, home_fd,
                              f"~{account.name}/{self.paths.notebooks_folder}")
        finally:
            os.close(home_fd)
        try:
            yield nb_fd
        finally:
            os.close(nb_fd)

    # ---- listing ---------------------------------------------------------------------------

    def list_notebooks(self, name: str, *, actor: str = "") -> NotebookListing:
        """The ``.ipynb`` files below ``~NAME/notebooks`` (names, sizes, times), sorted by path.

        At most ``max_notebooks`` notebooks, ``max_depth`` folders deep and ``max_scanned``
        directory entries; ``truncated`` says when a limit was hit. Symlinks (to files or
        folders), special files and files not owned by the student are left out (``skipped``).
        A missing ``~/notebooks`` lists as empty. One audit line (``notebooks.list``).
        """
        try:
            listing = self._list(name)
        except ClassroomError as e:
            self._audit(actor, "notebooks.list", name, "refused" if e.status < 500 else "failed",
                        code=e.code, reason=e.message)
            raise
        self._audit(actor, "notebooks.list", name, "ok", count=len(listing.notebooks),
                    skipped=listing.skipped)
        return listing

    def _list(self, name: str) -> NotebookListing:
        account = self._student(name)
        found: list[NotebookEntry] = []
        state = {"scanned": 0, "skipped": 0, "truncated": False}
        try:
            with self._notebooks_fd(account) as nb_fd:
                self._walk(nb_fd, [], account.uid, found, state)
        except NotFound:
            if not self._home_exists(account):
                raise
        found.sort(key=lambda n: n.path)
        return NotebookListing(student=account.name, notebooks=found,
                               truncated=bool(state["truncated"]), skipped=int(state["skipped"]))

    def _home_exists(self, account: _Account) -> bool:
        try:
            return stat.S_ISDIR(os.lstat(account.home).st_mode)
        except OSError:
            return False

    def _walk(self, dir_fd: int, prefix: list[str], uid: int, found: list[NotebookEntry],
              state: dict[str, Any]) -> None:
        subdirs: list[str] = []
        with os.scandir(dir_fd) as entries:
            for entry in entries:
                if state["truncated"]:
                    return
                state["scanned"] += 1
                if state["scanned"] > self.max_scanned:
                    state["truncated"] = True
                    return
                name = entry.name
                try:
                    name.encode("utf-8")
                except UnicodeEncodeError:
                    state["skipped"] += 1  # not a UTF-8 name: cannot be shown or asked for
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue  # gone since the scan
                if stat.S_ISLNK(st.st_mode):
                    if name.endswith(".ipynb") or not name.startswith("."):
                        state["skipped"] += 1
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if not name.startswith(".") and name not in _SKIP_DIRS:
                        subdirs.append(name)
                    continue
                if not name.endswith(".ipynb") or name.startswith("."):
                    continue
                if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
                    state["skipped"] += 1
                    continue
                if len(found) >= self.max_notebooks:
                    state["truncated"] = True
                    return
                found.append(NotebookEntry(path="/".join([*prefix, name]), name=name,
                                           size=st.st_size, modified=_iso(st.st_mtime)))
        for sub in sorted(subdirs):
            if len(prefix) >= self.max_depth:
                state["truncated"] = True
                return
            try:
                sub_fd = os.open(sub, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError:
                state["skipped"] += 1  # swapped for a symlink since the scan, or gone
                continue
            try:
                self._walk(sub_fd, [*prefix, sub], uid, found, state)
            finally:
                os.close(sub_fd)
            if state["truncated"]:
                return

    # ---- reading ---------------------------------------------------------------------------

    def read_notebook(self, name: str, path: str, *, actor: str = "") -> NotebookCopy:
        """One notebook of ``~NAME/notebooks``, parsed, every cell untrusted.

        Refused (nothing read) when any component is a symlink, the file is not a regular file
        or not owned by the student, is larger than ``max_bytes``, or the path has '..'. Each
        call writes one audit line (``notebook.view``) with its outcome.
        """
        target = f"{name}:{path}"
        try:
            copy = self._read(name, path)
        except ClassroomError as e:
            self._audit(actor, "notebook.view", target, "refused" if e.status < 500 else "failed",
                        code=e.code, reason=e.message)
            raise
        except OSError as e:
            self._audit(actor, "notebook.view", target, "failed", code="os_error", reason=str(e))
            raise ClassroomError(f"Could not read {path!r} of {name!r}: {e.strerror or e}.",
                                 code="read_failed", status=500) from None
        self._audit(actor, "notebook.view", target, "ok", size=copy.size)
        return copy

    def _audit(self, actor: str, action: str, target: str, outcome: str, **details: Any) -> None:
        if self.audit is not None:
            try:
                self.audit.record(actor or "?", action, target, outcome, **details)
            except OSError:
                pass  # the service logs its own failures; a view must not fail on the log

    def _read(self, name: str, path: str) -> NotebookCopy:
        segments = check_notebook_path(path, self.max_depth)
        account = self._student(name)
        with self._notebooks_fd(account) as nb_fd:
            dir_fd = nb_fd
            opened: list[int] = []
            try:
                for i, seg in enumerate(segments[:-1]):
                    dir_fd = _open_dir(seg, dir_fd, f"The folder {'/'.join(segments[:i + 1])!r}")
                    opened.append(dir_fd)
                return self._read_file(account, dir_fd, segments, path)
            finally:
                for fd in opened:
                    os.close(fd)

    def _read_file(self, account: _Account, dir_fd: int, segments: list[str],
                   path: str) -> NotebookCopy:
        try:
            fd = os.open(segments[-1], _FILE_FLAGS, dir_fd=dir_fd)
        except FileNotFoundError:
            raise NotFound(f"{account.name!r} has no notebook {path!r}.") from None
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise _refused(f"{path!r} is a symlink; it is not followed.") from None
            raise
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _refused(f"{path!r} is not a regular file.")
            if st.st_uid != account.uid:
                # e.g. a hard link to someone else's file: root reads only what the student owns
                raise _refused(f"{path!r} is not owned by {account.name!r}.")
            if st.st_size > self.max_bytes:
                raise ClassroomError(
                    f"{path!r} is {st.st_size // (1024 * 1024)} MB; notebooks larger than "
                    f"{self.max_bytes // (1024 * 1024)} MB are not shown (clear its outputs).",
                    code="too_large", status=413)
            data = _read_at_most(fd, self.max_bytes + 1)
        finally:
            os.close(fd)
        if len(data) > self.max_bytes:
            raise ClassroomError(f"{path!r} grew beyond the size limit while it was read.",
                                 code="too_large", status=413)
        try:
            notebook = json.loads(data)
        except (ValueError, RecursionError) as e:
            raise ClassroomError(f"{path!r} is not valid notebook JSON ({e}).",
                                 code="bad_notebook", status=422) from None
        if not isinstance(notebook, dict):
            raise ClassroomError(f"{path!r} is not a notebook (not a JSON object).",
                                 code="bad_notebook", status=422)
        return NotebookCopy(student=account.name, path=path, size=len(data),
                            modified=_iso(st.st_mtime), notebook=_untrusted(notebook))


_read_at_most = read_at_most
