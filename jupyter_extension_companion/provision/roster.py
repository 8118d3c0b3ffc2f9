"""The class list: each student is a system account and a hub user, managed in one step.

CONTRACT (used by service/, cli/ and tests; keep these signatures):

    roster = Roster(hub=HubClient(url, token), paths=ClassroomPaths(), accounts=SystemAccounts(paths))
    roster.list() -> list[Student]                       # hub + system state merged
    roster.get(name) -> Student                           # NotFound if neither hub nor system knows it
    roster.add(name, password=None, full_name=None, teacher=False) -> Credentials
    roster.set_password(name, password=None) -> Credentials   # None -> generated
    roster.disable(name) -> Change ; roster.enable(name) -> Change
    roster.remove(name, keep_account=False) -> Change     # Change.archive = path of the tar.gz
    roster.set_teacher(name, teacher: bool) -> Change
    roster.start_server(name) -> Change ; roster.stop_server(name) -> Change

Student (dataclass, .to_json() -> dict): name, full_name, teacher, locked, system_account,
hub_user, server_running, last_activity (ISO str or None), home (str), classes (list of class
names, see classes.py; the hub's group listing is shared and kept 10 s, emptied by every
change made here or through ``Classes``).
Credentials: name, password (plain, shown once, never logged), generated (bool), full_name.
Change: name, action, changed (bool: False means "nothing to change"), message, archive (str|None).

Additions beyond the contract:

- ``Roster(..., audit=AuditLog(...), actor="name")``: every operation is recorded in the audit log
  under ``actor`` (default: ``paths.audit_log``, actor ``"system"``). The service, which acts for
  many teachers, uses ``roster.as_actor(hub_user_name)`` per request; the CLI passes
  :func:`~.audit.cli_actor`. The actor may not remove, disable or un-teacher their own account.
- ``roster.add_many(entries, progress)`` is the batch behind both ``add`` and the roster import:
  validate every entry, one ``useradd`` per new account, ONE ``chpasswd`` for all passwords, ONE
  hub ``POST /users``; per-entry :class:`AddResult`. If the hub call fails, the accounts this
  batch created are deleted again.
- ``add`` on a student that exists already changes nothing unless a password is given (then it is
  set); an existing system account (uid >= 1000) without a hub user is adopted: it becomes a hub
  user and keeps its password unless one is given (``Credentials.password`` is then None).

How ``list`` stays fast with a large class (target: p95 <= 150 ms for 1000 students): paging
through every hub user costs ~30 ms per 200 users, so the full hub listing is kept for up to
``hub_cache_seconds`` (60 s) and shared by ``as_actor`` clones. Each ``list()`` still asks the
hub two cheap, fresh questions: the users with an active server (``state=active``), which gives
current server state and activity, and the user count; a count that changed, an unknown active
user, an expired listing or any change made through this Roster triggers a full listing.
``list(fresh=True)`` always lists in full. ``/etc/passwd`` and ``/etc/shadow`` are read on
every call (a few ms).

Which accounts are students (``list``): every hub user (teachers included, ``teacher=True``),
plus system accounts with a uid of 1000..60000 whose home lies directly in ``paths.home_root``
but that the hub does not know (``hub_user=False``: "system only", e.g. made by hand).
"""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .audit import FAILED, NOTHING_TO_CHANGE, OK, REFUSED, AuditLog, Auditor
from .changes import Change, Progress
from .classes import GroupListing, is_class
from .errors import ClassroomError, NotFound
from .hub_api import HubClient, HubError, server_running
from .passwords import generate_password, password_problem
from .system_accounts import Account, SystemAccounts, _gecos_problem
from .usernames import USERNAME_RE, UsernameRefused, check_username

NOTHING = "nothing to change"


