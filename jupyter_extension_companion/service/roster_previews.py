"""Uploaded rosters kept between preview and apply, in the service's memory only.

A teacher uploads a file once; its parsed rows (with the passwords the file holds) stay here
under an opaque id that only the uploading teacher can use, for :data:`KEEP_SECONDS`. Edits and
the apply name the id instead of sending the rows (and passwords) back and forth. Nothing is
written to disk; a restarted service forgets every upload (the teacher uploads again).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from ..provision.errors import NotFound
from ..provision.roster_parse import InputRow, ParsedRoster

KEEP_SECONDS = 30 * 60
#: uploads kept per teacher (the oldest is dropped): bounds the memory a teacher can use
PER_OWNER = 5


@dataclass
class Upload:
    """One uploaded roster file: its bytes (for a new column mapping) and its parsed rows."""

    id: str
    owner: str
    data: bytes
    filename: str
    parsed: ParsedRoster | None = None
    #: the rows as the teacher last edited them (None: the file's rows)
    rows: list[InputRow] | None = None
    created: float = field(default_factory=time.monotonic)

    def current_rows(self) -> list[InputRow]:
        if self.rows is not None:
            return self.rows
        return self.parsed.rows if self.parsed is not None else []


class RosterUploads:
    """The uploads of all teachers, each found only by its owner and only until it expires."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS, per_owner: int = PER_OWNER):
        self.keep_seconds = keep_seconds
        self.per_owner = per_owner
        self._lock = threading.Lock()
        self._uploads: dict[str, Upload] = {}

    def add(self, owner: str, data: bytes, filename: str = "") -> Upload:
        """Keep a new upload of ``owner``; returns it with its id."""
        with self._lock:
            self._expire()
            mine = sorted((u for u in self._uploads.values() if u.owner == owner),
                          key=lambda u: u.created)
            for old in mine[: max(0, len(mine) - self.per_owner + 1)]:
                del self._uploads[old.id]
            upload = Upload(secrets.token_urlsafe(18), owner, data, filename)
            self._uploads[upload.id] = upload
            return upload

    def get(self, upload_id: str, owner: str) -> Upload:
        """The upload, if ``owner`` made it and it has not expired; else 404 (never 403: the
        id of another teacher's upload is not confirmed)."""
        with self._lock:
            self._expire()
            upload = self._uploads.get(upload_id)
            if upload is None or upload.owner != owner:
                raise NotFound("This roster upload is gone (uploads are kept for "
                               f"{self.keep_seconds // 60:.0f} minutes): upload the file again.")
            return upload

    def drop(self, upload_id: str) -> None:
        """Forget an upload (after it was applied)."""
        with self._lock:
            self._uploads.pop(upload_id, None)

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, u in self._uploads.items() if now - u.created > self.keep_seconds]:
            del self._uploads[key]
