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

The code is split by job: ``roster_types`` (the dataclasses), ``roster_base`` (state, reading,
shared helpers), ``roster_add`` (add/add_many), ``roster_passwords``, ``roster_changes``
(disable/enable/remove/teacher/servers). Import everything from here.
"""

from __future__ import annotations

from .changes import Change
from .roster_add import RosterAdding
from .roster_changes import RosterChanges
from .roster_passwords import RosterPasswords
from .roster_types import NOTHING, AddResult, Credentials, NewStudent, Student

__all__ = [
    "NOTHING",
    "AddResult",
    "Change",
    "Credentials",
    "NewStudent",
    "Roster",
    "Student",
]


class Roster(RosterAdding, RosterPasswords, RosterChanges):
    """The student operations: system account and hub user kept in step."""

    def as_actor(self, actor: str) -> Roster:
        """The same roster, recording changes under ``actor``."""
        clone = object.__new__(Roster)
        clone.__dict__.update(self.__dict__)
        clone.actor = actor
        return clone
