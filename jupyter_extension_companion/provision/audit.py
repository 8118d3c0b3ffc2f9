"""The audit log: one JSON line per operation (who, what, on what, how it ended, why), never a password.

Every line has the same fields, whoever wrote it:

- ``time``: UTC, ISO 8601 with milliseconds
- ``actor``: the hub user for the service, ``$SUDO_USER (cli)`` for the ``classroom`` command,
  ``installer`` for the bootstrap, ``system`` when nobody is named
- ``action``: ``noun.verb``, e.g. ``jar.remove``, ``user.add``, ``kernel.install``
- ``target``: what it acted on (a username, a file, a kernel name)
- ``outcome``: one of :data:`OUTCOMES`
- ``reason``: why it was refused or failed (the message the caller saw); empty when ``ok``
- ``code``: the error code of a refusal or failure (empty otherwise)

and optional details (never a secret: detail keys naming one are refused).

The lines are written by ``provision/`` only: the operation that did (or refused) the change
records it, with the actor passed in by the service, the CLI or the installer
(:class:`Auditor`, :meth:`Auditor.run`). The CLI records its own refusals (bad arguments, not
root) through :meth:`Auditor.refused`, so a refusal there looks like one in the service.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from .errors import ClassroomError

OK = "ok"
REFUSED = "refused"  # bad input, not allowed, not found: nothing was changed
FAILED = "failed"  # the operation broke down (a command failed, the hub did not answer)
NOTHING_TO_CHANGE = "nothing-to-change"  # re-run of something already done
STARTED = "started"  # a long job was started (its own lines follow)
OUTCOMES = (OK, REFUSED, FAILED, NOTHING_TO_CHANGE, STARTED)
# the words of the old vocabulary, still written by code from branches made before it changed:
# recorded in the new words rather than refused (a refused audit line would fail an operation
# that has already changed the host)
_OLD_OUTCOMES = {"changed": OK, "unchanged": NOTHING_TO_CHANGE}

SYSTEM = "system"
INSTALLER = "installer"

FIELDS = ("time", "actor", "action", "target", "outcome", "reason", "code")

_SECRET_WORDS = ("password", "token", "secret")
_lock = threading.Lock()

T = TypeVar("T")


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


def outcome_of_error(error: BaseException) -> str:
    """``refused`` for a :class:`ClassroomError` below 500 (the caller's fault), else ``failed``."""
    if isinstance(error, ClassroomError) and error.status < 500:
        return REFUSED
    return FAILED


def outcome_of_result(result: Any) -> str:
    """``ok`` unless the result says it changed nothing (``changed`` False, attribute or key).

    A list of results is ``ok`` when any of them changed something.
    """
    if isinstance(result, list) and result:
        return OK if any(outcome_of_result(r) == OK for r in result) else NOTHING_TO_CHANGE
    changed = result.get("changed", True) if isinstance(result, dict) else getattr(
        result, "changed", True)
    return OK if changed else NOTHING_TO_CHANGE


class AuditLog:
    """Append-only JSON-lines file (mode 0600, root only)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def record(
        self,
        actor: str,
        action: str,
        target: str,
        outcome: str,
        reason: str = "",
        code: str = "",
        **details: Any,
    ) -> dict:
        """Append one entry and return it.

        ``outcome`` must be one of :data:`OUTCOMES` (ValueError otherwise; the old ``changed``
        and ``unchanged`` are recorded as ``ok`` and ``nothing-to-change``). Detail keys that name
        a secret (``password``, ``token``, ``secret``) are refused with ValueError: a password
        must never reach the log, not even by mistake.
        """
        outcome = _OLD_OUTCOMES.get(outcome, outcome)
        if outcome not in OUTCOMES:
            raise ValueError(f"audit outcome must be one of {OUTCOMES}, not {outcome!r}")
        for key in details:
            if any(word in key.lower() for word in _SECRET_WORDS) or key in FIELDS:
                raise ValueError(f"audit details must not carry secrets or fields ({key!r})")
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "outcome": outcome,
            "reason": reason,
            "code": code,
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


class Auditor:
    """An actor and the log their operations go to: what provision operations record through.

    The service makes one per request (actor: the hub user), the CLI one per command
    (:func:`cli_actor`), the installer one for its run (``installer``).
    """

    def __init__(self, log: AuditLog, actor: str = SYSTEM):
        self.log = log
        self.actor = actor

    def record(self, action: str, target: str, outcome: str, reason: str = "", code: str = "",
               **details: Any) -> dict:
        """One line under this actor (see :meth:`AuditLog.record`)."""
        return self.log.record(self.actor, action, target, outcome, reason, code, **details)

    def refused(self, action: str, target: str, error: BaseException, **details: Any) -> None:
        """One ``refused``/``failed`` line for ``error``, unless it was recorded already.

        A :class:`ClassroomError` remembers that it was audited, so a refusal that passes
        through several layers is written once.
        """
        if getattr(error, "audited", False):
            return
        if isinstance(error, ClassroomError):
            reason, code = error.message, error.code
        else:
            reason, code = str(error) or type(error).__name__, "internal"
        self.record(action, target, outcome_of_error(error), reason, code, **details)
        try:
            error.audited = True  # type: ignore[attr-defined]
        except AttributeError:
            pass

    def run(self, action: str, target: str, fn: Callable[..., T], *args: Any,
            **details: Any) -> T:
        """Run ``fn(*args)`` and record how it ended: ``ok``, ``nothing-to-change`` (the result
        says ``changed`` False), ``refused`` or ``failed`` (then re-raise)."""
        try:
            result = fn(*args)
        except Exception as e:
            self.refused(action, target, e, **details)
            raise
        self.record(action, target, outcome_of_result(result), **details)
        return result


def auditor_for(paths: Any, actor: str = SYSTEM, audit: AuditLog | None = None) -> Auditor:
    """The :class:`Auditor` for ``actor`` writing to ``audit`` (default: ``paths.audit_log``)."""
    return Auditor(audit if audit is not None else AuditLog(paths.audit_log), actor)
