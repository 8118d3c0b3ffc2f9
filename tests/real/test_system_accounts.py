"""Real system accounts (root): useradd/chpasswd/usermod/userdel, PAM logins, home archives.

Users are named ``clt`` + random letters, live in a scratch home root, and are removed in the
fixture's finaliser. The hub is a fake here; the end-to-end tests against a real JupyterHub
use the same Roster.
"""

from __future__ import annotations

import os
import stat
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import system_accounts as sa_module
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.hub_api import HubError
from jupyter_extension_companion.provision.roster import Roster
from jupyter_extension_companion.provision.roster_apply import apply
from jupyter_extension_companion.provision.roster_import import preview
from jupyter_extension_companion.provision.system_accounts import SystemAccounts

from .users_fixture import remove_test_users, system_user_prefix

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (creates system users)"),
]

HOST_FILES = [Path("/etc/passwd"), Path("/etc/shadow"), Path("/etc/group"), Path("/etc/gshadow")]


def pam_login(name: str, password: str) -> bool:
    """A real PAM password check, as the hub's PAMAuthenticator does it."""
    import pamela

    try:
        pamela.authenticate(name, password, service="login")
    except pamela.PAMError:
        return False
    return True


class FakeHub:
    """Just enough hub for the Roster (the real hub is B's end-to-end test)."""

    def __init__(self):
        self.users: dict[str, dict] = {}
        self.posts: list[list[str]] = []
        self.fail = False

    def list_users(self):
        return [dict(u) for u in self.users.values()]

    def get_user(self, name):
        return self.users.get(name)

    def add_users(self, names, admin=False):
        self.posts.append(list(names))
        if self.fail:
            raise HubError("the hub is down", hub_status=500)
        for n in names:
            self.users.setdefault(n, {"name": n, "admin": admin, "server": None})
        return []

    def delete_user(self, name):
        return self.users.pop(name, None) is not None

    def list_groups(self, page_limit=200):
        return []  # no classes here (tests/real/test_classes.py has them)

    def stop_server(self, name):
        self.users[name]["server"] = None

    def set_admin(self, name, admin):
        self.users[name]["admin"] = admin


@pytest.fixture
def env(tmp_path):
    prefix = system_user_prefix()
    paths = ClassroomPaths().with_prefix(tmp_path)  # home_root, state, archive below tmp_path
    made: list[str] = []

    def name(suffix: str) -> str:
        n = f"{prefix}{suffix}"
        made.append(n)
        return n

    accounts = SystemAccounts(paths)
    hub = FakeHub()
    roster = Roster(hub, paths, accounts, actor="tester")
    try:
        yield paths, accounts, roster, hub, name
    finally:
        remove_test_users(made)


def snapshot(mine: tuple[str, ...] = ()) -> dict[Path, list[str]]:
    """The account files, line by line, without other tests' ``clt`` users (other test runs
    on the same machine may add theirs meanwhile); this test's own names stay in."""
    return {
        p: [line for line in p.read_text().splitlines()
            if not line.startswith("clt") or line.split(":", 1)[0] in mine]
        for p in HOST_FILES if p.exists()
    }


def shadow_hash(name: str) -> str:
    for line in Path("/etc/shadow").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split(":")[1]
    raise KeyError(name)


def test_create_home_notebooks_and_idempotence(env):
    paths, accounts, _, _, name = env
    n = name("a")
    assert accounts.create(n, full_name="Anna Schmidt") is True
    acct = accounts.get(n)
    assert acct is not None and acct.uid >= 1000 and acct.shell == "/bin/bash"
    assert acct.home == str(paths.home_root / n) and acct.full_name == "Anna Schmidt"
    home = Path(acct.home)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700 and home.stat().st_uid == acct.uid
    nb = home / "notebooks"
    assert nb.is_dir() and nb.stat().st_uid == acct.uid and nb.stat().st_gid == acct.gid
    assert acct.has_password is False  # no usable password until one is set
    assert accounts.create(n) is False  # exists: nothing to change
    assert pam_login(n, "") is False


def test_one_chpasswd_for_many_and_pam_login(env, monkeypatch):
    _, accounts, _, _, name = env
    names = [name(s) for s in "abc"]
    for n in names:
        accounts.create(n)
    seen = []
    real_run = sa_module.run

    def counting_run(argv, **kw):
        seen.append(argv[0])
        return real_run(argv, **kw)

    monkeypatch.setattr(sa_module, "run", counting_run)
    accounts.set_passwords({n: f"Pw-{n}-x9" for n in names})
    assert seen == ["chpasswd"]
    for n in names:
        assert pam_login(n, f"Pw-{n}-x9")
    assert not pam_login(names[0], f"Pw-{names[1]}-x9")  # (each failure costs PAM's delay)


