"""Re-importing a school export is a sync, never a duplicate.

:func:`plan_sync` changes nothing: for each row of the export it says what will happen to
the student, and for each student of the imported classes whom no row names, that they are no
longer listed:

- ``new``: no existing student matches; one will be created (username suggested from the name)
- ``unchanged``: the student exists and is in the row's class already
- ``moved``: the student exists but is in another of the imported classes (or in none yet)
- ``gone``: a member of an imported class whom no row matched; offered for archive and
  removal, never removed unless the teacher names them in ``remove``
- ``ambiguous``: several students could be meant, or the ID and the username disagree; shown
  with the candidates, never guessed (nothing happens to that row)
- ``refused``: the row cannot be used (no class, no name), with the reason

A row matches a student, in this order: by the stable external ID (when the export has an ID
column and the ID was stored at an earlier import), by username (when the export has a username
column), by full name (case and spacing ignored) within the row's class, then among the other
imported classes, then among every other student. Each tier must give exactly one student; two
or more make the row ambiguous.

**Where the external IDs live**: a root-only (0600) JSON file in the data path,
``state/external_ids.json`` (username -> ID), written atomically. Not in the hub: JupyterHub's
REST API keeps no free-form data for users (only groups have ``properties``), and ``auth_state``
belongs to the authenticator (encrypted, PAM has none). The file never leaves the host and is
not shown to students; IDs of removed students are dropped on the next write.

:func:`apply_sync` recomputes the plan from the same rows (nothing the browser sends back is
trusted as a plan), then creates classes and new students, moves students between the imported
classes (other classes, e.g. a course, are untouched), stores IDs and removes, with an archive
of each home first, exactly the ``gone`` students the teacher chose.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .changes import Progress, no_progress
from .classes import Classes, suggest_class_name
from .errors import ClassroomError
from .roster import AddResult, NewStudent, Roster, Student
from .usernames import USERNAME_RE, suggest_username

STATUSES = ("new", "unchanged", "moved", "gone", "ambiguous", "refused")
MAX_ID_LENGTH = 64


@dataclass
class SyncRow:
    """One student row of an export, as the roster import parsed it (see :func:`rows_from`)."""

    line: int
    class_label: str | None
    full_name: str | None = None
    username: str | None = None
    external_id: str | None = None
    password: str | None = None


def _attr(row: Any, *names: str) -> Any:
    for name in names:
        value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
        if value not in (None, ""):
            return value
    return None


def rows_from(parsed: Iterable[Any], default_class: str | None = None) -> list[SyncRow]:
    """Adapt the roster import's parsed rows (objects or dicts with ``class_name``,
    ``external_id``, ``username``, ``full_name`` or ``first_name``/``last_name``, ``password``,
    ``line``) to :class:`SyncRow`. ``default_class`` fills rows without a class."""
    out = []
    for i, row in enumerate(parsed, 2):
        full = _attr(row, "full_name")
        if full is None:
            parts = [_attr(row, "first_name"), _attr(row, "last_name")]
            full = " ".join(p for p in parts if p) or None
        external = _attr(row, "external_id")
        out.append(SyncRow(
            line=int(_attr(row, "line") or i),
            class_label=_attr(row, "class_name", "class_label") or default_class,
            full_name=" ".join(str(full).split()) if full else None,
            username=_attr(row, "username"),
            external_id=str(external).strip() if external is not None else None,
            password=_attr(row, "password"),
        ))
    return out


def rows_from_file(data: bytes, default_class: str | None = None) -> list[SyncRow]:
    """Parse an export with the roster import's one parser (:mod:`.roster_parse`)."""
    from .roster_parse import ParsedRoster, parse_roster

    parsed = parse_roster(data)
    if not isinstance(parsed, ParsedRoster):
        raise ClassroomError("The file's header is not understood: import it once in the "
                             "sidebar to map its columns (remembered), then sync again.",
                             code="mapping_needed")
    return rows_from(parsed.rows, default_class)


@dataclass
class SyncItem:
    """What happens to one student (``line`` None for ``gone``: no row names them)."""

    status: str
    line: int | None
    username: str | None
    full_name: str | None
    class_to: str | None
    class_from: list[str] = field(default_factory=list)
    external_id: str | None = None
    reason: str = ""
    candidates: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SyncPlan:
    items: list[SyncItem]
    classes: list[str]
    new_classes: list[str]
    passwords: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            counts[item.status] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {"items": [i.to_json() for i in self.items], "classes": self.classes,
                "new_classes": self.new_classes, "summary": self.summary}


# ---- external IDs ------------------------------------------------------------------------

