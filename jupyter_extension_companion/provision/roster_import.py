"""Roster import: a CSV class list, previewed row by row, then applied in one batch.

Step one, :func:`preview`, changes nothing: per row it says what will happen (``create``,
``exists``) or why the row is refused, with a suggested valid username where one can be made.
Step two, :func:`apply`, takes the rows the teacher accepted (possibly with edited usernames)
and creates them through :meth:`Roster.add_many` (one ``useradd`` per student, one ``chpasswd``,
one hub ``POST /users``), reporting per row.

The CSV as spreadsheet programs export it: a header row; ``;`` or ``,`` (or tab) between
fields; UTF-8 with or without a byte-order mark (Windows-1252 is accepted from files too).
Columns (case and spacing do not matter, German names accepted): ``username``, ``full name``
(or ``first name`` + ``last name``), ``password``. Only a username or a full name is required;
without a username one is made from the full name and shown in the preview.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .changes import Progress
from .errors import ClassroomError
from .passwords import password_problem
from .roster import AddResult, NewStudent, Roster
from .system_accounts import _gecos_problem
from .usernames import suggest_username, transliterate, username_problem

MAX_BYTES = 2_000_000
MAX_ROWS = 5000

_COLUMNS = {
    "username": {"username", "user", "login", "loginname", "account", "benutzername",
                 "benutzer", "nutzername", "kennung", "uid"},
    "full_name": {"fullname", "name", "displayname", "vollstaendigername", "vollername",
                  "anzeigename", "student", "schueler", "schuelerin"},
    "first_name": {"firstname", "givenname", "first", "vorname"},
    "last_name": {"lastname", "surname", "familyname", "last", "nachname", "familienname"},
    "password": {"password", "passwort", "kennwort", "pass", "pwd", "initialpassword"},
}


@dataclass
class InputRow:
    """One data row of the CSV as given (``line`` is the line number in the file)."""

    line: int
    username: str | None
    full_name: str | None
    password: str | None


@dataclass
class PreviewRow:
    """What will happen to one row: ``action`` is create, exists or refuse."""

    line: int
    input: dict[str, Any]
    username: str | None
    suggested: str | None
    action: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Preview:
    rows: list[PreviewRow]
    summary: dict[str, int] = field(default_factory=dict)
    # Passwords from the file, by line; kept out of to_json (the UI sends them back itself).
    passwords: dict[int, str] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"rows": [r.to_json() for r in self.rows], "summary": self.summary}

    def accepted(self) -> list[dict[str, Any]]:
        """The rows to apply (create or exists), with the file's passwords, for :func:`apply`."""
        return [
            {
                "username": r.username,
                "full_name": r.input.get("full_name"),
                "password": self.passwords.get(r.line),
            }
            for r in self.rows
            if r.action in ("create", "exists")
        ]


def decode_csv_bytes(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 (old Excel)."""
    if len(data) > MAX_BYTES:
        raise ClassroomError(f"The file is larger than {MAX_BYTES // 1_000_000} MB.", code="too_big")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", transliterate(header.strip().lower()))


def parse_csv(text: str) -> list[InputRow]:
    """The data rows of a roster CSV. Raises :class:`ClassroomError` if no column is known."""
    text = text.lstrip("\ufeff")
    if len(text) > MAX_BYTES:
        raise ClassroomError(f"The roster is larger than {MAX_BYTES // 1_000_000} MB.",
                             code="too_big")
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise ClassroomError("The roster is empty: it needs a header row and one row per student.",
                             code="empty_roster")
    delimiter = max(";,\t", key=first.count) if any(d in first for d in ";,\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _key(title)
        for column, names in _COLUMNS.items():
            if key in names and column not in columns:
                columns[column] = index
    if "username" not in columns and "full_name" not in columns and not (
        {"first_name", "last_name"} & set(columns)
    ):
        raise ClassroomError(
            "The first row must name the columns, e.g. 'username;full name;password' "
            f"(found: {', '.join(repr(h) for h in header)}).",
            code="no_header",
        )

    def cell(row: list[str], column: str) -> str | None:
        index = columns.get(column)
        if index is None or index >= len(row):
            return None
        return row[index]

    rows: list[InputRow] = []
    for row in reader:
        if not any(row):  # a blank line (a cell of spaces is kept, and refused)
            continue
        if len(rows) >= MAX_ROWS:
            raise ClassroomError(f"The roster has more than {MAX_ROWS} rows: split it.",
                                 code="too_big")
        full_name = (cell(row, "full_name") or "").strip()
        if not full_name:
            parts = [(cell(row, c) or "").strip() for c in ("first_name", "last_name")]
            full_name = " ".join(p for p in parts if p)
        username = cell(row, "username")
        password = cell(row, "password")
        rows.append(
            InputRow(
                line=reader.line_num,
                username=username if username not in (None, "") else None,
                full_name=full_name or None,
                password=password if password not in (None, "") else None,
            )
        )
    return rows


def preview(csv_text: str | list[InputRow], roster: Roster) -> Preview:
    """Say per row what :func:`apply` would do, changing nothing.

    Reads the host's accounts once and the hub's user list once.
    """
    rows = parse_csv(csv_text) if isinstance(csv_text, str) else csv_text
    accounts = roster.accounts.read_all()
    uids = {a.name: a.uid for a in accounts.values()}
    hub_names = {u["name"] for u in roster.hub.list_users()}
    existing = set(uids) | hub_names
    # Names the file asks for, so that suggestions never collide with a later row.
    wanted = {r.username for r in rows if r.username}
    used: dict[str, int] = {}
    out: list[PreviewRow] = []
    passwords: dict[int, str] = {}

    for row in rows:
        given = {
            "username": row.username,
            "full_name": row.full_name,
            "password_given": row.password is not None,
        }

        def refuse(reason: str, suggested: str | None = None, row=row, given=given) -> None:
            out.append(PreviewRow(row.line, given, None, suggested, "refuse", reason))

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
        else:
            action = "create"
            reason = ("username made from the full name" if made_up
                      else "system account exists: it will be added to the hub" if has_account
                      else "hub user exists: a system account will be made" if in_hub else "")
        out.append(PreviewRow(row.line, given, name, name if made_up else None, action, reason))

    summary = {"total": len(out)}
    for action in ("create", "exists", "refuse"):
        summary[action] = sum(1 for r in out if r.action == action)
    return Preview(out, summary, passwords)


@dataclass
class ImportResult:
    """Per-row results of :func:`apply`, in the order of the rows."""

    results: list[AddResult]

    def to_json(self) -> dict[str, Any]:
        return {
            "results": [r.to_json() for r in self.results],
            "summary": {
                "total": len(self.results),
                "ok": sum(1 for r in self.results if r.ok),
                "failed": sum(1 for r in self.results if not r.ok),
            },
        }


def apply(
    rows: list[dict[str, Any]], roster: Roster, progress: Progress | None = None
) -> ImportResult:
    """Create the accepted rows (``{username, full_name?, password?}``) in one batch.

    Every row is checked again (the teacher may have edited it); per-row results come back in
    order, with each generated password exactly once.
    """
    entries = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("username"), str):
            raise ClassroomError("Each row needs a 'username' (text).", code="bad_rows")
        full_name = row.get("full_name")
        password = row.get("password")
        if full_name is not None and not isinstance(full_name, str):
            raise ClassroomError("'full_name' must be text.", code="bad_rows")
        if password is not None and not isinstance(password, str):
            raise ClassroomError("'password' must be text.", code="bad_rows")
        entries.append(NewStudent(row["username"], full_name or None, password or None))
    return ImportResult(roster.add_many(entries, progress))
