"""Service routes for the class list: /api/v1/users..."""

from __future__ import annotations

from typing import Any

from ...provision.errors import ClassroomError
from ..base import ClassroomHandler, Route, json_body_schema, op
from ..jsonify import flat_records, to_json


def _str_field(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ClassroomError(f"'{key}' is required.", code="missing_field")
        return None
    if not isinstance(value, str):
        raise ClassroomError(f"'{key}' must be a string.", code="bad_field")
    return value


def _bool_field(body: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise ClassroomError(f"'{key}' must be true or false.", code="bad_field")
    return value


class RosterHandler(ClassroomHandler):
    """The Roster records every change in the audit log itself, under the acting teacher."""

    @property
    def roster(self) -> Any:
        return self.ctx.roster_for(self.actor)


class UsersHandler(RosterHandler):
    async def get(self) -> None:
        students = await self.blocking(self.roster.list)
        self.send({"users": flat_records(students)})

    async def post(self) -> None:
        body = self.json_body()
        name = _str_field(body, "name", required=True)
        password = _str_field(body, "password")
        full_name = _str_field(body, "full_name")
        teacher = _bool_field(body, "teacher", False)
        roster = self.roster
        creds = await self.blocking(
            lambda: roster.add(name, password=password, full_name=full_name, teacher=teacher))
        self.send({"credentials": to_json(creds)}, status=201)


class UserHandler(RosterHandler):
    async def get(self, name: str) -> None:
        self.send(to_json(await self.blocking(self.roster.get, name)))

    async def delete(self, name: str) -> None:
        keep = self.bool_arg("keep_account", False)
        roster = self.roster
        change = await self.blocking(lambda: roster.remove(name, keep_account=keep))
        self.send(to_json(change))


class PasswordHandler(RosterHandler):
    async def post(self, name: str) -> None:
        password = _str_field(self.json_body(), "password")
        roster = self.roster
        creds = await self.blocking(lambda: roster.set_password(name, password))
        self.send({"credentials": to_json(creds)})


class DisableHandler(RosterHandler):
    async def post(self, name: str) -> None:
        self.send(to_json(await self.blocking(self.roster.disable, name)))


class EnableHandler(RosterHandler):
    async def post(self, name: str) -> None:
        self.send(to_json(await self.blocking(self.roster.enable, name)))


class TeacherHandler(RosterHandler):
    async def put(self, name: str) -> None:
        teacher = _bool_field(self.json_body(), "teacher")
        roster = self.roster
        change = await self.blocking(lambda: roster.set_teacher(name, teacher))
        self.send(to_json(change))


class ServerHandler(RosterHandler):
    async def post(self, name: str) -> None:
        change = await self.blocking(self.roster.start_server, name)
        self.send(to_json(change))

    async def delete(self, name: str) -> None:
        change = await self.blocking(self.roster.stop_server, name)
        self.send(to_json(change))


_CHANGE = "-> Change {name, action, changed, message, archive}"
ROUTES: list[Route] = [
    Route("/api/v1/users", UsersHandler, {
        "get": op("List the class: hub and system state merged -> {users: [Student]}"),
        "post": op("Add a student (or teacher) -> {credentials}", body=json_body_schema({
            "name": {"type": "string"}, "password": {"type": "string"},
            "full_name": {"type": "string"}, "teacher": {"type": "boolean"},
        }, ["name"])),
    }),
    Route("/api/v1/users/{name}", UserHandler, {
        "get": op("One student -> Student"),
        "delete": op("Remove: lock the login, stop server, end processes, archive home; then "
                     f"delete hub user and account {_CHANGE}",
                     query=[{"name": "keep_account", "in": "query",
                             "schema": {"type": "boolean"}}]),
    }),
    Route("/api/v1/users/{name}/password", PasswordHandler, {
        "post": op("Set a password (generated when none is given) -> {credentials}",
                   body=json_body_schema({"password": {"type": "string"}})),
    }),
    Route("/api/v1/users/{name}/disable", DisableHandler, {
        "post": op(f"Lock the account and stop the server {_CHANGE}"),
    }),
    Route("/api/v1/users/{name}/enable", EnableHandler, {
        "post": op(f"Unlock the account {_CHANGE}"),
    }),
    Route("/api/v1/users/{name}/teacher", TeacherHandler, {
        "put": op(f"Make or unmake a teacher (hub admin) {_CHANGE}",
                  body=json_body_schema({"teacher": {"type": "boolean"}}, ["teacher"])),
    }),
    Route("/api/v1/users/{name}/server", ServerHandler, {
        "post": op(f"Start the student's server {_CHANGE}"),
        "delete": op(f"Stop the student's server {_CHANGE}"),
    }),
]
