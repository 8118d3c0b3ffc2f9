"""Fakes for the class tests: a hub with groups, unix groups in memory."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from jupyter_extension_companion.provision.errors import NotFound
from jupyter_extension_companion.provision.hub_api import HubError

from .roster_fakes import FakeHub


class GroupHub(FakeHub):
    """FakeHub plus the hub's group API (same refusals as JupyterHub 5)."""

    def __init__(self, names: tuple[str, ...] = (), admins: tuple[str, ...] = ()):
        super().__init__(names, admins)
        self.groups: dict[str, dict[str, Any]] = {}

    def _model(self, name: str) -> dict:
        g = self.groups[name]
        return {"name": name, "users": list(g["users"]), "properties": dict(g["properties"])}

    def list_users(self, page_limit: int = 200, state: str | None = None) -> list[dict]:
        users = super().list_users(page_limit, state)
        for u in users:
            u["groups"] = sorted(g for g, m in self.groups.items() if u["name"] in m["users"])
        return users

    def list_groups(self, page_limit: int = 200) -> list[dict]:
        self.calls.append(("list_groups",))
        return [self._model(n) for n in self.groups]

    def get_group(self, name: str) -> dict | None:
        return self._model(name) if name in self.groups else None

    def _users(self, users: Iterable[str]) -> list[str]:
        users = list(users)
        for u in users:
            if u not in self.users:
                raise HubError(f"No such user: {u}", hub_status=400)
        return users

    def create_group(self, name: str, users: list[str] | None = None) -> bool:
        self.calls.append(("create_group", name))
        if name in self.groups:
            return False
        self.groups[name] = {"users": self._users(users or []), "properties": {}}
        return True

    def set_group_properties(self, name: str, properties: dict) -> dict:
        if name not in self.groups:
            raise NotFound(name)
        self.groups[name]["properties"] = dict(properties)
        return self._model(name)

    def add_group_members(self, name: str, users: list[str]) -> dict | None:
        self.calls.append(("add_group_members", name, tuple(users)))
        g = self.groups[name]
        for u in self._users(users):
            if u not in g["users"]:
                g["users"].append(u)
        return self._model(name)

    def remove_group_members(self, name: str, users: list[str]) -> dict | None:
        self.calls.append(("remove_group_members", name, tuple(users)))
        g = self.groups[name]
        for u in self._users(users):
            if u in g["users"]:
                g["users"].remove(u)
        return self._model(name)

    def delete_group(self, name: str) -> bool:
        self.calls.append(("delete_group", name))
        return self.groups.pop(name, None) is not None

    def delete_user(self, name: str) -> bool:
        for g in self.groups.values():
            if name in g["users"]:
                g["users"].remove(name)
        return super().delete_user(name)


class FakeUnix:
    """Unix groups in memory: name -> (gid, members)."""

    def __init__(self, existing: dict[str, int] | None = None):
        self.groups: dict[str, tuple[int, list[str]]] = {
            n: (gid, []) for n, gid in (existing or {}).items()}
        self.next_gid = 2000
        self.calls: list[tuple] = []

    def get(self, name: str) -> Any:
        if name not in self.groups:
            return None
        gid, members = self.groups[name]
        return SimpleNamespace(gr_name=name, gr_gid=gid, gr_mem=list(members))

    def all(self) -> dict[str, Any]:
        return {n: self.get(n) for n in self.groups}

    def create(self, name: str) -> None:
        self.calls.append(("groupadd", name))
        assert name not in self.groups
        self.groups[name] = (self.next_gid, [])
        self.next_gid += 1

    def set_members(self, name: str, members: Iterable[str]) -> None:
        self.calls.append(("gpasswd", name, tuple(sorted(members))))
        self.groups[name] = (self.groups[name][0], sorted(members))

    def rename(self, old: str, new: str) -> None:
        self.calls.append(("groupmod", old, new))
        self.groups[new] = self.groups.pop(old)

    def delete(self, name: str) -> None:
        self.calls.append(("groupdel", name))
        del self.groups[name]
