"""Roster import, step one: the plan. Per row what will happen, changing nothing.

:func:`preview` takes the rows of a roster file (parsed by :mod:`.roster_parse`, the one
parser) and says per row what :mod:`.roster_apply` would do (``create``, ``exists``) or why the
row is refused, with a suggested valid username where one can be made. A teacher's edits of
usernames come back as :func:`with_edits` on the same rows and go through this same check;
rows sent as JSON (:func:`rows_from_json`) too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .errors import ClassroomError
from .passwords import password_problem
from .roster import Roster, Student
from .roster_parse import MAX_ROWS, InputRow, rows_from_text
from .system_accounts import _gecos_problem
from .usernames import suggest_username, username_problem


@dataclass
class PreviewRow:
    """What will happen to one row: ``action`` is create, exists or refuse."""

    line: int
    input: dict[str, Any]
    username: str | None
    suggested: str | None
    action: str
    reason: str
    class_name: str | None = None
    external_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Preview:
    """The plan of a roster import: one :class:`PreviewRow` per row, in file order."""

    rows: list[PreviewRow]
    summary: dict[str, int] = field(default_factory=dict)
    # Passwords from the file, by line: only in to_json(passwords=True), for the uploader.
    passwords: dict[int, str] = field(default_factory=dict, repr=False)

    def to_json(self, passwords: bool = False) -> dict[str, Any]:
        """The plan as JSON; ``passwords`` adds the file's password to its row (the uploader's
        own preview only)."""
        rows = [r.to_json() for r in self.rows]
        if passwords:
            for row in rows:
                if row["line"] in self.passwords:
                    row["password"] = self.passwords[row["line"]]
        classes = sorted({r.class_name for r in self.rows if r.class_name})
        return {"rows": rows, "summary": self.summary, "classes": classes}

    def accepted(self) -> list[dict[str, Any]]:
        """The rows to apply (create or exists), with the file's passwords and the class."""
        return [
            {
                "username": r.username,
                "full_name": r.input.get("full_name"),
                "password": self.passwords.get(r.line),
                "class_name": r.class_name,
            }
            for r in self.rows
            if r.action in ("create", "exists")
        ]

    def refused(self) -> list[PreviewRow]:
        """The rows that cannot be applied, with their reasons."""
        return [r for r in self.rows if r.action == "refuse"]


def rows_from_json(rows: Any) -> list[InputRow]:
    """Rows sent as JSON (``[{username, full_name?, password?, class_name?}]``), checked for
    shape; their content is checked by :func:`preview` like a file's rows."""
    if not isinstance(rows, list) or not rows:
        raise ClassroomError("'rows' must be a non-empty list.", code="missing_field")
    if len(rows) > MAX_ROWS:
        raise ClassroomError(f"At most {MAX_ROWS} rows per import: split the roster.",
                             code="too_large", status=413)
    out = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("username"), str):
            raise ClassroomError(f"Row {i}: 'username' (text) is required.", code="bad_rows")
        for key in ("full_name", "password", "class_name", "external_id"):
            if row.get(key) is not None and not isinstance(row[key], str):
                raise ClassroomError(f"Row {i}: '{key}' must be text.", code="bad_rows")
        out.append(InputRow(
            line=i,
            username=row["username"] or None,
            full_name=(row.get("full_name") or "").strip() or None,
            password=row.get("password") or None,
            class_name=(row.get("class_name") or "").strip() or None,
            external_id=(row.get("external_id") or "").strip() or None,
        ))
    return out


def with_edits(rows: list[InputRow], edits: Any) -> list[InputRow]:
    """The rows with the teacher's usernames (``[{line, username}]``; an empty username asks
    for one made from the name). Checked again by :func:`preview` like any row."""
    if edits is None:
        return rows
    if not isinstance(edits, list):
        raise ClassroomError("'edits' must be a list of {line, username}.", code="bad_edits")
    by_line = {r.line: r for r in rows}
    changed: dict[int, str | None] = {}
    for edit in edits:
        if (not isinstance(edit, dict) or isinstance(edit.get("line"), bool)
                or not isinstance(edit.get("line"), int)
                or not isinstance(edit.get("username"), str)):
            raise ClassroomError("Each edit needs 'line' (a number) and 'username' (text).",
                                 code="bad_edits")
        if edit["line"] not in by_line:
            raise ClassroomError(f"The roster has no row on line {edit['line']}.",
                                 code="bad_edits")
        changed[edit["line"]] = edit["username"].strip() or None
    return [replace(r, username=changed[r.line]) if r.line in changed else r for r in rows]


