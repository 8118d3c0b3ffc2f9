"""Classes: a class is a JupyterHub group plus a unix group of the same name.

The hub group is the source of truth for who is in a class (the platform's mechanism: hub
admins see it on the admin page, roles and sharing can name it). It carries the property
``{"classroom": "class"}``, so other hub groups a teacher made by hand are never taken for a
class. The unix group mirrors the hub group's members that have a system account (``gpasswd
-M``), so file permissions can name a class too. A student may be in several classes (the form
10a and a course ``info-lk``).

Class names (:func:`check_class_name`) match ``[a-z0-9][a-z0-9_-]{0,31}`` (fullmatch) and are
not all digits. Why a digit may come first: school classes are called ``10a``, ``5b``, ``q1``.
Debian 12's shadow (4.13 with Debian's relaxed-names patch) accepts such names in ``groupadd``
(checked here: ``groupadd 9xyz`` works, no ``--badname`` option exists or is needed), and so
does Ubuntu 24.04's. All-digit names are refused all the same: ``chgrp 10 file`` would take
them as a gid. Upper case is refused too (``10A`` and ``10a`` would be two classes): the import
turns an export's ``10A`` into ``10a`` with :func:`suggest_class_name`. JupyterHub puts no rule
on group names beyond being a URL path segment, which these names are. A name already used by
a unix group that is not one of our classes (a student's own group, ``sudo``, ...), by an
account, or reserved (:data:`.usernames.RESERVED`) is refused.

Order of creation: the hub group (marked) first, then ``groupadd``. A failure in between
leaves a marked hub group without its unix group; re-running :meth:`Classes.ensure_class`
finishes it. Every operation validates all input first, is safe to re-run ("nothing to
change"), and writes one audit line.
"""

from __future__ import annotations

import grp
import pwd
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..paths import ClassroomPaths
from .audit import AuditLog
from .commands import run
from .errors import ClassroomError, NotFound
from .hub_api import HubClient
from .usernames import RESERVED, USERNAME_RE, is_system_uid, transliterate

CLASS_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
MAX_LENGTH = 32
#: the hub group property that makes a group a class
MARK_KEY = "classroom"
MARK_VALUE = "class"
NOTHING = "nothing to change"


class ClassNameRefused(ClassroomError):
    """A class name that cannot be used; ``suggested`` is a valid one (or None)."""

    def __init__(self, message: str, suggested: str | None = None):
        hint = f" Suggested name: {suggested}." if suggested else ""
        super().__init__(message + hint, code="bad_class_name")
        self.suggested = suggested


def class_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a class name (shape only); None if it can."""
    if not isinstance(name, str) or name == "":
        return "The class name is empty: enter one, e.g. 10a."
    shown = repr(name)
    if len(name) > MAX_LENGTH:
        return f"{shown} has {len(name)} characters: a class name has at most {MAX_LENGTH}."
    if name != name.lower() and CLASS_NAME_RE.fullmatch(name.lower()):
        return f"{shown} contains capital letters: class names are lowercase."
    if not CLASS_NAME_RE.fullmatch(name):
        return (f"{shown} is not a valid class name: use lowercase letters a-z, digits, '-' "
                "or '_', starting with a letter or a digit (e.g. 10a, info-lk).")
    if name.isdigit():
        return f"{shown} is only digits (taken as a group id by the system): add a letter."
    if name in RESERVED:
        return f"{shown} is reserved by the system or the hub: choose another name."
    return None


def suggest_class_name(label: str) -> str | None:
    """A valid class name made from an export's label: ``"10 A"`` -> ``10a``,
    ``"Q1 Informatik"`` -> ``q1-informatik``, ``"Kl. 5ü"`` -> ``kl-5ue``; None if none."""
    text = transliterate(label or "").lower().strip()
    text = re.sub(r"^(\d+)\s+([a-z])$", r"\1\2", text)  # "10 a" -> "10a"
    text = re.sub(r"[^a-z0-9_-]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-_")
    text = text[:MAX_LENGTH].rstrip("-_")
    if not text or class_name_problem(text) is not None:
        return None
    return text


def check_class_name(name: object) -> str:
    """``name`` if it is a valid class name (shape only), else :class:`ClassNameRefused`."""
    problem = class_name_problem(name)
    if problem is not None:
        raise ClassNameRefused(problem, suggest_class_name(name) if isinstance(name, str)
                               else None)
    assert isinstance(name, str)
    return name


def is_class(group: dict | None) -> bool:
    """True if the hub group model carries the class mark."""
    return group is not None and (group.get("properties") or {}).get(MARK_KEY) == MARK_VALUE


@dataclass
class ClassInfo:
    """One class: its name, its members (hub users, sorted), and its unix group."""

    name: str
    members: list[str]
    unix_group: bool
    gid: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ClassChange:
    """The outcome of one class operation (``changed`` False: nothing to change)."""

    name: str
    action: str
    changed: bool
    message: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class UnixGroups:
    """The host's groups (``groupadd``/``gpasswd``/``groupmod``/``groupdel``, argv only)."""

    def get(self, name: str) -> grp.struct_group | None:
        try:
            return grp.getgrnam(name)
        except KeyError:
            return None

    def all(self) -> dict[str, grp.struct_group]:
        """Every group of the host, from ONE read of the group database (a lookup per class
        parses /etc/group again each time: with 3000 students' own groups that is slow)."""
        return {g.gr_name: g for g in grp.getgrall()}

    def create(self, name: str) -> None:
        run(["groupadd", "--", name])

    def set_members(self, name: str, members: Iterable[str]) -> None:
        run(["gpasswd", "-M", ",".join(sorted(members)), "--", name])

    def rename(self, old: str, new: str) -> None:
        run(["groupmod", "-n", new, "--", old])

    def delete(self, name: str) -> None:
        run(["groupdel", "--", name])