class ExternalIds:
    """username -> external ID, in ``state/external_ids.json`` (root only, atomic)."""

    def __init__(self, paths: ClassroomPaths):
        self.path = paths.state / "external_ids.json"

    def load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as exc:
            raise ClassroomError(f"{self.path} is not valid JSON ({exc}): fix or remove it.",
                                 code="bad_state", status=500) from None
        ids = data.get("ids", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in ids.items()}

    def save(self, ids: dict[str, str], keep: set[str]) -> None:
        """Write ``ids`` for the usernames in ``keep`` (others are gone)."""
        clean = {k: v for k, v in sorted(ids.items()) if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path.parent, os.stat(self.path.parent).st_mode & 0o7777 & ~0o002)
        write_text_atomic(self.path, json.dumps({"ids": clean}, indent=1, ensure_ascii=False)
                          + "\n", mode=0o600)


def _norm(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def names_index(students: Iterable[Student]) -> dict[str, list[str]]:
    """Normalised full name -> the usernames of the students called so."""
    out: dict[str, list[str]] = {}
    for s in students:
        out.setdefault(_norm(s.full_name), []).append(s.name)
    return out


def match_full_name(full_name: str, target: str | None, students: dict[str, Student],
                    by_name: dict[str, list[str]], scope: set[str] | frozenset[str] = frozenset(),
                    anyone: bool = True) -> list[str]:
    """The students called ``full_name``, from the first of these that has any: those in class
    ``target``, those in a class of ``scope``, and (``anyone``) everyone. One name is the
    match; several are ambiguous (never guessed); none: nobody is called so."""
    same = by_name.get(_norm(full_name), [])
    tiers = (
        [n for n in same if target is not None and target in students[n].classes],
        [n for n in same if any(c in scope for c in students[n].classes)],
        same if anyone else [],
    )
    return next((sorted(tier) for tier in tiers if tier), [])


# ---- plan --------------------------------------------------------------------------------

def plan_sync(rows: Sequence[SyncRow], roster: Roster, classes: Classes,
              ids: ExternalIds | None = None) -> SyncPlan:
    """The sync plan for ``rows`` (see the module docstring); changes nothing."""
    ids = ids or ExternalIds(roster.paths)
    everyone = roster.list()
    students = {s.name: s for s in everyone if not s.teacher}
    teachers = {s.name for s in everyone if s.teacher}
    stored = {k: v for k, v in ids.load().items() if k in students}
    by_id = {v: k for k, v in stored.items()}
    existing_classes = classes.class_names()
    items: list[SyncItem] = []
    passwords: dict[int, str] = {}
    targets: list[str] = []
    seen_ids: dict[str, int] = {}
    rows_ok: list[tuple[SyncRow, str]] = []
    for row in rows:
        name = suggest_class_name(row.class_label or "")
        problem = ""
        if not row.class_label:
            problem = "no class: the row has no class column value (or give a class)"
        elif name is None:
            problem = f"class {row.class_label!r} cannot be made a class name"
        elif not (row.full_name or row.username):
            problem = "neither a name nor a username"
        elif row.username in teachers:
            problem = f"{row.username} is a teacher: the import does not change teachers"
        elif row.external_id is not None and len(row.external_id) > MAX_ID_LENGTH:
            problem = f"the ID is longer than {MAX_ID_LENGTH} characters"
        elif row.external_id and row.external_id in seen_ids:
            problem = f"the ID {row.external_id} appears on line {seen_ids[row.external_id]} too"
        if problem:
            items.append(SyncItem("refused", row.line, row.username, row.full_name,
                                  row.class_label, reason=problem,
                                  external_id=row.external_id))
            continue
        assert name is not None
        if row.external_id:
            seen_ids[row.external_id] = row.line
        if name not in targets:
            targets.append(name)
        rows_ok.append((row, name))
    scope = set(targets)

    def classes_in_scope(s: Student) -> list[str]:
        return [c for c in s.classes if c in scope]

    by_name = names_index(students.values())
    claimed: dict[str, int] = {}
    taken = set(students) | set(roster.accounts.read_all())

    for row, target in rows_ok:
        match: str | None = None
        reason = ""
        candidates: list[str] = []
        if row.external_id and row.external_id in by_id:
            match = by_id[row.external_id]
            reason = "matched by ID"
            if row.username and row.username != match:
                candidates, match = [match, row.username], None
                reason = (f"the ID {row.external_id} belongs to {candidates[0]}, the row names "
                          f"{row.username}: check the export")
        elif row.username and row.username in students:
            match, reason = row.username, "matched by username"
            if row.external_id and stored.get(match) not in (None, row.external_id):
                candidates, match = [row.username], None
                reason = (f"{row.username} has the ID {stored[row.username]}, the row says "
                          f"{row.external_id}: check the export")
        elif row.full_name:
            tier = match_full_name(row.full_name, target, students, by_name, scope)
            if len(tier) == 1:
                match, reason = tier[0], "matched by full name"
            elif len(tier) > 1:
                candidates = tier
                reason = (f"{len(tier)} students are called {row.full_name}: choose by "
                          "adding a username or ID column")
        if match is not None and match in claimed:
            candidates, match = [match], None
            reason = f"line {claimed[candidates[0]]} matches the same student"
        if candidates and match is None:
            items.append(SyncItem("ambiguous", row.line, row.username, row.full_name, target,
                                  external_id=row.external_id, reason=reason,
                                  candidates=candidates))
            continue
        if match is None:
            username = row.username
            if username is None or not USERNAME_RE.fullmatch(username) or username in taken:
                username = suggest_username(row.full_name or row.username or "", taken)
            if username is None:
                items.append(SyncItem("refused", row.line, row.username, row.full_name, target,
                                      external_id=row.external_id,
                                      reason="no valid username can be made from the name"))
                continue
            taken.add(username)
            claimed[username] = row.line
            if row.password:
                passwords[row.line] = row.password
            items.append(SyncItem("new", row.line, username, row.full_name, target,
                                  external_id=row.external_id, reason="not found: create"))
            continue
        claimed[match] = row.line
        student = students[match]
        others = [c for c in classes_in_scope(student) if c != target]
        status = "unchanged" if target in student.classes and not others else "moved"
        if status == "moved":
            reason += (f"; moves from {', '.join(others)} to {target}" if others
                       else f"; joins {target}")
        items.append(SyncItem(status, row.line, match, student.full_name or row.full_name,
                              target, class_from=others, external_id=row.external_id,
                              reason=reason))

    for s in sorted(students.values(), key=lambda s: s.name):
        if s.name not in claimed and classes_in_scope(s):
            items.append(SyncItem("gone", None, s.name, s.full_name, None,
                                  class_from=classes_in_scope(s),
                                  external_id=stored.get(s.name),
                                  reason="no longer listed: archive and remove?"))
    return SyncPlan(items, targets, [c for c in targets if c not in existing_classes],
                    passwords)


# ---- apply -------------------------------------------------------------------------------

@dataclass
class SyncResult:
    plan: SyncPlan
    added: list[AddResult] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"plan": self.plan.to_json(), "added": [a.to_json() for a in self.added],
                "messages": self.messages, "removed": self.removed, "failed": self.failed}


