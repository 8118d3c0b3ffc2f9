"""Service routes for roster import: upload the file, preview (nothing changes), apply as a job.

The browser sends the file's bytes (``POST /roster/uploads``); the service parses them with the
one parser (:mod:`provision.roster_parse`, like ``classroom users import``), keeps the rows
under an upload id of that teacher and answers with the preview (or a column-mapping request).
Mappings and edited usernames name the upload id; so does the apply. The credentials sheet of
an import is rendered here from the job's result, for the teacher who ran it.
"""

from __future__ import annotations

from typing import Any

from ...provision.credentials import (
    credentials_csv,
    credentials_filename,
    credentials_html,
    language_of,
)
from ...provision.errors import ClassroomError, NotFound
from ...provision.roster import Credentials
from ...provision.roster_parse import MAX_BYTES, MappingNeeded, RosterMappings, parse_roster
from ..base import MIB, ClassroomHandler, Route, json_body_schema, op
from ..jsonify import to_json
from ..roster_previews import Upload
from .credentials import import_credentials, keep_sheet

_EDITS = {"type": "array", "items": {"type": "object", "properties": {
    "line": {"type": "integer"}, "username": {"type": "string"}},
    "required": ["line", "username"]}}
_MAPPING = {"type": "object", "additionalProperties": {"type": "integer"},
            "description": "field (username, full_name, first_name, last_name, password, "
                           "class_name, external_id) -> column index (0-based)"}


class _RosterHandler(ClassroomHandler):
    def _mappings(self) -> RosterMappings:
        return RosterMappings(self.ctx.paths.roster_mappings)

    async def _plan(self, upload: Upload, mapping: Any = None, edits: Any = None) -> dict:
        """Parse (again, if a mapping is given), apply the edits, preview: the upload's state."""
        from ...provision import roster_import

        def work() -> dict[str, Any]:
            if mapping is not None or upload.parsed is None:
                parsed = parse_roster(upload.data, mapping, self._mappings())
                if isinstance(parsed, MappingNeeded):
                    return parsed.to_json()
                upload.parsed, upload.rows = parsed, None
            assert upload.parsed is not None
            rows = roster_import.with_edits(upload.current_rows(), edits)
            plan = roster_import.preview(rows, self.ctx.roster_for(self.actor))
            upload.rows = rows
            return {"mapping_needed": False, **upload.parsed.info(),
                    **plan.to_json(passwords=True)}

        answer = await self.blocking(work)
        return {"upload": upload.id, "filename": upload.filename, **answer}


class UploadHandler(_RosterHandler):
    async def post(self) -> None:
        data = self.body
        if not data:
            raise ClassroomError("The upload is empty: choose the roster file (CSV).",
                                 code="empty_roster")
        filename = self.get_query_argument("filename", "")[:200]
        upload = self.ctx.uploads.add(self.actor, data, filename)
        try:
            self.send(await self._plan(upload))
        except ClassroomError:
            self.ctx.uploads.drop(upload.id)
            raise


class UploadPreviewHandler(_RosterHandler):
    async def post(self, upload_id: str) -> None:
        body = self.json_body()
        upload = self.ctx.uploads.get(upload_id, self.actor)
        self.send(await self._plan(upload, body.get("mapping"), body.get("edits")))


class UploadApplyHandler(_RosterHandler):
    async def post(self, upload_id: str) -> None:
        from ...provision import roster_apply, roster_import

        body = self.json_body()
        skip = body.get("skip_refused", False)
        if not isinstance(skip, bool):
            raise ClassroomError("'skip_refused' must be true or false.", code="bad_request")
        upload = self.ctx.uploads.get(upload_id, self.actor)
        if upload.parsed is None:
            raise ClassroomError("Say which column is which first (the column mapping).",
                                 code="mapping_needed", status=409)
        roster = self.ctx.roster_for(self.actor)  # records each added student in the audit log
        rows = roster_import.with_edits(upload.current_rows(), body.get("edits"))
        plan = await self.blocking(roster_import.preview, rows, roster)
        roster_apply.check_plan(plan, skip)  # refused rows: 400 with the reasons, nothing done
        self.ctx.uploads.drop(upload.id)

        classes = self.ctx.classes_for(self.actor)
        actor = self.actor

        def work(progress: Any) -> dict[str, Any]:
            out = to_json(roster_apply.apply_plan(plan, roster, progress, skip_refused=skip,
                                                  classes=classes))
            # the passwords, kept for this teacher 30 minutes (GET credentials/last)
            out["kept"] = keep_sheet(self.ctx, actor, import_credentials(out), "import")
            return out

        job_id = self.ctx.jobs.start(work, kind="roster.apply", owner=self.actor)
        self.send({"job": job_id}, status=202)


