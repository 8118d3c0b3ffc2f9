"""In-memory stand-ins for the hub API and the host's accounts (no root, no hub).

They keep the same public interface as ``HubClient`` and ``SystemAccounts`` and count the
calls that matter for batching (one chpasswd, one POST /users).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.hub_api import HubError
from jupyter_extension_companion.provision.system_accounts import Account, SystemAccounts

SYSTEM = {"root": 0, "daemon": 1, "www-data": 33, "postgres": 114, "nobody": 65534}


class FakeHub:
    def __init__(self, names: tuple[str, ...] = (), admins: tuple[str, ...] = ()):
        self.users: dict[str, dict] = {}
        self.calls: list[tuple] = []
        self.fail_add: str | None = None
        for n in names:
            self._make(n, n in admins)

    def _make(self, name: str, admin: bool) -> None:
        self.users[name] = {"name": name, "admin": admin, "server": None, "pending": None,
                            "last_activity": "2026-11-20T10:00:00Z", "servers": {}}

    def list_users(self, page_limit: int = 200, state: str | None = None) -> list[dict]:
        self.calls.append(("list_users", state) if state else ("list_users",))
        users = [dict(u) for u in self.users.values()]
        if state == "active":
            users = [u for u in users if u["server"] or u["pending"]]
        return users

    def list_groups(self, page_limit: int = 200) -> list[dict]:
        return [dict(g) for g in getattr(self, "groups_models", [])]

    def count_users(self) -> int:
        self.calls.append(("count_users",))
        return len(self.users)

    def get_user(self, name: str) -> dict | None:
        u = self.users.get(name)
        return dict(u) if u else None

    def add_users(self, names: list[str], admin: bool = False) -> list[dict]:
        self.calls.append(("add_users", tuple(names), admin))
        if self.fail_add:
            # like the hub: the ones before the failing name are created
            for n in names[: len(names) // 2]:
                self._make(n, admin)
            raise HubError(self.fail_add, hub_status=400)
        made = []
        for n in names:
            if n not in self.users:
                self._make(n, admin)
                made.append(self.users[n])
        return made

    def delete_user(self, name: str) -> bool:
        self.calls.append(("delete_user", name))
        return self.users.pop(name, None) is not None

    def set_admin(self, name: str, admin: bool) -> dict:
        self.calls.append(("set_admin", name, admin))
        if name not in self.users:
            raise NotFound(name)
        self.users[name]["admin"] = admin
        return self.users[name]

    def start_server(self, name: str) -> None:
        self.calls.append(("start_server", name))
        self.users[name]["server"] = f"/user/{name}/"

    def stop_server(self, name: str) -> None:
        self.calls.append(("stop_server", name))
        self.users[name]["server"] = None


class FakeAccounts(SystemAccounts):
    """System accounts in memory; inherits the pure logic (``is_student_home``)."""

    def __init__(self, paths: ClassroomPaths, system: dict[str, int] | None = None):
        super().__init__(paths)
        self.accounts: dict[str, Account] = {}
        self.passwords: dict[str, str] = {}
        self.calls: list[tuple] = []
        self.fail_useradd: set[str] = set()
        self.fail_archive: set[str] = set()
        for name, uid in (SYSTEM if system is None else system).items():
            self.accounts[name] = Account(name, uid, uid, name, f"/var/{name}", "/usr/sbin/nologin",
                                          False, False)
        self.next_uid = 1001

    def add_existing(self, name: str, home: str | None = None, password: str | None = "x") -> None:
        self.accounts[name] = Account(name, self.next_uid, self.next_uid, "", home or
                                      str(self.paths.home_of(name)), "/bin/bash", False,
                                      password is not None)
        if password:
            self.passwords[name] = password
        self.next_uid += 1

    def read_all(self) -> dict[str, Account]:
        self.calls.append(("read_all",))
        return dict(self.accounts)

    def get(self, name: str) -> Account | None:
        return self.accounts.get(name)

    def create_many(self, entries, progress=None):
        results = {}
        for i, (name, full_name) in enumerate(entries):
            self.calls.append(("useradd", name))
            if name in self.fail_useradd:
                results[name] = ClassroomError(f"useradd failed for {name}", status=500)
            else:
                self.accounts[name] = Account(name, self.next_uid, self.next_uid, full_name or "",
                                              str(self.paths.home_of(name)), "/bin/bash",
                                              False, False)
                self.next_uid += 1
                results[name] = None
            if progress:
                progress(f"account {name}", (i + 1) / len(entries))
        return results

    def _managed(self, name: str) -> Account:
        a = self.accounts.get(name)
        if a is None:
            raise NotFound(f"no account {name}")
        if a.is_system:
            raise ClassroomError("system account", code="system_account")
        return a

    def set_passwords(self, passwords) -> None:
        self.calls.append(("chpasswd", tuple(passwords)))
        for name, pw in passwords.items():
            a = self._managed(name)
            self.passwords[name] = pw
            self.accounts[name] = replace(a, has_password=True)

    def lock(self, name: str) -> bool:
        a = self._managed(name)
        if a.locked:
            return False
        self.accounts[name] = replace(a, locked=True)
        return True

    def unlock(self, name: str) -> bool:
        a = self._managed(name)
        if not a.locked:
            return False
        self.accounts[name] = replace(a, locked=False)
        return True

    # the steps of a removal (Roster.remove), recorded in order
    def lock_out(self, name: str):
        a = self._managed(name)
        self.calls.append(("lock_out", name))
        self.accounts[name] = replace(a, locked=True)

        def undo() -> None:
            self.calls.append(("unlock", name))
            self.accounts[name] = replace(self.accounts[name], locked=a.locked)

        return undo

    def end_processes(self, name: str, grace: float = 5.0) -> None:
        self._managed(name)
        self.calls.append(("end_processes", name))

    def archive_home(self, name: str):
        self._managed(name)
        self.calls.append(("archive", name))
        if name in self.fail_archive:
            raise ClassroomError("tar failed", code="command_failed", status=500)
        return Path(self.paths.archive) / f"{name}-X.tar.gz"

    def delete_locked(self, name: str) -> None:
        self._managed(name)
        self.calls.append(("userdel", name, True))
        del self.accounts[name]
        self.passwords.pop(name, None)

    def delete(self, name: str, *, archive: bool = True):
        if name not in self.accounts:
            return False, None
        self._managed(name)
        self.calls.append(("userdel", name, archive))
        del self.accounts[name]
        self.passwords.pop(name, None)
        return True, (Path(self.paths.archive) / f"{name}-X.tar.gz") if archive else None
