"""Service routes for classes: /api/v1/classes... (provision/classes.py, class_actions.py).

Membership changes answer at once; actions over every student of a class (passwords,
disable/enable, servers, removal) run as jobs (``GET /api/v1/jobs/{id}``). The audit lines are
written by provision/, under the acting teacher.
"""

from __future__ import annotations

from typing import Any

from ...provision.errors import ClassroomError
from ..base import ClassroomHandler, Route, json_body_schema, op
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

        body = self.json_body()
        lang = body.get("lang", "en")
        qr = body.get("qr", False)
        if lang not in ("en", "de") or not isinstance(qr, bool):
            raise ClassroomError("'lang' is en or de; 'qr' is true or false.", code="bad_field")
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


_CLASS_CHANGE = "-> ClassChange {name, action, changed, message, added, removed}"
_JOB = "as a job -> {job}; its result: {name, action, members: [{name, ok, changed, message, " \
       "archive}], summary}"
_USERS = json_body_schema({"users": {"type": "array", "items": {"type": "string"}}}, ["users"])
_USERS_BODY = 3000 * 40 + 1024

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
    Route("/api/v1/classes/{name}/servers", ServersHandler, {
        "post": op(f"Start every student's server {_JOB}"),
        "delete": op(f"Stop every student's server {_JOB}"),
    }),
]