def test_lock_unlock_and_password_reset_keeps_lock(env):
    _, accounts, _, _, name = env
    n = name("l")
    accounts.create(n)
    accounts.set_passwords({n: "Lock-Test-42"})
    assert accounts.lock(n) is True and shadow_hash(n).startswith("!")
    out = subprocess.run(["passwd", "-S", n], capture_output=True, text=True).stdout
    assert out.split()[1] == "L"
    assert accounts.get(n).locked and not pam_login(n, "Lock-Test-42")
    assert accounts.lock(n) is False
    accounts.set_passwords({n: "New-Pass-77"})  # a reset must not unlock
    assert accounts.get(n).locked and not pam_login(n, "New-Pass-77")
    assert accounts.unlock(n) is True and pam_login(n, "New-Pass-77")
    assert accounts.unlock(n) is False


def test_delete_archives_home_first(env):
    paths, accounts, _, _, name = env
    n = name("d")
    accounts.create(n)
    acct = accounts.get(n)
    nb = Path(acct.home) / "notebooks" / "work.ipynb"
    nb.write_text('{"cells": ["hello from the student"]}')
    changed, archive = accounts.delete(n)
    assert changed and archive is not None and archive.parent == paths.archive
    assert archive.name.startswith(f"{n}-") and archive.name.endswith("Z.tar.gz")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        data = tar.extractfile(f"{n}/notebooks/work.ipynb").read()
    assert b"hello from the student" in data
    assert not Path(acct.home).exists() and accounts.get(n) is None
    group_names = [line.split(":")[0] for line in Path("/etc/group").read_text().splitlines()]
    assert n not in group_names
    assert accounts.delete(n) == (False, None)


def test_failed_archive_deletes_nothing(env, monkeypatch):
    _, accounts, _, _, name = env
    n = name("f")
    accounts.create(n)

    def broken(path):
        raise ClassroomError("damaged", code="archive_failed")

    monkeypatch.setattr(sa_module, "_verify_archive", broken)
    with pytest.raises(ClassroomError):
        accounts.delete(n)
    assert accounts.get(n) is not None and Path(accounts.get(n).home).is_dir()


def test_system_accounts_are_never_touched(env):
    _, accounts, _, _, _ = env
    before = snapshot()
    for op in (accounts.lock, accounts.unlock, accounts.delete, accounts.archive_home):
        with pytest.raises(ClassroomError):
            op("daemon")
    with pytest.raises(ClassroomError):
        accounts.set_passwords({"daemon": "Whatever-123"})
    assert snapshot() == before


def test_read_all_matches_pwd(env):
    import pwd

    _, accounts, _, _, _ = env
    start = time.perf_counter()
    state = accounts.read_all()
    assert time.perf_counter() - start < 0.5  # one parse, no command per user (a loaded CI host is slow)
    assert {p.pw_name for p in pwd.getpwall()} <= set(state) | {""}
    assert state["root"].uid == 0 and state["root"].is_system


HOSTILE = """username;full name;password
rm -rf /;;
$(reboot);;
-rf;;
../etc;;
a/b;;
root;;
daemon;;
www-data;;
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;;
 ;;
jürgen;;
x y;;
{dup};;
{dup};;
"""


def test_hostile_roster_changes_nothing(env):
    _, _, roster, hub, name = env
    dup = name("dup")
    text = HOSTILE.replace("{dup}", dup)
    plan = preview(text, roster)
    assert [r.action for r in plan.rows].count("refuse") == len(plan.rows) - 1
    before = snapshot((dup,))
    # every refused row (the duplicate's refusal depends on its twin, so it stays out)
    refused = [{"username": r.input["username"] or ""} for r in plan.rows
               if r.action == "refuse" and r.input["username"] != dup]
    assert len(refused) == 12
    result = apply(refused, roster)
    assert not any(r.ok for r in result.results)
    assert snapshot((dup,)) == before and hub.users == {} and hub.posts == []


def test_roster_batch_and_rollback(env):
    paths, accounts, roster, hub, name = env
    a, b = name("ba"), name("bb")
    result = apply([{"username": a, "full_name": "A"}, {"username": b, "password": "Given-123"}],
                   roster)
    ra, rb = result.results
    assert ra.ok and rb.ok and hub.posts == [[a, b]]
    assert pam_login(a, ra.password) and pam_login(b, "Given-123")
    assert (paths.home_of(a) / "notebooks").is_dir()
    # the hub refuses: the accounts made in this batch are removed again
    c = name("bc")
    hub.fail = True
    before = snapshot((a, b, c))
    (rc,) = apply([{"username": c}], roster).results
    assert not rc.ok and "hub is down" in rc.message
    assert accounts.get(c) is None and not paths.home_of(c).exists()
    assert snapshot((a, b, c)) == before
    # disable/remove through the roster
    hub.fail = False
    assert roster.disable(a).changed and accounts.get(a).locked
    change = roster.remove(a)
    assert change.changed and Path(change.archive).is_file() and accounts.get(a) is None