class PreviewHandler(_RosterHandler):
    """The roster as text in JSON (scripts, the benchmark): the same parser and plan."""

    async def post(self) -> None:
        text = self.json_body().get("csv")
        if not isinstance(text, str):
            raise ClassroomError("'csv' (the file's text) is required.", code="missing_field")
        upload = self.ctx.uploads.add(self.actor, text.encode("utf-8"), "")
        try:
            self.send(await self._plan(upload))
        except ClassroomError:
            self.ctx.uploads.drop(upload.id)
            raise


class ApplyHandler(_RosterHandler):
    """Rows sent as JSON: checked by the same plan as an upload's rows, then applied."""

    async def post(self) -> None:
        from ...provision import roster_apply, roster_import

        rows = roster_import.rows_from_json(self.json_body().get("rows"))
        roster = self.ctx.roster_for(self.actor)  # records each added student in the audit log
        plan = await self.blocking(roster_import.preview, rows, roster)
        roster_apply.check_plan(plan)  # refused rows: 400 with the reasons, nothing done
        actor = self.actor

        classes = self.ctx.classes_for(self.actor)

        def work(progress: Any) -> dict[str, Any]:
            out = to_json(roster_apply.apply_plan(plan, roster, progress, classes=classes))
            # the passwords, kept for this teacher 30 minutes (GET credentials/last)
            out["kept"] = keep_sheet(self.ctx, actor, import_credentials(out), "import")
            return out

        job_id = self.ctx.jobs.start(work, kind="roster.apply", owner=self.actor)
        self.send({"job": job_id}, status=202)


def _sheet(rows: Any, kind: Any, language: Any, login_url: Any) -> dict[str, Any]:
    """The credentials sheet (``{filename, format, count, content}``) of result rows
    (``[{username, password, full_name?, class_name?}]``; rows without a password are left out):
    the one writer, :mod:`provision.credentials`."""
    if kind not in ("csv", "html"):
        raise ClassroomError("The format must be csv or html.", code="bad_request")
    if not isinstance(rows, list):
        raise ClassroomError("'rows' must be a list.", code="bad_request")
    lang = language_of(language if isinstance(language, str) else "en")
    url = login_url[:500] if isinstance(login_url, str) else ""
    creds, classes = [], {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("username"), str):
            raise ClassroomError("Each row needs a 'username' (text).", code="bad_rows")
        password, full_name = row.get("password"), row.get("full_name")
        klass = row.get("class_name")
        if not isinstance(password, str) or not password or row.get("ok") is False:
            continue
        creds.append(Credentials(row["username"], password, bool(row.get("generated")),
                                 full_name if isinstance(full_name, str) else None, ""))
        if isinstance(klass, str) and klass:
            classes[row["username"]] = klass
    filename = credentials_filename(classes.values(), lang, ext=kind)
    if kind == "csv":
        content = credentials_csv(creds, login_url=url, classes=classes, language=lang)
    else:
        content = credentials_html(creds, url, classes=classes, language=lang)
    return {"filename": filename, "format": kind, "count": len(creds), "content": content}


class ImportCredentialsHandler(ClassroomHandler):
    """The credentials sheet of an import, from its job result (the teacher who ran it only)."""

    async def get(self, job_id: str) -> None:
        if self.ctx.jobs.owner_of(job_id) != self.actor:
            raise NotFound(f"No import {job_id!r} of yours.")
        job = self.ctx.jobs.get(job_id)
        result = job.get("result") or {}
        if job.get("kind") not in ("roster.apply", "class.sync") or not isinstance(result, dict):
            raise NotFound(f"No finished import {job_id!r}.")
        arg = self.get_query_argument
        self.send(_sheet(result.get("results", []), arg("format", "csv"), arg("language", "en"),
                         arg("login_url", "")))


