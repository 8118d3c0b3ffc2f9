"""The audit log: one JSON line per change (who, what, when, outcome), never a password."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_SECRET_WORDS = ("password", "token", "secret")
_lock = threading.Lock()


def cli_actor() -> str:
    """The actor name for changes made with the ``classroom`` command: ``$SUDO_USER (cli)``."""
    who = os.environ.get("SUDO_USER")
    if not who:
        try:
            import pwd

            who = pwd.getpwuid(os.geteuid()).pw_name
        except KeyError:
            who = str(os.geteuid())
    return f"{who} (cli)"


class AuditLog:
    """Append-only JSON-lines file (mode 0600, root only)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def record(self, actor: str, action: str, target: str, outcome: str, **details: Any) -> dict:
        """Append one entry and return it.

        Detail keys that name a secret (``password``, ``token``, ``secret``) are refused with
        ValueError: a password must never reach the log, not even by mistake.
        """
        for key in details:
            if any(word in key.lower() for word in _SECRET_WORDS):
                raise ValueError(f"audit details must not carry secrets ({key!r})")
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "outcome": outcome,
            **details,
        }
        line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
        with _lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        return entry

    def entries(self, limit: int | None = None) -> list[dict]:
        """The last ``limit`` entries (all if None), oldest first."""
        try:
            # "\n" only: entries may hold U+2028 (ensure_ascii=False), which splitlines splits at
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        lines = [line for line in text.split("\n") if line.strip()]
        if limit is not None:
            lines = lines[-limit:]
        return [json.loads(line) for line in lines]
