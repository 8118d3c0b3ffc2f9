"""Passwords cannot be lost (real hub, PAM, the service through the proxy): an import's and a
"new passwords" sheet are kept for the teacher who made them, root-only, and work at login."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .conftest import RealHub


def _wait_job(hub: RealHub, job: str, token: str) -> dict:
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = hub.service("GET", f"/jobs/{job}", token).json()
        if state["state"] != "running":
            return state
        time.sleep(0.3)
    raise AssertionError("the import job did not end")


def test_import_then_reload_then_new_passwords(hub_users: RealHub) -> None:
    teacher, _ = hub_users.make_user(teacher=True)
    other_teacher, _ = hub_users.make_user(teacher=True)
    token = hub_users.user_token(teacher)
    a, b = hub_users.new_name(), hub_users.new_name()

    # the import: its generated passwords are kept for this teacher
    r = hub_users.service("POST", "/roster/apply", token,
                          json={"rows": [{"username": a, "full_name": "Anna Äpfel"},
                                         {"username": b}]})
    assert r.status_code == 202, r.text
    job = _wait_job(hub_users, r.json()["job"], token)
    assert job["state"] == "done", job
    assert job["result"]["kept"]["count"] == 2

    # "after a reload": the sheet again, only for this teacher
    last = hub_users.service("GET", "/credentials/last", token)
    assert last.status_code == 200, last.text
    sheet = {c["name"]: c["password"] for c in last.json()["credentials"]}
    assert set(sheet) == {a, b}
    assert hub_users.service("GET", "/credentials/last",
                             hub_users.user_token(other_teacher)).status_code == 404
    assert hub_users.service("GET", "/credentials/last",
                             hub_users.user_token(a)).status_code == 403
    hub_users.login(a, sheet[a])  # the kept password is the real one

    # root-only on disk, never in the audit log
    folder = Path(hub_users.launcher.paths.state) / "credentials"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and folder.stat().st_uid == 0
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert os.stat(f).st_uid == 0
    assert sheet[a] not in Path(hub_users.launcher.paths.audit_log).read_text()

    # new passwords for a selection: one call, one sheet, replacing the import's
    r = hub_users.service("POST", "/credentials/new", token, json={"names": [a, b]})
    assert r.status_code == 200, r.text
    fresh = {c["name"]: c["password"] for c in r.json()["credentials"]}
    assert set(fresh) == {a, b} and fresh[a] != sheet[a]
    hub_users.login(b, fresh[b])
    last = hub_users.service("GET", "/credentials/last", token).json()
    assert last["kind"] == "passwords" and last["count"] == 2
    csv = hub_users.service("GET", "/credentials/last?format=csv", token)
    assert csv.headers["Content-Type"].startswith("text/csv") and fresh[a] in csv.text

    # the teacher's own account is refused and nothing changes
    r = hub_users.service("POST", "/credentials/new", token, json={"names": [a, teacher]})
    assert r.status_code == 409 and r.json()["code"] == "self"
    hub_users.login(a, fresh[a])

    # saved: shredded at once
    assert hub_users.service("DELETE", "/credentials/last", token).json() == {"discarded": True}
    assert hub_users.service("GET", "/credentials/last", token).status_code == 404
    assert list(folder.iterdir()) == [] or all(
        not f.name.startswith(teacher.encode().hex()) for f in folder.iterdir())
