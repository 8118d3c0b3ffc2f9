"""Roster import, step two: create the accepted rows of a plan in one batch.

:func:`apply_plan` takes a :class:`.roster_import.Preview` and creates its ``create`` and
``exists`` rows through :meth:`Roster.add_many` (one ``useradd`` per student, one
``chpasswd``, one hub ``POST /users``), reporting per row with each generated password once.
Refused rows are never applied: the caller shows them first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .changes import Progress
from .errors import ClassroomError
from .roster import AddResult, NewStudent, Roster
from .roster_import import Preview


@dataclass
class ImportResult:
    """Per-row results of an import, in the order of the rows (with each row's class)."""

    results: list[AddResult]
    classes: dict[str, str] = field(default_factory=dict)  # username -> class from the file

    def to_json(self) -> dict[str, Any]:
        rows = []
        for r in self.results:
            row = r.to_json()
            row["class_name"] = self.classes.get(r.username)
            rows.append(row)
        return {
            "results": rows,
            "summary": {
                "total": len(self.results),
                "ok": sum(1 for r in self.results if r.ok),
                "failed": sum(1 for r in self.results if not r.ok),
            },
        }


def check_plan(plan: Preview, skip_refused: bool = False) -> None:
    """Refuse (changing nothing) a plan with refused rows, unless ``skip_refused`` (the teacher
    saw them and goes on without them), and a plan with nothing to import."""
    refused = plan.refused()
    if refused and not skip_refused:
        first = "; ".join(f"line {r.line}: {r.reason}" for r in refused[:3])
        more = f" (and {len(refused) - 3} more)" if len(refused) > 3 else ""
        raise ClassroomError(f"{len(refused)} rows are refused - {first}{more}. Fix or leave "
                             "them out, then import again.", code="refused_rows")
    if not plan.accepted():
        raise ClassroomError("No row can be imported: every row is refused.",
                             code="refused_rows")


def apply_plan(
    plan: Preview, roster: Roster, progress: Progress | None = None, skip_refused: bool = False
) -> ImportResult:
    """Create the accepted rows of ``plan`` (checked by :func:`check_plan` first)."""
    check_plan(plan, skip_refused)
    return apply(plan.accepted(), roster, progress)


def apply(
    rows: list[dict[str, Any]], roster: Roster, progress: Progress | None = None
) -> ImportResult:
    """Create ``rows`` (``{username, full_name?, password?, class_name?}``) in one batch.

    :meth:`Roster.add_many` checks every row again; per-row results come back in order.
    """
    entries = []
    classes: dict[str, str] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("username"), str):
            raise ClassroomError("Each row needs a 'username' (text).", code="bad_rows")
        full_name = row.get("full_name")
        password = row.get("password")
        if full_name is not None and not isinstance(full_name, str):
            raise ClassroomError("'full_name' must be text.", code="bad_rows")
        if password is not None and not isinstance(password, str):
            raise ClassroomError("'password' must be text.", code="bad_rows")
        if isinstance(row.get("class_name"), str) and row["class_name"]:
            classes[row["username"]] = row["class_name"]
        entries.append(NewStudent(row["username"], full_name or None, password or None))
    return ImportResult(roster.add_many(entries, progress), classes)
