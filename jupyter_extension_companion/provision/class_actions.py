"""What a teacher does to a whole class at once: new passwords, disable/enable (an exam),
start/stop servers, remove the class.

Each is the student operation of :class:`.roster.Roster` applied to every member, so each
student gets their own audit line; teachers (hub admins) in a class are left alone by every
action here (a teacher may sit in a course to see it).

Removing a class (:meth:`ClassActions.remove_class`): every member who is in **no other class**
is removed like ``classroom users remove`` (login locked, server stopped, processes ended, home
archived to one ``NAME-<time>.tar.gz`` per student and read back, then hub user and account
deleted). A member who is also in another class keeps the account and only leaves this class:
the account belongs to the other class too, and removing it would take that class's work. Only
when every removal worked is the class itself deleted; a failure leaves the class in place, so
running it again finishes the job. The summary lists each student's outcome and archive.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .changes import Progress, no_progress
from .classes import ClassChange, Classes
from .errors import ClassroomError
from .passwords import generate_password
from .roster import Change, Credentials, Roster


@dataclass
class MemberResult:
    """One student's outcome in a class action."""

    name: str
    ok: bool
    changed: bool
    message: str
    archive: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ClassResult:
    """The outcome of a class action: per student, plus a one-line summary."""

    name: str
    action: str
    members: list[MemberResult] = field(default_factory=list)
    credentials: list[Credentials] = field(default_factory=list)
    summary: str = ""

    @property
    def failed(self) -> list[MemberResult]:
        return [m for m in self.members if not m.ok]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "action": self.action,
            "members": [m.to_json() for m in self.members],
            "credentials": [c.to_json() for c in self.credentials],
            "summary": self.summary,
        }


class ClassActions:
    """Per-class operations over a :class:`Classes` and a :class:`Roster` (same actor)."""

    def __init__(self, classes: Classes, roster: Roster):
        self.classes = classes
        self.roster = roster

    def as_actor(self, actor: str) -> ClassActions:
        return ClassActions(self.classes.as_actor(actor), self.roster.as_actor(actor))

    def students(self, name: str) -> builtins.list[str]:
        """The class's members who are not teachers (NotFound if no such class)."""
        info = self.classes.get(name)
        teachers = {s.name for s in self.roster.list() if s.teacher}
        return [m for m in info.members if m not in teachers]

    def _each(self, name: str, action: str, names: Iterable[str], fn: Any,
              progress: Progress) -> ClassResult:
        result = ClassResult(name, action)
        names = list(names)
        for i, student in enumerate(names):
            progress(f"{action}: {student}", i / max(len(names), 1))
            try:
                change: Change = fn(student)
                result.members.append(MemberResult(student, True, change.changed,
                                                   change.message, change.archive))
            except ClassroomError as exc:
                result.members.append(MemberResult(student, False, False, exc.message))
        changed = sum(m.changed for m in result.members)
        result.summary = (f"{action} for class {name}: {changed} changed, "
                          f"{len(result.members) - changed - len(result.failed)} unchanged, "
                          f"{len(result.failed)} failed")
        progress("done", 1.0)
        return result

    def disable(self, name: str, progress: Progress = no_progress) -> ClassResult:
        """Lock every student's login and stop their server (e.g. for an exam)."""
        return self._each(name, "disable", self.students(name), self.roster.disable, progress)

    def enable(self, name: str, progress: Progress = no_progress) -> ClassResult:
        """Unlock every student's login again."""
        return self._each(name, "enable", self.students(name), self.roster.enable, progress)

    def start_servers(self, name: str, progress: Progress = no_progress) -> ClassResult:
        """Ask the hub to start every student's server."""
        return self._each(name, "start_server", self.students(name),
                          self.roster.start_server, progress)

    def stop_servers(self, name: str, progress: Progress = no_progress) -> ClassResult:
        """Stop every student's server."""
        return self._each(name, "stop_server", self.students(name),
                          self.roster.stop_server, progress)

    def new_passwords(self, name: str, progress: Progress = no_progress) -> ClassResult:
        """A new generated password for every student with an account (ONE ``chpasswd``).

        A disabled student stays disabled. The passwords are returned once (for the
        credentials sheet) and never logged.
        """
        students = self.students(name)
        accounts = self.roster.accounts.read_all()
        result = ClassResult(name, "set_password")
        passwords: dict[str, str] = {}
        for student in students:
            account = accounts.get(student)
            if account is None or account.is_system:
                result.members.append(MemberResult(student, False, False,
                                                   "no system account: nothing to set"))
                continue
            passwords[student] = generate_password()
        progress(f"setting {len(passwords)} passwords", 0.2)
        audit, actor = self.roster.audit, self.roster.actor
        try:
            self.roster.accounts.set_passwords(passwords)
        except ClassroomError as exc:
            for student in passwords:
                audit.record(actor, "user.set_password", student, "failed", message=exc.message,
                             classname=name)
                result.members.append(MemberResult(student, False, False, exc.message))
            result.summary = f"new passwords for class {name} failed: {exc.message}"
            return result
        for student, password in passwords.items():
            audit.record(actor, "user.set_password", student, "ok", generated=True,
                         classname=name)
            full = accounts[student].full_name or None
            result.credentials.append(Credentials(student, password, True, full, "password set"))
            result.members.append(MemberResult(student, True, True, "password set"))
        result.summary = (f"new passwords for class {name}: {len(passwords)} set, "
                          f"{len(result.failed)} without an account")
        progress("done", 1.0)
        return result

    def remove_class(self, name: str, progress: Progress = no_progress) -> ClassResult:
        """Remove the class and its students (see the module docstring); returns the summary
        with one archive per removed student."""
        info = self.classes.get(name)
        memberships = self.classes.classes_of()
        teachers = {s.name for s in self.roster.list() if s.teacher}
        result = ClassResult(name, "remove_class")
        members = info.members
        for i, student in enumerate(members):
            progress(f"removing {student}", 0.9 * i / max(len(members), 1))
            others = [c for c in memberships.get(student, []) if c != name]
            if student in teachers or others:
                why = "a teacher" if student in teachers else f"also in {', '.join(others)}"
                try:
                    self.classes.remove_members(name, [student])
                    result.members.append(MemberResult(student, True, True,
                                                       f"kept ({why}); left the class"))
                except ClassroomError as exc:
                    result.members.append(MemberResult(student, False, False, exc.message))
                continue
            try:
                change = self.roster.remove(student)
                result.members.append(MemberResult(student, True, change.changed,
                                                   change.message, change.archive))
            except ClassroomError as exc:
                result.members.append(MemberResult(student, False, False, exc.message))
        removed = [m for m in result.members if m.archive or m.message.startswith("removed")]
        if result.failed:
            result.summary = (f"class {name}: {len(removed)} students removed, "
                              f"{len(result.failed)} failed; the class stays, run it again "
                              "to finish")
            self.roster.audit.record(self.roster.actor, "class.remove", name, "failed",
                                     message=result.summary)
        else:
            deleted: ClassChange = self.classes.delete_class(name)
            kept = len(result.members) - len(removed)
            result.summary = (f"class {name} removed: {len(removed)} students removed "
                              f"({sum(1 for m in removed if m.archive)} homes archived), "
                              f"{kept} kept (in another class or a teacher)"
                              + ("" if deleted.changed else "; the class was gone already"))
            self.roster.audit.record(self.roster.actor, "class.remove", name, "ok",
                                     message=result.summary)
        progress("done", 1.0)
        return result