def apply_sync(rows: Sequence[SyncRow], roster: Roster, classes: Classes,
               remove: Iterable[str] = (), progress: Progress = no_progress,
               ids: ExternalIds | None = None) -> SyncResult:
    """Carry out the plan for ``rows``; ``remove``: the ``gone`` students to archive and
    remove (others named there are refused before anything changes)."""
    ids = ids or ExternalIds(roster.paths)
    plan = plan_sync(rows, roster, classes, ids)
    gone = {i.username for i in plan.items if i.status == "gone"}
    remove = list(dict.fromkeys(remove))
    wrong = [n for n in remove if n not in gone]
    if wrong:
        raise ClassroomError(f"Only students no longer listed can be removed here: "
                             f"{', '.join(wrong)} are still in the export.", code="not_gone")
    result = SyncResult(plan)
    progress("creating classes", 0.02)
    for name in plan.classes:
        classes.ensure_class(name)
    new = [i for i in plan.items if i.status == "new"]
    if new:
        progress(f"creating {len(new)} students", 0.05)
        entries = [NewStudent(i.username or "", i.full_name,
                              plan.passwords.get(i.line or 0)) for i in new]
        result.added = roster.add_many(
            entries, lambda m, f: progress(m, 0.05 + 0.6 * (f or 0)))
        made = {a.username for a in result.added if a.ok}
        result.failed += [f"{a.username}: {a.message}" for a in result.added if not a.ok]
    else:
        made = set()
    progress("putting students into their classes", 0.7)
    joins: dict[str, list[str]] = {}
    leaves: dict[str, list[str]] = {}
    for item in plan.items:
        if item.status == "new" and item.username in made or item.status == "moved":
            assert item.class_to is not None and item.username is not None
            joins.setdefault(item.class_to, []).append(item.username)
            for old in item.class_from:
                leaves.setdefault(old, []).append(item.username)
    for name, users in joins.items():
        change = classes.add_members(name, users)
        result.messages.append(f"{name}: {change.message}")
    for name, users in leaves.items():
        change = classes.remove_members(name, users)
        result.messages.append(f"{name}: {change.message}")
    stored = ids.load()
    for item in plan.items:
        if item.external_id and item.username and item.status in ("new", "moved", "unchanged"):
            if item.status != "new" or item.username in made:
                stored[item.username] = item.external_id
    for i, name in enumerate(remove):
        progress(f"archiving and removing {name}", 0.75 + 0.2 * i / max(len(remove), 1))
        try:
            removal = roster.remove(name)
            result.removed.append({"name": name, "archive": removal.archive,
                                   "message": removal.message})
        except ClassroomError as exc:
            result.failed.append(f"{name}: {exc.message}")
    ids.save(stored, {s.name for s in roster.list(fresh=True)})
    summary = plan.summary
    roster.audit.record(roster.actor, "class.sync", ",".join(plan.classes),
                        "failed" if result.failed else "ok",
                        message=(f"{len(made)} new, {summary['moved']} moved, "
                                 f"{len(result.removed)} removed, {summary['ambiguous']} "
                                 f"ambiguous, {summary['refused']} refused"))
    progress("done", 1.0)
    return result