@dataclass
class Student:
    name: str
    full_name: str
    teacher: bool
    locked: bool
    system_account: bool
    hub_user: bool
    server_running: bool
    last_activity: str | None
    home: str
    #: the classes (hub groups marked as classes, see classes.py) the student is in, sorted
    classes: builtins.list[str] = field(default_factory=builtins.list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Credentials:
    name: str
    password: str | None
    generated: bool
    full_name: str | None = None
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class NewStudent:
    """One student to add: a valid username, optionally a full name and a password."""

    name: str
    full_name: str | None = None
    password: str | None = None


@dataclass
class AddResult:
    """The outcome of adding one student (``password`` only when ok; shown once)."""

    username: str
    full_name: str | None
    ok: bool
    password: str | None
    generated: bool
    message: str
    changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def credentials(self) -> Credentials:
        return Credentials(self.username, self.password, self.generated, self.full_name,
                           self.message)


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


class Roster:
    """The student operations: system account and hub user kept in step."""

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

    def as_actor(self, actor: str) -> Roster:
        """The same roster, recording changes under ``actor``."""
        clone = object.__new__(Roster)
        clone.__dict__.update(self.__dict__)
        clone.actor = actor
        return clone

    # ---- reading -------------------------------------------------------------------------

    def list(self, fresh: bool = False) -> builtins.list[Student]:
        """Every student (see the module docstring), sorted by name.

        Reads /etc/passwd + /etc/shadow once and asks the hub as described in the module
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

    # ---- adding --------------------------------------------------------------------------

    def add(
        self,
        name: str,
        password: str | None = None,
        full_name: str | None = None,
        teacher: bool = False,
    ) -> Credentials:
        """Create the student (system account, ``~/notebooks``, password, hub user).

        Raises :class:`ClassroomError` if the input is refused or a step fails (nothing is
        left half-made). See the module docstring for existing accounts.
        """
        results, errors = self._add_batch([NewStudent(name, full_name, password)], None, teacher)
        if not results[0].ok:
            raise errors[0]
        return results[0].credentials()

    def add_many(
        self,
        entries: Iterable[NewStudent],
        progress: Progress | None = None,
        *,
        teacher: bool = False,
    ) -> builtins.list[AddResult]:
        """Add many students in one batch; one :class:`AddResult` per entry, in order.

        Every entry is validated before the first command runs; refused entries are reported
        and the others go ahead. Missing passwords are generated. If the hub refuses the batch,
        the accounts it created are deleted again and every entry reports the failure.
        """
        results, _errors = self._add_batch(list(entries), progress, teacher)
        return results

    def _add_batch(
        self, entries: builtins.list[NewStudent], progress: Progress | None, teacher: bool
    ) -> tuple[builtins.list[AddResult], dict[int, ClassroomError]]:
        report = progress or (lambda message, fraction: None)
        report("checking the list", 0.0)
        accounts = self.accounts.read_all()
        uids = {a.name: a.uid for a in accounts.values()}
        if len(entries) <= 5:  # a few names: ask for each rather than list the whole hub
            found = (self.hub.get_user(e.name) for e in entries
                     if isinstance(e.name, str) and USERNAME_RE.fullmatch(e.name))
            hub_users = {u["name"]: u for u in found if u is not None}
        else:
            hub_users = {u["name"]: u for u in self.hub.list_users()}
        results: dict[int, AddResult] = {}
        errors: dict[int, ClassroomError] = {}
        seen: set[str] = set()
        # (index, entry, needs a new system account, needs a new hub user)
        plan: builtins.list[tuple[int, NewStudent, bool, bool]] = []

        def fail(i: int, entry: NewStudent, exc: ClassroomError, prefix: str = "") -> None:
            errors[i] = exc
            results[i] = AddResult(entry.name, entry.full_name, False, None, False,
                                   prefix + exc.message)

        for i, entry in enumerate(entries):
            try:
                self._check_entry(entry, uids, seen)
            except ClassroomError as exc:
                fail(i, entry, exc)
                continue
            seen.add(entry.name)
            plan.append((i, entry, entry.name not in accounts, entry.name not in hub_users))

        # 1. system accounts: one useradd each
        to_create = [(e.name, e.full_name) for _, e, new_account, _ in plan if new_account]
        created: builtins.list[str] = []
        if to_create:
            made = self.accounts.create_many(
                to_create, progress=lambda m, f: report(m, 0.05 + 0.75 * (f or 0))
            )
            kept = []
            for item in plan:
                i, entry, new_account, _ = item
                error = made.get(entry.name) if new_account else None
                if error is not None:
                    fail(i, entry, error, "Creating the account failed: ")
                    continue
                if new_account:
                    created.append(entry.name)
                kept.append(item)
            plan = kept

        # 2. passwords: ONE chpasswd; 3. hub users: ONE POST /users
        passwords: dict[str, tuple[str, bool]] = {}
        for _, entry, new_account, _ in plan:
            if entry.password is not None:
                passwords[entry.name] = (entry.password, False)
            elif new_account or not accounts[entry.name].has_password:
                passwords[entry.name] = (generate_password(), True)
        to_hub = [e.name for _, e, _, new_hub in plan if new_hub]
        try:
            if passwords:
                report(f"setting {len(passwords)} passwords", 0.85)
                self.accounts.set_passwords({n: p for n, (p, _) in passwords.items()})
            if to_hub:
                report(f"adding {len(to_hub)} users to the hub", 0.9)
                self.hub.add_users(to_hub, admin=teacher)
            if teacher:
                for _, entry, _, new_hub in plan:
                    if not new_hub and not hub_users[entry.name].get("admin"):
                        self.hub.set_admin(entry.name, True)
        except ClassroomError as exc:
            self._rollback(created, to_hub)
            for i, entry, _, _ in plan:
                fail(i, entry, exc, "Nothing was created: ")
            plan = []

        for i, entry, new_account, new_hub in plan:
            password, generated = passwords.get(entry.name, (None, False))
            if new_account:
                message = "created"
            elif new_hub:
                message = "existing system account added to the hub"
            elif password is not None:
                message = "exists already; password set"
            else:
                message = f"exists already: {NOTHING}"
            changed = bool(new_account or new_hub or password is not None)
            results[i] = AddResult(entry.name, entry.full_name, True, password, generated,
                                   message, changed)

        self._hub_cache.invalidate()
        GroupListing.invalidate()
        ordered = [results[i] for i in range(len(entries))]
        for i, result in enumerate(ordered):
            self._audit_add(result, errors.get(i))
        report("done", 1.0)
        return ordered, errors

    def _audit_add(self, result: AddResult, error: ClassroomError | None) -> None:
        if result.ok:
            outcome, reason, code = (OK if result.changed else NOTHING_TO_CHANGE), "", ""
        else:
            outcome = REFUSED if isinstance(error, UsernameRefused) or (
                error is not None and error.status < 500) else FAILED
            reason, code = result.message, error.code if error is not None else ""
        self.audit.record(self.actor, "user.add", result.username, outcome, reason, code,
                          message=result.message, generated=result.generated,
                          full_name=result.full_name)

    def _check_entry(self, entry: NewStudent, uids: dict[str, int], seen: set[str]) -> None:
        check_username(entry.name, accounts=uids, taken=seen | set(uids), full_name=entry.full_name)
        if entry.name in seen:
            raise ClassroomError(f"{entry.name!r} appears twice in the list: keep one.",
                                 code="duplicate")
        if entry.full_name:
            problem = _gecos_problem(entry.full_name)
            if problem:
                raise ClassroomError(problem, code="bad_full_name")
        if entry.password is not None:
            problem = password_problem(entry.password)
            if problem:
                raise ClassroomError(problem, code="bad_password")

    def _rollback(self, created: builtins.list[str], to_hub: builtins.list[str]) -> None:
        """Undo a failed batch: hub users it made, then the accounts it made (no archive:
        they are new and empty)."""
        for name in to_hub:
            try:
                if self.hub.get_user(name) is not None:
                    self.hub.delete_user(name)
            except ClassroomError:
                pass
        for name in created:
            try:
                self.accounts.delete(name, archive=False)
            except ClassroomError:
                pass

    # ---- changing ------------------------------------------------------------------------

    def set_password(self, name: str, password: str | None = None) -> Credentials:
        """Set a new password (generated if None). A disabled student stays disabled."""
        check_username(name)
        generated = password is None
        if password is None:
            password = generate_password()
        elif (problem := password_problem(password)) is not None:
            raise self._refused("set_password", name, ClassroomError(problem, code="bad_password"))
        account = self.accounts.get(name)
        if account is None:
            raise self._refused("set_password", name, NotFound(
                f"There is no system account {name!r}: add the student first."))
        try:
            self.accounts.set_passwords({name: password})
        except ClassroomError as exc:
            self._refused("set_password", name, exc)
            raise
        self.audit.record(self.actor, "user.set_password", name, OK, generated=generated)
        return Credentials(name, password, generated, account.full_name or None, "password set")

    def new_passwords(self, names: Iterable[str]) -> builtins.list[Credentials]:
        """Generate a new password for each of ``names`` with ONE ``chpasswd``; one sheet.

        Every name is checked before anything changes (a student twice, an unknown name, a
        system account or the acting teacher's own account refuse the whole call). Disabled
        students stay disabled. Returns the credentials in the order given.
        """
        wanted = builtins.list(names)
        if not wanted:
            raise ClassroomError("Choose at least one student.", code="missing_field")
        accounts = self.accounts.read_all()
        seen: set[str] = set()
        for name in wanted:
            if not isinstance(name, str) or not USERNAME_RE.fullmatch(name):
                raise ClassroomError(f"{name!r} is not a username.", code="invalid_username")
            if name in seen:
                raise ClassroomError(f"{name!r} is listed twice: name each student once.",
                                     code="duplicate")
            seen.add(name)
            account = accounts.get(name)
            if account is None or account.is_system:
                raise self._refused("set_password", name, NotFound(
                    f"There is no student account {name!r}: nothing was changed."))
            if name == self.actor:
                raise self._refused("set_password", name, ClassroomError(
                    "Your own password is not changed with the class: leave yourself out "
                    "(nothing was changed).", code="self", status=409))
        passwords = {name: generate_password() for name in wanted}
        try:
            self.accounts.set_passwords(passwords)
        except ClassroomError as exc:
            for name in wanted:
                self._refused("set_password", name, exc)
            raise
        for name in wanted:
            self.audit.record(self.actor, "user.set_password", name, OK, generated=True)
        return [Credentials(name, passwords[name], True, accounts[name].full_name or None,
                            "password set") for name in wanted]

    def disable(self, name: str) -> Change:
        """Lock the student's password and stop their server."""
        student = self._existing(name, "disable")
        self._not_self(name, "disable")
        changed = False
        if student.system_account:
            changed |= self.accounts.lock(name)
        if student.server_running:
            self._stop_and_wait(name)
            changed = True
        return self._done(name, "disable", changed, "login disabled, server stopped")

    def enable(self, name: str) -> Change:
        """Unlock the student's password."""
        student = self._existing(name, "enable")
        changed = self.accounts.unlock(name) if student.system_account else False
        return self._done(name, "enable", changed, "login enabled")

    def remove(self, name: str, keep_account: bool = False) -> Change:
        """Remove the student in an order they cannot break; the home is archived first.

        Lock the login, stop the server, end the student's processes, archive the home (read
        back) and only then delete the hub user and the system account. If a step before the
        deletions fails, the login is unlocked again and nothing is deleted; re-running finishes
        a removal that failed in its last steps. ``keep_account`` keeps the system account and
        its home (only the server and the hub user go).
        """
        check_username(name)
        self._not_self(name, "remove")
        model = self.hub.get_user(name)
        account = self.accounts.get(name)
        remove_account = account is not None and not keep_account
        if account is not None and remove_account and not self.accounts.is_student_home(account):
            message = (
                f"{name!r} has its home at {account.home}, outside {self.paths.home_root}: "
                "use keep_account, or remove the account by hand."
            )
            raise self._refused("remove", name, ClassroomError(message, code="foreign_home"))
        changed = False
        archive: Path | None = None
        try:
            undo = self.accounts.lock_out(name) if remove_account else None
            try:
                if model is not None and (server_running(model) or model.get("pending")):
                    self._stop_and_wait(name)
                if remove_account:
                    self.accounts.end_processes(name)
                    archive = self.accounts.archive_home(name)
            except BaseException:
                if undo is not None:
                    undo()
                raise
            if model is not None:
                self._delete_hub_user(name)
                changed = True
            if remove_account:
                self.accounts.delete_locked(name)
                changed = True
        except ClassroomError as exc:
            self._hub_cache.invalidate()
            self._refused("remove", name, exc)
            raise
        if not changed:
            return self._done(name, "remove", False, "")
        message = "removed from the hub" + (
            "; account kept" if keep_account and account else
            f"; home archived to {archive}" if archive else "; account deleted" if account else ""
        )
        change = self._done(name, "remove", True, message, archive=str(archive) if archive else None)
        return change

    def set_teacher(self, name: str, teacher: bool) -> Change:
        """Make the student a teacher (hub admin) or take it back."""
        check_username(name)
        if not teacher:
            self._not_self(name, "revoke_teacher")
        model = self.hub.get_user(name)
        if model is None:
            raise self._refused("set_teacher", name,
                                NotFound(f"{name!r} is not a hub user: add them first."))
        if bool(model.get("admin")) == teacher:
            return self._done(name, "set_teacher", False, "", teacher=teacher)
        self.hub.set_admin(name, teacher)
        return self._done(name, "set_teacher", True,
                          "is a teacher now" if teacher else "is no longer a teacher",
                          teacher=teacher)

    def start_server(self, name: str) -> Change:
        """Ask the hub to start the student's server."""
        check_username(name)
        model = self._hub_model(name, "start_server")
        if server_running(model):
            return self._done(name, "start_server", False, "")
        self.hub.start_server(name)
        return self._done(name, "start_server", True, "server starting")

    def stop_server(self, name: str) -> Change:
        """Stop the student's server and wait until it is gone."""
        check_username(name)
        model = self._hub_model(name, "stop_server")
        if not server_running(model) and not model.get("pending"):
            return self._done(name, "stop_server", False, "")
        self._stop_and_wait(name)
        return self._done(name, "stop_server", True, "server stopped")

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