class _Existing:
    """The students already there, for rows that name no username: a row matches one by its
    ID (stored at an earlier import) or by its full name: in the row's class, else in another
    class the file names (a student who changed class); a row without a class, anyone. The
    class sync's matching (:mod:`.class_sync`). Read once, on the first such row."""

    def __init__(self, roster: Roster, rows: list[InputRow]):
        from .class_sync import ExternalIds, names_index
        from .classes import suggest_class_name

        self.scope = {c for c in (suggest_class_name(r.class_name) for r in rows if r.class_name)
                      if c}

        self.students: dict[str, Student] = {s.name: s for s in roster.list() if not s.teacher}
        self.by_name = names_index(self.students.values())
        self.by_id = {v: k for k, v in ExternalIds(roster.paths).load().items()
                      if k in self.students}

    def find(self, row: InputRow) -> tuple[str | None, str]:
        """(username, why) of the one student the row names; (None, why) when several share
        the name (never guessed); (None, "") when nobody matches."""
        from .class_sync import match_full_name
        from .classes import suggest_class_name

        if row.external_id and row.external_id in self.by_id:
            return self.by_id[row.external_id], f"matched by ID {row.external_id}"
        target = suggest_class_name(row.class_name) if row.class_name else None
        found = match_full_name(row.full_name or "", target, self.students, self.by_name,
                                self.scope, anyone=not row.class_name)
        if len(found) == 1:
            classes = self.students[found[0]].classes
            where = (f" in {target}" if target in classes
                     else f" in {', '.join(classes)} (the file says {target})"
                     if target and classes else "")
            return found[0], f"matched by full name{where}"
        if len(found) > 1:
            return None, (f"{len(found)} students are called {row.full_name} "
                          f"({', '.join(found)}): enter the username of the one meant, or "
                          "leave the row out")
        return None, ""


def preview(source: str | list[InputRow], roster: Roster) -> Preview:
    """Say per row what :func:`.roster_apply.apply_plan` would do, changing nothing.

    ``source`` is the parsed rows, or roster text (tests, the old JSON route). Reads the host's
    accounts once and the hub's user list once.
    """
    rows = rows_from_text(source) if isinstance(source, str) else source
    accounts = roster.accounts.read_all()
    uids = {a.name: a.uid for a in accounts.values()}
    hub_names = {u["name"] for u in roster.hub.list_users()}
    existing = set(uids) | hub_names
    # Names the file asks for, so that suggestions never collide with a later row.
    wanted = {r.username for r in rows if r.username}
    used: dict[str, int] = {}
    out: list[PreviewRow] = []
    passwords: dict[int, str] = {}
    known: _Existing | None = None  # the students already there (re-import: never twice)

    for row in rows:
        given = {
            "username": row.username,
            "full_name": row.full_name,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "password_given": row.password is not None,
        }

        def refuse(reason: str, suggested: str | None = None, row=row, given=given) -> None:
            out.append(PreviewRow(row.line, given, None, suggested, "refuse", reason,
                                  row.class_name, row.external_id))

        matched = ""
        if row.username is None and row.full_name:
            known = known or _Existing(roster, rows)
            match, why = known.find(row)
            if match is None and why:
                refuse(why)
                continue
            if match is not None:
                row, matched = replace(row, username=match), why
        taken = existing | wanted | set(used)
        if row.username is None and not row.full_name:
            refuse("The row has neither a username nor a full name: fill in one.")
            continue
        made_up = row.username is None
        if made_up:
            name = suggest_username(row.full_name or "", taken, accounts=uids)
            if name is None:
                refuse(f"No username can be made from {row.full_name!r}: enter one.")
                continue
        else:
            name = row.username or ""
            problem = username_problem(name, accounts=uids)
            if problem:
                source = row.full_name or name
                suggested = suggest_username(source, taken, accounts=uids)
                hint = f" Suggested: {suggested}." if suggested else ""
                refuse(problem[1] + hint, suggested)
                continue
        if name in used:
            refuse(f"{name!r} is also on line {used[name]}: each student once.",
                   suggest_username(row.full_name or name, taken, accounts=uids))
            continue
        if row.full_name and (problem_text := _gecos_problem(row.full_name)):
            refuse(problem_text)
            continue
        if row.password is not None and (problem_text := password_problem(row.password)):
            refuse(problem_text)
            continue
        used[name] = row.line
        if row.password is not None:
            passwords[row.line] = row.password
        in_hub, has_account = name in hub_names, name in uids
        if in_hub and has_account:
            action = "exists"
            reason = ("exists already; the password from the file will be set"
                      if row.password else "exists already: nothing to change")
            if matched:
                reason = f"{matched}: {reason}"
        else:
            action = "create"
            base = suggest_username(row.full_name or "", ()) if made_up else None
            reason = (f"username made from the full name ({base!r} is taken)"
                      if made_up and base and base != name
                      else "username made from the full name" if made_up
                      else "system account exists: it will be added to the hub" if has_account
                      else "hub user exists: a system account will be made" if in_hub else "")
        out.append(PreviewRow(row.line, given, name, name if made_up else None, action, reason,
                              row.class_name, row.external_id))

    summary = {"total": len(out)}
    for action in ("create", "exists", "refuse"):
        summary[action] = sum(1 for r in out if r.action == action)
    return Preview(out, summary, passwords)


