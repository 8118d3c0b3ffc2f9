"""The core of :class:`~.roster.Roster`: its state, reading the class list (hub + host merged,
with the shared hub listing cache) and the helpers every operation uses (refusals, audit, waiting
for a server to stop). The operations themselves live in ``roster_add``, ``roster_passwords`` and
``roster_changes``."""

from __future__ import annotations

import builtins
import threading
import time
from dataclasses import replace
from typing import Any

from ..paths import ClassroomPaths
from .audit import NOTHING_TO_CHANGE, OK, AuditLog, Auditor
from .changes import Change
from .classes import GroupListing, is_class
from .errors import ClassroomError, NotFound
from .hub_api import HubClient, HubError, server_running
from .roster_types import NOTHING, Student
from .system_accounts import Account, SystemAccounts
from .usernames import USERNAME_RE, check_username


class _HubUserCache:
    """The last full hub user listing, shared by a Roster and its ``as_actor`` clones."""

    def __init__(self, max_age: float):
        self.max_age = max_age
        self.lock = threading.Lock()
        self.users: dict[str, dict] | None = None
        self.taken = 0.0

    def get(self) -> dict[str, dict] | None:
        with self.lock:
            if self.users is None or time.monotonic() - self.taken > self.max_age:
                return None
            return self.users

    def put(self, users: dict[str, dict], taken: float) -> None:
        with self.lock:
            self.users, self.taken = users, taken

    def invalidate(self) -> None:
        with self.lock:
            self.users = None


def _stopped(model: dict) -> dict:
    """A user model without a running server (the user is not in the hub's active list)."""
    return {**model, "server": None, "servers": {}, "pending": None}


class RosterBase:
    """State, reading and shared helpers of :class:`~.roster.Roster`."""

    def __init__(
        self,
        hub: HubClient,
        paths: ClassroomPaths | None = None,
        accounts: SystemAccounts | None = None,
        *,
        audit: AuditLog | None = None,
        actor: str = "system",
        stop_timeout: float = 30.0,
        hub_cache_seconds: float = 60.0,
    ):
        self.hub = hub
        self.paths = paths or ClassroomPaths()
        self.accounts = accounts or SystemAccounts(self.paths)
        self.audit = audit or AuditLog(self.paths.audit_log)
        self.actor = actor
        self.stop_timeout = stop_timeout
        self._hub_cache = _HubUserCache(hub_cache_seconds)

    # ---- reading -------------------------------------------------------------------------

    def list(self, fresh: bool = False) -> builtins.list[Student]:
        """Every student (see the :mod:`.roster` docstring), sorted by name.

        Reads /etc/passwd + /etc/shadow once and asks the hub as described in the :mod:`.roster`
        docstring (``fresh=True``: one full paged listing).
        """
        hub_users = self._hub_users(fresh)
        accounts = self.accounts.read_all()
        names = set(hub_users)
        for account in accounts.values():
            if not account.is_system and self.accounts.is_student_home(account):
                names.add(account.name)
        root = str(self.paths.home_root).rstrip("/")
        classes = self._classes_of()
        return [self._student(n, hub_users.get(n), accounts.get(n), root, classes.get(n))
                for n in sorted(names)]

    def _classes_of(self) -> dict[str, builtins.list[str]]:
        """username -> classes, from one fresh (cheap) listing of the hub's groups."""
        out: dict[str, builtins.list[str]] = {}
        for group in sorted(GroupListing.get(self.hub), key=lambda g: g["name"]):
            if is_class(group):
                for user in group.get("users") or []:
                    out.setdefault(user, []).append(group["name"])
        return out

    def _hub_users(self, fresh: bool) -> dict[str, dict]:
        cached = None if fresh else self._hub_cache.get()
        if cached is not None:
            active = {u["name"]: u for u in self.hub.list_users(state="active")}
            if set(active) <= set(cached) and self.hub.count_users() == len(cached):
                return {n: active.get(n) or _stopped(m) for n, m in cached.items()}
        taken = time.monotonic()
        users = {u["name"]: u for u in self.hub.list_users()}
        self._hub_cache.put(users, taken)
        return users

    def get(self, name: str) -> Student:
        """One student; :class:`NotFound` if neither the hub nor the host knows the name."""
        if not isinstance(name, str) or not USERNAME_RE.fullmatch(name):
            raise NotFound(f"There is no student {name!r}.")
        model = self.hub.get_user(name)
        account = self.accounts.get(name)
        if account is not None and account.is_system:
            account = None
        if model is None and account is None:
            raise NotFound(f"There is no student {name!r}.")
        return self._student(name, model, account, None, self._classes_of().get(name))

    def _student(
        self, name: str, model: dict | None, account: Account | None, root: str | None = None,
        classes: builtins.list[str] | None = None,
    ) -> Student:
        account = None if account is None or account.is_system else account
        return Student(
            name=name,
            full_name=account.full_name if account else "",
            teacher=bool(model and model.get("admin")),
            locked=bool(account and account.locked),
            system_account=account is not None,
            hub_user=model is not None,
            server_running=bool(model and server_running(model)),
            last_activity=(model or {}).get("last_activity"),
            home=account.home if account else f"{root or str(self.paths.home_root).rstrip('/')}/{name}",
            classes=list(classes or []),
        )

    # ---- helpers -------------------------------------------------------------------------

    def _existing(self, name: str, action: str) -> Student:
        check_username(name)
        try:
            return self.get(name)
        except NotFound as exc:
            self._refused(action, name, exc)
            raise

    def _hub_model(self, name: str, action: str) -> dict:
        model = self.hub.get_user(name)
        if model is None:
            raise self._refused(action, name,
                                NotFound(f"{name!r} is not a hub user: add them first."))
        return model

    def _not_self(self, name: str, action: str) -> None:
        if name == self.actor:
            message = f"You cannot {action.replace('_', ' ')} your own account."
            raise self._refused(action, name, ClassroomError(message, code="self", status=409))

    def _stop_and_wait(self, name: str) -> None:
        self.hub.stop_server(name)
        deadline = time.monotonic() + self.stop_timeout
        while True:
            model = self.hub.get_user(name)
            if model is None or (not server_running(model) and not model.get("pending")):
                return
            if time.monotonic() > deadline:
                raise ClassroomError(
                    f"{name!r}'s server did not stop within {self.stop_timeout:.0f} s: try again.",
                    code="stop_timeout",
                    status=500,
                )
            time.sleep(0.2)

    def _delete_hub_user(self, name: str) -> None:
        deadline = time.monotonic() + self.stop_timeout
        while True:
            try:
                self.hub.delete_user(name)
                return
            except HubError as exc:
                # "in the process of stopping, please wait"
                if exc.hub_status != 400 or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _refused(self, action: str, name: str, error: ClassroomError) -> ClassroomError:
        """Record ``error`` (refused or failed) once and return it for ``raise``."""
        Auditor(self.audit, self.actor).refused(f"user.{action}", name, error)
        return error

    def _done(self, name: str, action: str, changed: bool, message: str, **details: Any) -> Change:
        if changed:
            self._hub_cache.invalidate()
            GroupListing.invalidate()
        message = message if changed else NOTHING
        self.audit.record(self.actor, f"user.{action}", name, OK if changed else NOTHING_TO_CHANGE,
                          message=message, **details)
        change = Change(name, action, changed, message)
        if "archive" in details:
            change = replace(change, archive=details["archive"])
        return change
