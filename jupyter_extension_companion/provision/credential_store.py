"""The last credentials sheet of each teacher, kept root-only for a short time, then shredded.

Generated passwords are shown once. A double-click, Escape or a reload must not lose them, so
after a roster import or "new passwords" the sheet (only the students with a new password) is
kept for the teacher who made it, for :data:`KEEP_SECONDS` (30 minutes):

- in ``paths.state/credentials/`` (0700, root), one file per teacher (0600, named by the hex of
  the teacher's name), replaced by the teacher's next sheet;
- fetched again only by that teacher (``GET /api/v1/credentials/last``);
- shredded (overwritten with zeros, synced, unlinked) when the teacher says it is saved
  (``DELETE``), when it expires (every read, and the service's sweep each minute), or when it
  is replaced.

Overwriting before unlinking is best effort on journalling or copy-on-write file systems; the
folder is root-only either way (SECURITY.md). The passwords never reach the audit log: it
records only that a sheet of N students was kept, fetched or shredded
(``credentials.keep`` / ``credentials.fetch`` / ``credentials.discard``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .audit import AuditLog
from .errors import ClassroomError, NotFound
from .roster import Credentials

KEEP_SECONDS = 30 * 60
KINDS = ("import", "passwords")
_lock = threading.Lock()


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds")


@dataclass
class KeptSheet:
    """One teacher's last sheet: who made it, what kind, when it goes, the credentials."""

    teacher: str
    kind: str
    created: float
    expires: float
    credentials: list[Credentials]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "created": _iso(self.created),
            "expires": _iso(self.expires),
            "count": len(self.credentials),
            "credentials": [c.to_json() for c in self.credentials],
        }

    def summary(self) -> dict[str, Any]:
        """Without the passwords (for the result of the operation that kept it)."""
        return {"kind": self.kind, "expires": _iso(self.expires), "count": len(self.credentials)}


def shred(path: Path) -> bool:
    """Overwrite ``path`` with zeros, sync and unlink it; False if there was none.

    Never follows a symlink (``O_NOFOLLOW``); the folder is root's own.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        size = os.fstat(fd).st_size
        os.write(fd, b"\0" * size)
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)
    return True


class CredentialStore:
    """Keeps each teacher's last credentials sheet for ``keep_seconds`` (see the module)."""

    def __init__(self, paths: ClassroomPaths, *, keep_seconds: float = KEEP_SECONDS,
                 audit: AuditLog | None = None, clock: Callable[[], float] = time.time):
        self.folder = Path(paths.state) / "credentials"
        self.keep_seconds = keep_seconds
        self.audit = audit
        self.clock = clock

    def _file(self, teacher: str) -> Path:
        if not teacher or not isinstance(teacher, str):
            raise ClassroomError("A sheet is kept for a named teacher.", code="bad_teacher")
        return self.folder / (teacher.encode("utf-8").hex() + ".json")

    def _record(self, teacher: str, action: str, count: int, **details: Any) -> None:
        if self.audit is not None:
            self.audit.record(teacher, action, f"{count} students", "ok", **details)

    def keep(self, teacher: str, credentials: Iterable[Credentials], kind: str) -> KeptSheet | None:
        """Keep the students with a new password for ``teacher`` (replacing their last sheet);
        None (and nothing kept) if no student got a password."""
        if kind not in KINDS:
            raise ClassroomError(f"Unknown sheet kind {kind!r}.", code="bad_kind")
        creds = [c for c in credentials if c.password]
        if not creds:
            return None
        now = self.clock()
        sheet = KeptSheet(teacher, kind, now, now + self.keep_seconds, creds)
        data = {"teacher": teacher, "kind": kind, "created": now, "expires": sheet.expires,
                "credentials": [c.to_json() for c in creds]}
        with _lock:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)
            path = self._file(teacher)
            shred(path)
            write_text_atomic(path, json.dumps(data), mode=0o600)
        self._record(teacher, "credentials.keep", len(creds), kind=kind,
                     expires=_iso(sheet.expires))
        return sheet

    def _load(self, path: Path) -> KeptSheet | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return KeptSheet(
                str(data["teacher"]), str(data["kind"]), float(data["created"]),
                float(data["expires"]),
                [Credentials(str(c["name"]), c.get("password"), bool(c.get("generated")),
                             c.get("full_name"), str(c.get("message") or ""))
                 for c in data["credentials"]],
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            shred(path)  # unreadable: nobody can use it; it must not stay
            return None

    def get(self, teacher: str) -> KeptSheet:
        """``teacher``'s last sheet; NotFound if there is none or it expired (then shredded)."""
        path = self._file(teacher)
        with _lock:
            sheet = self._load(path)
            if sheet is not None and (sheet.expires <= self.clock() or sheet.teacher != teacher):
                shred(path)
                sheet = None
        if sheet is None:
            minutes = round(self.keep_seconds / 60)
            raise NotFound(f"No credentials are kept for you: a sheet is kept {minutes} minutes "
                           "after an import or new passwords. Make new passwords for the "
                           "students instead.")
        self._record(teacher, "credentials.fetch", len(sheet.credentials), kind=sheet.kind)
        return sheet

    def peek(self, teacher: str) -> dict[str, Any] | None:
        """The summary (no passwords) of ``teacher``'s kept sheet, or None."""
        with _lock:
            sheet = self._load(self._file(teacher))
        if sheet is None or sheet.expires <= self.clock():
            return None
        return sheet.summary()

    def discard(self, teacher: str) -> bool:
        """Shred ``teacher``'s sheet now (they saved it); False if there was none."""
        with _lock:
            gone = shred(self._file(teacher))
        if gone:
            self._record(teacher, "credentials.discard", 0)
        return gone

    def sweep(self) -> int:
        """Shred every expired (or unreadable) sheet; the number shredded."""
        count = 0
        now = self.clock()
        with _lock:
            try:
                files = sorted(self.folder.glob("*.json"))
            except OSError:
                return 0
            for path in files:
                sheet = self._load(path)
                if sheet is None:
                    count += 1 if not path.exists() else 0
                    continue
                if sheet.expires <= now:
                    shred(path)
                    count += 1
        return count
