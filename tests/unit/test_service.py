"""The classroom service with fakes for the hub and the roster (no root needed)."""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.service.routes import all_routes

from .service_harness import running_service


@dataclass
class Result:
    name: str
    action: str
    changed: bool = True
    message: str = ""
    archive: str | None = None


@dataclass
class FakeRoster:
    calls: list[tuple] = field(default_factory=list)
    users: dict[str, dict] = field(default_factory=lambda: {"anna": {"name": "anna"}})
    actors: list[str] = field(default_factory=list)

    def as_actor(self, actor: str) -> FakeRoster:
        self.actors.append(actor)
        return self

    def list(self) -> list[dict]:
        self.calls.append(("list",))
        return list(self.users.values())

    def get(self, name: str) -> dict:
        self.calls.append(("get", name))
        if name not in self.users:
            raise NotFound(f"no {name}")
        return self.users[name]

    def add(self, name, password=None, full_name=None, teacher=False):
        self.calls.append(("add", name))
        if name.startswith("-"):
            raise ClassroomError("bad name", code="invalid_username")
        return {"name": name, "password": "pw-once", "generated": password is None,
                "full_name": full_name}

    def _change(self, action: str, name: str, *a: Any, **kw: Any) -> Result:
        self.calls.append((action, name))
        return Result(name, action)

    def set_password(self, name, password=None):
        self.calls.append(("set_password", name))
        return {"name": name, "password": password or "gen", "generated": password is None}

    def disable(self, name):
        return self._change("disable", name)

    def enable(self, name):
        return self._change("enable", name)

    def remove(self, name, keep_account=False):
        return self._change("remove", name)

    def set_teacher(self, name, teacher):
        return self._change("teacher", name)

    def start_server(self, name):
        return self._change("start", name)

    def stop_server(self, name):
        return self._change("stop", name)


@pytest.fixture
async def service(tmp_path: Path):
    roster = FakeRoster()
    paths = ClassroomPaths().with_prefix(tmp_path)
    async with running_service(paths, lambda: roster) as (ctx, fetch):

        async def call(method: str, path: str, token: str | None = "t-admin", body: Any = None):
            return await fetch(method, path, body, token)

        yield types.SimpleNamespace(call=call, roster=roster, ctx=ctx, paths=paths)


def concrete(pattern: str) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda m: "anna" if m.group(0) == "{name}" else "abc1",
                  pattern)


def every_route_call():
    for route in all_routes():
        for method in route.methods:
            yield method.upper(), concrete(route.pattern)


@pytest.mark.parametrize("token", [None, "bogus", "t-student", "t-service"])
async def test_every_route_refuses_non_admins(service, token):
    calls = list(every_route_call())
    assert len(calls) >= 12
    for method, path in calls:
        code, body = await service.call(method, path, token=token,
                                        body={"name": "x", "teacher": True, "csv": "a",
                                              "rows": [{"username": "x"}]})
        assert code == 403, (method, path, code, body)
        assert body["code"] in ("not_authenticated", "not_admin")
    assert service.roster.calls == []
    assert not service.paths.audit_log.exists()


async def test_unknown_path_needs_auth_first(service):
    assert (await service.call("GET", "/api/v1/nope", token=None))[0] == 403
    code, body = await service.call("GET", "/api/v1/nope")
    assert code == 404 and body["code"] == "no_route"


async def test_list_and_get(service):
    code, body = await service.call("GET", "/api/v1/users")
    assert code == 200 and body == {"users": [{"name": "anna"}]}
    code, body = await service.call("GET", "/api/v1/users/bob")
    assert code == 404 and body["code"] == "not_found"


async def test_add_acts_as_the_hub_user(service):
    code, body = await service.call("POST", "/api/v1/users", body={"name": "bob"})
    assert code == 201
    assert body["credentials"]["password"] == "pw-once"
    # the Roster writes the audit log under the name the hub gave for the token
    assert service.roster.actors == ["teach"]


async def test_refusal_is_reported(service):
    code, body = await service.call("POST", "/api/v1/users", body={"name": "-rf"})
    assert code == 400 and body == {"message": "bad name", "code": "invalid_username"}


@pytest.mark.parametrize("body", [b"{not json", b"[1]", {"name": 5}, {"teacher": True},
                                  {"name": "x", "teacher": "yes"}])
async def test_bad_bodies_change_nothing(service, body):
    code, resp = await service.call("POST", "/api/v1/users", body=body)
    assert code == 400 and resp["message"]
    assert service.roster.calls == []


async def test_changes(service):
    for method, path in [("POST", "/api/v1/users/anna/disable"),
                         ("POST", "/api/v1/users/anna/enable"),
                         ("POST", "/api/v1/users/anna/server"),
                         ("DELETE", "/api/v1/users/anna/server"),
                         ("DELETE", "/api/v1/users/anna?keep_account=true")]:
        code, body = await service.call(method, path)
        assert code == 200 and body["name"] == "anna" and body["changed"] is True, (path, body)
    code, body = await service.call("PUT", "/api/v1/users/anna/teacher", body={"teacher": True})
    assert code == 200
    code, body = await service.call("DELETE", "/api/v1/users/anna?keep_account=maybe")
    assert code == 400


async def test_openapi_comes_from_the_table(service):
    code, doc = await service.call("GET", "/api/v1/openapi.json")
    assert code == 200 and doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {r.pattern for r in all_routes()}
    for route in all_routes():
        assert set(route.methods) <= set(doc["paths"][route.pattern])


def test_flat_records_match_the_students_own_json():
    from jupyter_extension_companion.provision.roster import Student
    from jupyter_extension_companion.service.jsonify import flat_records

    students = [Student(name=f"s{i}", full_name="A B", teacher=i == 0, locked=False,
                        system_account=True, hub_user=True, server_running=False,
                        last_activity=None, home=f"/home/s{i}") for i in range(3)]
    assert flat_records(students) == [s.to_json() for s in students]
    assert flat_records([{"a": 1}]) == [{"a": 1}]