class CredentialsHandler(ClassroomHandler):
    """A credentials sheet of given rows (a new student, new passwords): the same writer."""

    async def post(self) -> None:
        body = self.json_body()
        self.send(_sheet(body.get("rows"), body.get("format", "csv"), body.get("language", "en"),
                         body.get("login_url", "")))


ROUTES: list[Route] = [
    Route("/api/v1/roster/uploads", UploadHandler, {
        "post": op("Upload a roster file (the raw bytes: CSV in UTF-8, Windows-1252 or "
                   "ISO-8859-1, ';' ',' or tab) -> {upload, mapping_needed, columns, ...} and, "
                   "once the columns are known, the preview {rows, summary, classes}; "
                   "nothing changes",
                   body={"required": True, "content": {
                       "text/csv": {"schema": {"type": "string", "format": "binary"}},
                       "application/octet-stream": {
                           "schema": {"type": "string", "format": "binary"}}}},
                   query=[{"name": "filename", "in": "query", "required": False,
                           "schema": {"type": "string"}}]),
    }, max_body=MAX_BYTES),
    Route("/api/v1/roster/uploads/{upload_id}/preview", UploadPreviewHandler, {
        "post": op("Preview an upload again with a column mapping and/or edited usernames "
                   "-> the same answer as the upload; a mapping is remembered for files of "
                   "the same header",
                   body=json_body_schema({"mapping": _MAPPING, "edits": _EDITS})),
    }, max_body=2 * MIB),
    Route("/api/v1/roster/uploads/{upload_id}/apply", UploadApplyHandler, {
        "post": op("Create the accepted rows of an upload as a job -> {job}; the job result "
                   "holds per-row results with passwords shown once",
                   body=json_body_schema({"edits": _EDITS,
                                          "skip_refused": {"type": "boolean"}})),
    }, max_body=2 * MIB),
    Route("/api/v1/roster/preview", PreviewHandler, {
        "post": op("Preview a roster given as text -> the same answer as an upload",
                   body=json_body_schema({"csv": {"type": "string"}}, ["csv"])),
    }, max_body=4 * MIB),  # a 2 MB CSV, JSON-escaped
    Route("/api/v1/roster/apply", ApplyHandler, {
        "post": op("Create the given rows as a job -> {job}; every row is checked like a "
                   "file's row first (any refused: 400, nothing changes)",
                   body=json_body_schema({"rows": {"type": "array", "items": {
                       "type": "object", "properties": {
                           "username": {"type": "string"}, "full_name": {"type": "string"},
                           "password": {"type": "string"}, "class_name": {"type": "string"}},
                       "required": ["username"]}}}, ["rows"])),
    }, max_body=2 * MIB),
    Route("/api/v1/roster/credentials", CredentialsHandler, {
        "post": op("A credentials sheet of the given rows -> {filename, format, count, "
                   "content}: CSV (formula-guarded, BOM, ';' for German) or printable slips",
                   body=json_body_schema({
                       "rows": {"type": "array", "items": {"type": "object", "properties": {
                           "username": {"type": "string"}, "password": {"type": "string"},
                           "full_name": {"type": "string"}, "class_name": {"type": "string"}},
                           "required": ["username"]}},
                       "format": {"type": "string", "enum": ["csv", "html"]},
                       "language": {"type": "string"}, "login_url": {"type": "string"}},
                       ["rows"])),
    }, max_body=2 * MIB),
    Route("/api/v1/roster/imports/{job_id}/credentials", ImportCredentialsHandler, {
        "get": op("The credentials sheet of an import you ran -> {filename, format, count, "
                  "content}: CSV (formula-guarded, BOM, ';' for German) or printable slips",
                  query=[{"name": n, "in": "query", "required": False,
                          "schema": {"type": "string"}}
                         for n in ("format", "language", "login_url")]),
    }),
]
