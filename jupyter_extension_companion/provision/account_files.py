"""What a system account is, as read from ``/etc/passwd`` and ``/etc/shadow`` (split at ``\\n``
only), the full-name check, and ``login_disabled`` (the hub's pre-spawn hook). Import these names
from :mod:`.system_accounts`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ClassroomError
from .usernames import is_system_uid

SHELL = "/bin/bash"
HOME_MODE = 0o700
NOTEBOOKS_MODE = 0o755


class NoHome(ClassroomError):
    """The account's home folder does not exist."""


@dataclass(frozen=True)
class Account:
    """One system account as read from /etc/passwd and /etc/shadow."""

    name: str
    uid: int
    gid: int
    full_name: str
    home: str
    shell: str
    # None when /etc/shadow has no line for it (or could not be read).
    locked: bool | None
    has_password: bool | None

    @property
    def is_system(self) -> bool:
        return is_system_uid(self.uid)


def _lines(text: str) -> list[str]:
    """The lines of an account file: split at ``\n`` only.

    ``str.splitlines`` also splits at U+2028, U+0085 and friends, which a student can put into
    their own GECOS field with ``chfn``: their line would fall apart and their account vanish
    from list, disable and remove.
    """
    return text.split("\n")


# line and paragraph separators that str.splitlines (and many tools) treat as line breaks
_BREAKS = {"\x7f", "\x85", "\u2028", "\u2029"}


def _gecos_problem(full_name: str) -> str | None:
    if ":" in full_name or any(ord(c) < 32 or c in _BREAKS for c in full_name):
        return "The full name contains ':' or a line break: remove it."
    if len(full_name) > 100:
        return "The full name is longer than 100 characters: shorten it."
    return None


def check_full_name(full_name: str | None) -> None:
    """Raise :class:`ClassroomError` unless ``full_name`` can be stored in /etc/passwd."""
    if full_name:
        problem = _gecos_problem(full_name)
        if problem:
            raise ClassroomError(problem, code="bad_full_name")


def _shadow_fields(name: str, shadow_file: Path) -> list[str] | None:
    try:
        text = shadow_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in _lines(text):
        parts = line.split(":")
        if parts[0] == name and len(parts) >= 2:
            return parts
    return None


def login_disabled(name: str, shadow_file: Path = Path("/etc/shadow")) -> bool:
    """True if ``name``'s password was locked by ``disable`` (a real hash behind a ``!``).

    For the hub's pre-spawn hook: a disabled student's login cookie stays valid until it
    expires, so the hub must also refuse to start their server.
    """
    try:
        text = shadow_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in _lines(text):
        parts = line.split(":")
        if len(parts) >= 2 and parts[0] == name:
            hashed = parts[1]
            return hashed.startswith("!") and hashed.lstrip("!") not in ("", "*")
    return False

