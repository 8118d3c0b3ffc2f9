"""The Roster and HubClient against a real JupyterHub (B's ``hub_users`` fixture): batch add,
paging, merged state, disable/enable seen by the login form, teacher flag, remove with archive."""

from __future__ import annotations

import tarfile
import time
from pathlib import Path

import pytest

from jupyter_extension_companion.provision.roster import NewStudent

pytestmark = [pytest.mark.real, pytest.mark.slow]


def test_batch_paging_state_and_lifecycle(hub_users):
    roster = hub_users.launcher.roster("tests")
    hub = hub_users.launcher.hub()
    names = [hub_users.new_name() for _ in range(3)]

    # one batch: three accounts, one chpasswd, one POST /users
    results = roster.add_many([NewStudent(n, f"Student {i}") for i, n in enumerate(names)])
    assert all(r.ok and r.generated and r.password for r in results), results
    passwords = {r.username: r.password for r in results}

    # paging: 2 per page gives the same users as one big page
    small = {u["name"] for u in hub.list_users(page_limit=2)}
    big = {u["name"] for u in hub.list_users()}
    assert set(names) <= small and small == big

    a, b, c = names
    students = {s.name: s for s in roster.list()}
    assert {a, b, c} <= set(students)
    assert students[a].hub_user and students[a].system_account
    assert students[a].full_name == "Student 0" and not students[a].teacher
    assert not students[a].locked and not students[a].server_running

    # a student logs in with the generated password and gets a server
    session = hub_users.login(a, passwords[a])
    hub_users.open_lab(session, a)
    state = roster.get(a)
    assert state.server_running and state.last_activity

    # disable: locked, server stopped, the login form refuses; enable: works again
    change = roster.disable(a)
    assert change.changed
    state = roster.get(a)
    assert state.locked and not state.server_running
    with pytest.raises(AssertionError):
        hub_users.login(a, passwords[a])
    assert not roster.disable(a).changed
    assert roster.enable(a).changed
    hub_users.login(a, passwords[a])

    # a reset password works at once, the old one no longer
    new = roster.set_password(b).password
    hub_users.login(b, new)
    with pytest.raises(AssertionError):
        hub_users.login(b, passwords[b])

    # teacher flag is the hub's admin flag
    assert roster.set_teacher(c, True).changed and hub.get_user(c)["admin"] is True
    assert not roster.set_teacher(c, True).changed
    assert roster.set_teacher(c, False).changed and hub.get_user(c)["admin"] is False

    # start/stop through the roster
    assert roster.start_server(c).changed
    hub_users.launcher.wait_for_server(c, timeout=120)
    assert roster.stop_server(c).changed and not roster.get(c).server_running

    # remove: the running server is stopped, hub user gone, home archived, then deleted
    home = Path(roster.get(a).home)
    (home / "notebooks" / "lesson1.ipynb").write_text('{"cells": ["mine"]}')
    roster.start_server(a)
    hub_users.launcher.wait_for_server(a, timeout=120)
    change = roster.remove(a)
    assert change.changed and change.archive
    assert hub.get_user(a) is None and roster.accounts.get(a) is None and not home.exists()
    with tarfile.open(change.archive) as tar:
        assert b"mine" in tar.extractfile(f"{a}/notebooks/lesson1.ipynb").read()
    assert not roster.remove(a).changed

    # keep_account: only the hub user goes
    change = roster.remove(b, keep_account=True)
    assert change.changed and hub.get_user(b) is None and roster.accounts.get(b) is not None


def test_list_latency_small_class(hub_users):
    """A smoke figure; the 1000-student p95 is measured by bench/roster."""
    roster = hub_users.launcher.roster("tests")
    roster.list()
    times = []
    for _ in range(20):
        start = time.perf_counter()
        roster.list()
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"roster.list p50 {times[10] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    assert times[len(times) // 2] < 0.5, times  # generous: CI hosts are shared


def test_classroom_cli_against_the_real_hub(hub_users, tmp_path):
    """The ``classroom users`` command as root would run it, on the hub's state files."""
    import csv
    import json
    import os
    import subprocess
    import sys

    paths = hub_users.launcher.paths
    env = {**os.environ, "CLASSROOM_STATE": str(paths.state),
           "CLASSROOM_HOME_ROOT": str(paths.home_root), "SUDO_USER": "clitester"}
    env.pop("CLASSROOM_PREFIX", None)

    def classroom(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "jupyter_extension_companion.cli", *args],
                              env=env, capture_output=True, text=True, timeout=300)
        assert (proc.returncode == 0) == ok, (proc.returncode, proc.stdout, proc.stderr)
        return proc

    one, two, three = (hub_users.new_name() for _ in range(3))
    out = classroom("users", "add", one, "--full-name", "Una One").stdout
    password = out.split(f"password for {one}: ")[1].split()[0]
    hub_users.login(one, password)

    roster_file = tmp_path / "class.csv"
    roster_file.write_text(f"Benutzername;Name\n{two};Zwei\n{three};Drei\nroot;Root\n",
                           encoding="utf-8-sig")
    proc = classroom("users", "import", str(roster_file), "--dry-run", ok=False)
    assert "1 refused" in proc.stdout and hub_users.launcher.hub().get_user(two) is None
    creds_file = tmp_path / "creds.csv"
    proc = classroom("users", "import", str(roster_file), "--skip-refused",
                     "--credentials-out", str(creds_file), ok=False)  # exit 1: a row refused
    rows = {r["username"]: r["password"] for r in csv.DictReader(creds_file.open(encoding="utf-8-sig"))}
    assert set(rows) == {two, three}
    hub_users.login(three, rows[three])

    listed = json.loads(classroom("users", "list", "--json").stdout)["users"]
    assert {one, two, three} <= {u["name"] for u in listed}
    classroom("users", "disable", two)
    with pytest.raises(AssertionError):
        hub_users.login(two, rows[two])
    assert "nothing to change" in classroom("users", "disable", two).stdout
    classroom("users", "teacher", three)
    assert hub_users.launcher.hub().get_user(three)["admin"] is True
    proc = classroom("users", "remove", one, "--yes")
    assert "archived" in proc.stdout and hub_users.launcher.hub().get_user(one) is None
    err = classroom("users", "add", "Jürgen", ok=False).stderr
    assert err.count("\n") == 1 and "Suggested username" in err
    audit = paths.audit_log.read_text()
    assert '"actor": "clitester (cli)"' in audit and password not in audit
