"""Service routes for roster import: preview (nothing changes), then apply as a job."""

from __future__ import annotations

from typing import Any

from ...provision.errors import ClassroomError
from ..base import MIB, ClassroomHandler, Route, json_body_schema, op
from ..jsonify import to_json
from .credentials import import_credentials, keep_sheet

MAX_CSV_BYTES = 1_000_000
MAX_ROWS = 2000


class PreviewHandler(ClassroomHandler):
    async def post(self) -> None:
        from ...provision import roster_import

        text = self.json_body().get("csv")
        if not isinstance(text, str):
            raise ClassroomError("'csv' (the file's text) is required.", code="missing_field")
        if len(text.encode("utf-8")) > MAX_CSV_BYTES:
            raise ClassroomError("The roster is larger than 1 MB; split it.", code="too_large")
        preview = await self.blocking(roster_import.preview, text,
                                      self.ctx.roster_for(self.actor))
        self.send(to_json(preview))


def _rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    rows = body.get("rows")
    if not isinstance(rows, list) or not rows:
        raise ClassroomError("'rows' must be a non-empty list.", code="missing_field")
    if len(rows) > MAX_ROWS:
        raise ClassroomError(f"At most {MAX_ROWS} rows per import.", code="too_large")
    clean = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not isinstance(row.get("username"), str):
            raise ClassroomError(f"Row {i}: 'username' (a string) is required.", code="bad_row")
        for key in ("full_name", "password"):
            if row.get(key) is not None and not isinstance(row[key], str):
                raise ClassroomError(f"Row {i}: '{key}' must be a string.", code="bad_row")
        clean.append({
            "username": row["username"],
            "full_name": row.get("full_name") or None,
            "password": row.get("password") or None,
        })
    return clean


class ApplyHandler(ClassroomHandler):
    async def post(self) -> None:
        from ...provision import roster_import

        rows = _rows(self.json_body())
        roster = self.ctx.roster_for(self.actor)  # records each added student in the audit log

        actor = self.actor

        def work(progress: Any) -> dict[str, Any]:
            out = to_json(roster_import.apply(rows, roster, progress=progress))
            # the passwords, kept for this teacher 30 minutes (GET credentials/last)
            out["kept"] = keep_sheet(self.ctx, actor, import_credentials(out), "import")
            return out

        job_id = self.ctx.jobs.start(work, kind="roster.apply", owner=self.actor)
        self.send({"job": job_id}, status=202)


ROUTES: list[Route] = [
    Route("/api/v1/roster/preview", PreviewHandler, {
        "post": op("Preview a CSV roster: per row the action or the reason it is refused; "
                   "nothing changes -> {rows, summary}",
                   body=json_body_schema({"csv": {"type": "string"}}, ["csv"])),
    }, max_body=4 * MIB),  # a 1 MB CSV, JSON-escaped
    Route("/api/v1/roster/apply", ApplyHandler, {
        "post": op("Create the given rows as a job -> {job}; the job result holds per-row "
                   "results with passwords shown once",
                   body=json_body_schema({"rows": {"type": "array", "items": {
                       "type": "object", "properties": {
                           "username": {"type": "string"}, "full_name": {"type": "string"},
                           "password": {"type": "string"}}, "required": ["username"]}}},
                       ["rows"])),
    }, max_body=2 * MIB),  # MAX_ROWS rows
]
