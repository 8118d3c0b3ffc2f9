"""Service routes for classes: /api/v1/classes... (provision/classes.py, class_actions.py).

Membership changes answer at once; actions over every student of a class (passwords,
disable/enable, servers, removal) run as jobs (``GET /api/v1/jobs/{id}``). The audit lines are
written by provision/, under the acting teacher.
"""

from __future__ import annotations

import os
from typing import Any

from ...provision.errors import ClassroomError
from ..base import MIB, ClassroomHandler, Route, json_body_schema, op
from ..jsonify import to_json

MAX_USERS = 3000


def _users(body: dict[str, Any], key: str = "users") -> list[str]:
    users = body.get(key)
    if not isinstance(users, list) or not users or not all(isinstance(u, str) for u in users):
        raise ClassroomError(f"'{key}' must be a non-empty list of usernames.",
                             code="missing_field")
    if len(users) > MAX_USERS:
        raise ClassroomError(f"At most {MAX_USERS} usernames at once.", code="too_large")
    return users


def _name(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise ClassroomError(f"'{key}' (a class name) is required.", code="missing_field")
    return value


def _sheet_options(body: dict[str, Any]) -> tuple[str, bool]:
    """The slips' language (``lang``: en or de) and whether they carry a QR code (``qr``)."""
    lang = body.get("lang", "en")
    qr = body.get("qr", False)
    if lang not in ("en", "de") or not isinstance(qr, bool):
        raise ClassroomError("'lang' is en or de; 'qr' is true or false.", code="bad_field")
    return lang, qr


class ClassesBase(ClassroomHandler):
    @property
    def classes(self) -> Any:
        return self.ctx.classes_for(self.actor)

    @property
    def actions(self) -> Any:
        return self.ctx.class_actions_for(self.actor)

    def job(self, kind: str, work: Any) -> None:
        job_id = self.ctx.jobs.start(lambda progress: to_json(work(progress)), kind=kind,
                                     owner=self.actor)
        self.send({"job": job_id}, status=202)


class ClassListHandler(ClassesBase):
    async def get(self) -> None:
        infos = await self.blocking(self.classes.list_classes)
        self.send({"classes": to_json(infos)})

    async def post(self) -> None:
        name = _name(self.json_body(), "name")
        change = await self.blocking(self.classes.ensure_class, name)
        self.send(to_json(change), status=201 if change.changed else 200)


class ClassHandler(ClassesBase):
    async def get(self, name: str) -> None:
        self.send(to_json(await self.blocking(self.classes.get, name)))

    async def delete(self, name: str) -> None:
        if self.bool_arg("keep_students", False):
            self.send(to_json(await self.blocking(self.classes.delete_class, name)))
            return
        actions = self.actions
        await self.blocking(actions.classes.get, name)  # 404 now rather than in the job
        self.job("class.remove", lambda progress: actions.remove_class(name, progress))


class MembersHandler(ClassesBase):
    async def post(self, name: str) -> None:
        users = _users(self.json_body())
        classes = self.classes
        self.send(to_json(await self.blocking(lambda: classes.add_members(name, users))))


class MembersRemoveHandler(ClassesBase):
    async def post(self, name: str) -> None:
        users = _users(self.json_body())
        classes = self.classes
        self.send(to_json(await self.blocking(lambda: classes.remove_members(name, users))))


class MoveHandler(ClassesBase):
    async def post(self, name: str) -> None:
        body = self.json_body()
        users, target = _users(body), _name(body, "to")
        classes = self.classes
        self.send(to_json(await self.blocking(lambda: classes.move(users, name, target))))


class RenameHandler(ClassesBase):
    async def post(self, name: str) -> None:
        target = _name(self.json_body(), "to")
        classes = self.classes
        self.send(to_json(await self.blocking(lambda: classes.rename_class(name, target))))


class PasswordsHandler(ClassesBase):
    async def post(self, name: str) -> None:
        from ...provision.class_slips import sheet

        lang, qr = _sheet_options(self.json_body())
        actions = self.actions
        await self.blocking(actions.classes.get, name)
        paths = self.ctx.paths

        def work(progress: Any) -> dict[str, Any]:
            result = actions.new_passwords(name, progress)
            return {**result.to_json(), **sheet(result.credentials, paths, name, lang=lang,
                                                  qr=qr)}

        self.job("class.passwords", work)


def _each(action: str) -> type[ClassesBase]:
    class EachHandler(ClassesBase):
        async def post(self, name: str) -> None:
            actions = self.actions
            await self.blocking(actions.classes.get, name)
            fn = getattr(actions, action)
            self.job(f"class.{action}", lambda progress: fn(name, progress))

    EachHandler.__name__ = f"{action.title().replace('_', '')}Handler"
    return EachHandler


class ServersHandler(ClassesBase):
    async def post(self, name: str) -> None:
        actions = self.actions
        await self.blocking(actions.classes.get, name)
        self.job("class.start_servers", lambda progress: actions.start_servers(name, progress))

    async def delete(self, name: str) -> None:
        actions = self.actions
        await self.blocking(actions.classes.get, name)
        self.job("class.stop_servers", lambda progress: actions.stop_servers(name, progress))


def _sync_rows(body: dict[str, Any], uploads: Any = None, actor: str = "") -> list[Any]:
    """The export's rows: ``upload`` (the id of a file uploaded to the roster import, parsed
    there: the sidebar), ``rows`` (parsed by the roster import, as JSON) or ``csv`` text;
    ``class`` is the class of rows without one."""
    from ...provision.class_sync import rows_from

    default = body.get("class")
    if default is not None and not isinstance(default, str):
        raise ClassroomError("'class' must be a string.", code="bad_field")
    upload_id = body.get("upload")
    if upload_id is not None:
        if not isinstance(upload_id, str) or uploads is None:
            raise ClassroomError("'upload' must be the id of a roster upload.",
                                 code="bad_field")
        upload = uploads.get(upload_id, actor)
        if upload.parsed is None:
            raise ClassroomError("Say which column is which first (the column mapping).",
                                 code="mapping_needed", status=409)
        return rows_from(upload.current_rows(), default)
    rows = body.get("rows")
    if rows is None and isinstance(body.get("csv"), str):
        from ...provision.class_sync import rows_from_file

        return rows_from_file(body["csv"].encode("utf-8"), default)
    if not isinstance(rows, list) or not rows:
        raise ClassroomError("Send the export as 'upload' (an id), 'csv' (text) or 'rows' "
                             "(a list).", code="missing_field")
    if len(rows) > MAX_USERS:
        raise ClassroomError(f"At most {MAX_USERS} rows per import.", code="too_large")
    for i, row in enumerate(rows, 1):
        if isinstance(row, dict) and not all(
                v is None or isinstance(v, (str, int)) for v in row.values()):
            raise ClassroomError(f"Row {i}: values must be strings.", code="bad_row")
    return rows_from(rows, default)


class SyncPreviewHandler(ClassesBase):
    async def post(self) -> None:
        from ...provision.class_sync import plan_sync

        rows = _sync_rows(self.json_body(), self.ctx.uploads, self.actor)
        classes, roster = self.classes, self.ctx.roster_for(self.actor)
        plan = await self.blocking(lambda: plan_sync(rows, roster, classes))
        self.send(plan.to_json())


class SyncApplyHandler(ClassesBase):
    async def post(self) -> None:
        from ...provision.class_sync import apply_sync
        from .credentials import keep_sheet

        body = self.json_body()
        rows = _sync_rows(body, self.ctx.uploads, self.actor)
        remove = body.get("remove", [])
        if not isinstance(remove, list) or not all(isinstance(n, str) for n in remove):
            raise ClassroomError("'remove' must be a list of usernames.", code="bad_field")
        lang, qr = _sheet_options(body)
        classes, roster = self.classes, self.ctx.roster_for(self.actor)
        paths, ctx, actor = self.ctx.paths, self.ctx, self.actor

        def work(progress: Any) -> dict[str, Any]:
            from ...provision.class_slips import sheet

            result = apply_sync(rows, roster, classes, remove, progress)
            klass = {i.username: i.class_to for i in result.plan.items if i.status == "new"}
            by_class: dict[str, list[Any]] = {}
            made = []
            for added in result.added:
                if added.ok and added.password:
                    by_class.setdefault(klass.get(added.username) or "",
                                        []).append(added.credentials())
                    made.append(added.credentials())
            return {**result.to_json(), "sheets": {
                name: sheet(creds, paths, name, lang=lang, qr=qr)
                for name, creds in by_class.items()},
                # per new student, like an import's rows (the sidebar's result table)
                "results": [{**a.to_json(), "class_name": klass.get(a.username)}
                            for a in result.added],
                # the passwords, kept for this teacher 30 minutes (GET credentials/last)
                "kept": keep_sheet(ctx, actor, made, "import")}

        job_id = self.ctx.jobs.start(work, kind="class.sync", owner=self.actor)
        if isinstance(body.get("upload"), str):
            self.ctx.uploads.drop(body["upload"])  # applied: the file's rows are not kept
        self.send({"job": job_id}, status=202)


class ExportHandler(ClassesBase):
    async def post(self, name: str) -> None:
        from ...provision.class_export import export_class

        classes, roster = self.classes, self.ctx.roster_for(self.actor)
        await self.blocking(classes.get, name)

        def work(progress: Any) -> dict[str, Any]:
            path = export_class(name, roster, classes, progress)
            return {"export": path.name, "size": path.stat().st_size}

        self.job("class.export", work)


class ExportDownloadHandler(ClassesBase):
    async def get(self, filename: str) -> None:
        from ...provision.class_export import open_export

        fd, size = open_export(self.ctx.roster_for(self.actor), filename)
        with os.fdopen(fd, "rb") as f:
            self.set_header("Content-Type", "application/gzip")
            self.set_header("Content-Disposition", f'attachment; filename="{filename}"')
            self.set_header("Content-Length", str(size))
            while chunk := await self.blocking(f.read, 1 << 20):
                self.write(chunk)
                await self.flush()
        self.finish()


_CLASS_CHANGE = "-> ClassChange {name, action, changed, message, added, removed}"
_JOB = "as a job -> {job}; its result: {name, action, members: [{name, ok, changed, message, " \
       "archive}], summary}"
_USERS = json_body_schema({"users": {"type": "array", "items": {"type": "string"}}}, ["users"])
_USERS_BODY = 3000 * 40 + 1024
_SYNC = json_body_schema({
    "upload": {"type": "string"}, "csv": {"type": "string"}, "class": {"type": "string"},
    "lang": {"type": "string", "enum": ["en", "de"]}, "qr": {"type": "boolean"},
    "rows": {"type": "array", "items": {"type": "object"}},
    "remove": {"type": "array", "items": {"type": "string"}}})

ROUTES: list[Route] = [
    Route("/api/v1/classes", ClassListHandler, {
        "get": op("Every class -> {classes: [{name, members, unix_group, gid}]}"),
        "post": op(f"Create a class (hub group + unix group; safe to repeat) {_CLASS_CHANGE}",
                   body=json_body_schema({"name": {"type": "string"}}, ["name"])),
    }),
    Route("/api/v1/classes/{name}", ClassHandler, {
        "get": op("One class -> {name, members, unix_group, gid}"),
        "delete": op("Remove the class: each student in no other class is removed (home "
                     f"archived first), the others leave it; {_JOB}. ?keep_students=true "
                     "deletes only the class (hub group and unix group)",
                     query=[{"name": "keep_students", "in": "query",
                             "schema": {"type": "boolean"}}]),
    }),
    Route("/api/v1/classes/{name}/members", MembersHandler, {
        "post": op(f"Add students to the class {_CLASS_CHANGE}", body=_USERS),
    }, max_body=_USERS_BODY),
    Route("/api/v1/classes/{name}/members/remove", MembersRemoveHandler, {
        "post": op(f"Take students out of the class (accounts stay) {_CLASS_CHANGE}",
                   body=_USERS),
    }, max_body=_USERS_BODY),
    Route("/api/v1/classes/{name}/move", MoveHandler, {
        "post": op(f"Move students to another class {_CLASS_CHANGE}", body=json_body_schema(
            {"users": {"type": "array", "items": {"type": "string"}},
             "to": {"type": "string"}}, ["users", "to"])),
    }, max_body=_USERS_BODY),
    Route("/api/v1/classes/{name}/rename", RenameHandler, {
        "post": op(f"Rename (promote) a class, members kept {_CLASS_CHANGE}",
                   body=json_body_schema({"to": {"type": "string"}}, ["to"])),
    }),
    Route("/api/v1/classes/{name}/passwords", PasswordsHandler, {
        "post": op(f"New passwords for every student {_JOB}, plus credentials (shown once), "
                   "csv and html (slips with the class name, optional QR code of the login "
                   "URL)", body=json_body_schema({"lang": {"type": "string", "enum": ["en", "de"]},
                                                  "qr": {"type": "boolean"}})),
    }),
    Route("/api/v1/classes/{name}/disable", _each("disable"), {
        "post": op(f"Lock every student's login and stop their servers (an exam) {_JOB}"),
    }),
    Route("/api/v1/classes/{name}/enable", _each("enable"), {
        "post": op(f"Unlock every student's login {_JOB}"),
    }),
    Route("/api/v1/classes/{name}/export", ExportHandler, {
        "post": op("Pack the class (each home, the list without passwords) into one archive "
                   "as a job -> {job}; its result: {export: file name, size}"),
    }),
    Route("/api/v1/class-exports/{filename}", ExportDownloadHandler, {
        "get": op("Download an export (application/gzip, streamed)"),
    }),
    Route("/api/v1/class-sync/preview", SyncPreviewHandler, {
        "post": op("Plan a re-import (nothing changes; the export as 'upload': the id of a "
                   "roster upload, 'csv' or 'rows') -> {items: [{status: new|unchanged|"
                   "moved|gone|ambiguous|refused, line, username, full_name, class_to, "
                   "class_from, external_id, reason, candidates}], classes, new_classes, "
                   "summary}", body=_SYNC),
    }, max_body=4 * MIB),
    Route("/api/v1/class-sync/apply", SyncApplyHandler, {
        "post": op("Apply the re-import as a job -> {job}; 'remove' names the students no "
                   "longer listed to archive and remove; the result holds new passwords "
                   "(shown once; 'results' per new student, kept for you 30 minutes like an "
                   "import's)", body=_SYNC),
    }, max_body=4 * MIB),
    Route("/api/v1/classes/{name}/servers", ServersHandler, {
        "post": op(f"Start every student's server {_JOB}"),
        "delete": op(f"Stop every student's server {_JOB}"),
    }),
]