class GroupListing:
    """The hub's group listing, kept for ``max_age`` seconds and shared by everything that
    talks to the same hub (Classes, Roster.list): listing the groups of 3000 students costs the
    hub hundreds of ms on a busy host. Every change made through :class:`Classes` or the
    :class:`~.roster.Roster` empties it; a change made elsewhere (the hub's admin page) shows
    within ``max_age``."""

    max_age = 10.0
    _lock = threading.Lock()
    _generation = 0  # counts invalidations
    _cache: weakref.WeakKeyDictionary[Any, tuple[float, list[dict]]] = (
        weakref.WeakKeyDictionary())

    @classmethod
    def get(cls, hub: Any) -> list[dict]:
        """The hub client's group listing (fresh if older than ``max_age``)."""
        key = hub
        with cls._lock:
            hit = cls._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < cls.max_age:
            return hit[1]
        taken = time.monotonic()
        with cls._lock:
            generation = cls._generation
        groups = hub.list_groups()
        with cls._lock:
            # a change made while this listing was on its way makes it stale: not kept
            if generation == cls._generation:
                cls._cache[key] = (taken, groups)
        return groups

    @classmethod
    def invalidate(cls) -> None:
        """Forget every listing (after any change of users or groups)."""
        with cls._lock:
            cls._generation += 1
            cls._cache.clear()


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class Classes:
    """The class operations (hub group + unix group), recorded in the audit log."""

    def __init__(
        self,
        hub: HubClient,
        paths: ClassroomPaths | None = None,
        *,
        audit: AuditLog | None = None,
        actor: str = "system",
        unix: UnixGroups | None = None,
        account_exists: Callable[[str], bool] = account_exists,
    ):
        self.hub = hub
        self.paths = paths or ClassroomPaths()
        self.audit = audit or AuditLog(self.paths.audit_log)
        self.actor = actor
        self.unix = unix or UnixGroups()
        self._account_exists = account_exists
        self._lock = threading.RLock()

    def as_actor(self, actor: str) -> Classes:
        """The same classes, recording changes under ``actor``."""
        clone = object.__new__(Classes)
        clone.__dict__.update(self.__dict__)
        clone.actor = actor
        return clone

    # ---- reading -------------------------------------------------------------------------

    def _groups(self) -> dict[str, dict]:
        return {g["name"]: g for g in GroupListing.get(self.hub) if is_class(g)}

    def list_classes(self) -> list[ClassInfo]:
        """Every class with its members, sorted by name (one paged hub request, one read of
        the group database)."""
        unix = self.unix.all()
        return [self._info(g, unix) for _, g in sorted(self._groups().items())]

    def get(self, name: str) -> ClassInfo:
        """One class; :class:`NotFound` if there is none of that name."""
        if class_name_problem(name) is not None:
            raise NotFound(f"There is no class {name!r}.")
        group = self.hub.get_group(name)
        if not is_class(group):
            raise NotFound(f"There is no class {name!r}: create it first "
                           f"(classroom classes create {name}).")
        assert group is not None
        return self._info(group)

    def classes_of(self) -> dict[str, list[str]]:
        """username -> the classes they are in (sorted)."""
        out: dict[str, list[str]] = {}
        for name, group in sorted(self._groups().items()):
            for user in group.get("users") or []:
                out.setdefault(user, []).append(name)
        return out

    def class_names(self) -> set[str]:
        """The names of every class."""
        return set(self._groups())

    def _info(self, group: dict, groups: dict[str, Any] | None = None) -> ClassInfo:
        unix = groups.get(group["name"]) if groups is not None else self.unix.get(group["name"])
        return ClassInfo(group["name"], sorted(group.get("users") or []), unix is not None,
                         unix.gr_gid if unix is not None else None)

    # ---- creating ------------------------------------------------------------------------

    def _creatable(self, name: str) -> dict | None:
        """Check that ``name`` may be (or is) a class; returns its hub group if it exists."""
        check_class_name(name)
        group = self.hub.get_group(name)
        if group is not None and not is_class(group):
            raise ClassroomError(
                f"The hub has a group {name!r} that is not a class (made by hand?): choose "
                "another class name, or delete that hub group first.", code="group_exists",
                status=409)
        unix = self.unix.get(name)
        if group is None and unix is not None:
            raise ClassroomError(
                f"A group {name!r} exists on this host already (a system group or a "
                "student's own group): choose another class name.", code="group_exists",
                status=409)
        if unix is not None and is_system_uid(unix.gr_gid):
            raise ClassroomError(f"{name!r} is a system group of this host (gid "
                                 f"{unix.gr_gid}): choose another class name.",
                                 code="group_exists", status=409)
        if self._account_exists(name):
            raise ClassroomError(
                f"An account named {name!r} exists: a class cannot have the name of a user. "
                "Choose another class name.", code="group_exists", status=409)
        return group

    def ensure_class(self, name: str) -> ClassChange:
        """Create the class (hub group, then unix group); "nothing to change" if it exists."""
        with self._lock:
            try:
                group = self._creatable(name)
            except ClassroomError as exc:
                self._refused("class.create", name, exc)
                raise
            changed = False
            if group is None:
                # the hub takes no properties on create: mark it right away, or take it back
                self.hub.create_group(name)
                try:
                    self.hub.set_group_properties(name, {MARK_KEY: MARK_VALUE})
                except ClassroomError:
                    self.hub.delete_group(name)
                    raise
                changed = True
            if self.unix.get(name) is None:
                self.unix.create(name)
                changed = True
                members = (group or {}).get("users") or []
                if members:
                    self._sync_unix(name, members)
            return self._done(name, "class.create", changed, "class created")

    # ---- members -------------------------------------------------------------------------

    def _check_users(self, usernames: Iterable[str]) -> list[str]:
        names = list(dict.fromkeys(usernames))
        bad = [n for n in names if not isinstance(n, str) or not USERNAME_RE.fullmatch(n)]
        if bad:
            raise ClassroomError(f"Not a username: {', '.join(map(repr, bad))}.",
                                 code="bad_username")
        if not names:
            raise ClassroomError("Name at least one student.", code="missing_field")
        unknown = [n for n in names if self.hub.get_user(n) is None] if len(names) <= 5 else []
        if len(names) > 5:
            known = {u["name"] for u in self.hub.list_users()}
            unknown = [n for n in names if n not in known]
        if unknown:
            raise NotFound(f"Not a student of this hub: {', '.join(unknown)}. Add them first.")
        return names

    def _sync_unix(self, name: str, members: Iterable[str]) -> None:
        """Make the unix group's members the hub members that have an account."""
        self.unix.set_members(name, [m for m in members if self._account_exists(m)])

    def add_members(self, name: str, usernames: Iterable[str]) -> ClassChange:
        """Put students into the class (those in it already stay)."""
        with self._lock:
            try:
                users = self._check_users(usernames)
                info = self.get(name)
            except ClassroomError as exc:
                self._refused("class.add_members", name, exc)
                raise
            new = [u for u in users if u not in info.members]
            if new:
                self.hub.add_group_members(name, new)
            if new or not info.unix_group:
                if not info.unix_group:
                    self.ensure_class(name)
                self._sync_unix(name, sorted({*info.members, *new}))
            return self._done(name, "class.add_members", bool(new),
                              f"{len(new)} added", added=new)

    def remove_members(self, name: str, usernames: Iterable[str]) -> ClassChange:
        """Take students out of the class (their accounts stay)."""
        with self._lock:
            try:
                names = list(dict.fromkeys(usernames))
                if not names or any(not isinstance(n, str) or not USERNAME_RE.fullmatch(n)
                                    for n in names):
                    raise ClassroomError("Name the students to take out (usernames).",
                                         code="bad_username")
                info = self.get(name)
            except ClassroomError as exc:
                self._refused("class.remove_members", name, exc)
                raise
            gone = [u for u in names if u in info.members]
            if gone:
                self.hub.remove_group_members(name, gone)
                if info.unix_group:
                    self._sync_unix(name, [m for m in info.members if m not in gone])
            return self._done(name, "class.remove_members", bool(gone),
                              f"{len(gone)} taken out", removed=gone)

    def move(self, usernames: Iterable[str], source: str, target: str) -> ClassChange:
        """Move students from ``source`` to ``target`` (their other classes stay)."""
        names = list(dict.fromkeys(usernames))
        with self._lock:
            try:
                if source == target:
                    raise ClassroomError("Source and target class are the same.",
                                         code="same_class")
                src = self.get(source)
                self.get(target)
                users = self._check_users(names)
                outside = [u for u in users if u not in src.members]
                if outside:
                    raise ClassroomError(f"Not in class {source}: {', '.join(outside)}.",
                                         code="not_member")
            except ClassroomError as exc:
                self._refused("class.move", f"{source}->{target}", exc)
                raise
            added = self.add_members(target, users)
            self.remove_members(source, users)
            return self._done(f"{source}->{target}", "class.move", True,
                              f"{len(users)} moved from {source} to {target}",
                              added=added.added, removed=users)

    # ---- renaming and removing -----------------------------------------------------------

    def rename_class(self, old: str, new: str) -> ClassChange:
        """Rename a class (e.g. promote ``10a`` to ``11a``): members and the unix group's gid
        stay. The hub has no rename: a new group gets the members, then the old one goes.
        Safe to re-run after a failure part way."""
        with self._lock:
            try:
                check_class_name(new)
                old_group = self.hub.get_group(old)
                new_group = self.hub.get_group(new)
                if not is_class(old_group):
                    if is_class(new_group) and self.unix.get(old) is None:
                        return self._done(f"{old}->{new}", "class.rename", False, "")
                    raise NotFound(f"There is no class {old!r}.")
                if new_group is not None and not is_class(new_group):
                    raise ClassroomError(f"The hub has a group {new!r} that is not a class: "
                                         "choose another name.", code="group_exists",
                                         status=409)
                old_members = set(old_group.get("users") or []) if old_group else set()
                if is_class(new_group) and set((new_group or {}).get("users") or []) \
                        - old_members:
                    # (members of the old class only: a rename that stopped part way)
                    raise ClassroomError(f"Class {new!r} exists and has students: choose "
                                         "another name, or move the students.",
                                         code="class_exists", status=409)
                new_unix = self.unix.get(new) is not None
                if new_unix and (self.unix.get(old) is not None or not is_class(new_group)):
                    raise ClassroomError(f"A group {new!r} exists on this host: choose "
                                         "another name.", code="group_exists", status=409)
                if new_group is None and self._account_exists(new):
                    raise ClassroomError(f"An account named {new!r} exists: choose another "
                                         "class name.", code="group_exists", status=409)
            except ClassroomError as exc:
                self._refused("class.rename", f"{old}->{new}", exc)
                raise
            assert old_group is not None
            members = sorted(old_group.get("users") or [])
            if new_group is None:
                self.hub.create_group(new, members)
            else:
                self.hub.add_group_members(new, members)
            self.hub.set_group_properties(new, {**(old_group.get("properties") or {}),
                                                MARK_KEY: MARK_VALUE})
            if self.unix.get(old) is not None:
                self.unix.rename(old, new)
            elif self.unix.get(new) is None:
                self.unix.create(new)
            self._sync_unix(new, members)
            self.hub.delete_group(old)
            return self._done(f"{old}->{new}", "class.rename", True,
                              f"class {old} is now {new}")

    def delete_class(self, name: str) -> ClassChange:
        """Delete the class itself (hub group and unix group); the students' accounts stay.
        To remove the students as well, see :meth:`.class_actions.ClassActions.remove_class`."""
        with self._lock:
            check_class_name(name)
            group = self.hub.get_group(name)
            if group is not None and not is_class(group):
                exc = ClassroomError(f"The hub group {name!r} is not a class; it stays.",
                                     code="not_a_class", status=409)
                self._refused("class.delete", name, exc)
                raise exc
            changed = False
            if group is not None:
                self.hub.delete_group(name)
                changed = True
            unix = self.unix.get(name)
            if unix is not None and (group is not None) and not is_system_uid(unix.gr_gid):
                self.unix.delete(name)
                changed = True
            return self._done(name, "class.delete", changed, "class deleted")

    # ---- audit ---------------------------------------------------------------------------

    def _refused(self, action: str, target: str, exc: ClassroomError) -> None:
        GroupListing.invalidate()
        self.audit.record(self.actor, action, target,
                          "refused" if exc.status < 500 else "failed", message=exc.message)

    def _done(self, target: str, action: str, changed: bool, message: str,
              **details: Any) -> ClassChange:
        GroupListing.invalidate()
        message = message if changed else NOTHING
        self.audit.record(self.actor, action, target, "ok" if changed else "nothing-to-change",
                          message=message, **details)
        return ClassChange(target, action, changed, message,
                           added=list(details.get("added", [])),
                           removed=list(details.get("removed", [])))
