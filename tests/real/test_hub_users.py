"""Students end to end on a real hub: made through the service, logged in through the login
form with the generated password, JupyterLab in ~/notebooks; the teacher's forwarder."""

from __future__ import annotations

import json
import pwd
import stat
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.real, pytest.mark.slow]


def test_student_from_service_logs_in_and_gets_lab_in_notebooks(hub_users):
    teacher, _ = hub_users.make_user(teacher=True)
    token = hub_users.user_token(teacher)
    name = hub_users.new_name()
    r = hub_users.service("POST", "/users", token, json={"name": name, "full_name": "Ada L"})
    assert r.status_code == 201, r.text
    creds = r.json()["credentials"]
    assert creds["name"] == name and creds["generated"] is True and creds["password"]

    # the account, ~/notebooks owned by the student, the hub user, the audit line
    account = pwd.getpwnam(name)
    notebooks = Path(account.pw_dir) / "notebooks"
    st = notebooks.stat()
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == account.pw_uid
    audit = hub_users.launcher.paths.audit_log.read_text()
    assert creds["password"] not in audit
    assert any(json.loads(line)["actor"] == teacher and json.loads(line)["target"] == name
               for line in audit.splitlines())

    # a wrong password is refused by PAM, the generated one works
    with pytest.raises(AssertionError):
        hub_users.login(name, creds["password"] + "x")
    session = hub_users.login(name, creds["password"])

    # the hub's pre-spawn hook makes ~/notebooks again if it went missing
    notebooks.rmdir()
    page = hub_users.open_lab(session, name)
    assert page.url.rstrip("/").endswith(f"/user/{name}/lab"), page.url  # default_url = /lab
    assert "JupyterLab" in page.text
    st = notebooks.stat()
    assert stat.S_ISDIR(st.st_mode) and st.st_uid == account.pw_uid
    # markers: one in ~/notebooks (must be visible at the server's root), one in ~ (must not)
    (notebooks / "in-notebooks.txt").write_text("x")
    (Path(account.pw_dir) / "in-home.txt").write_text("x")
    root = session.get(f"{hub_users.url}/user/{name}/api/contents", timeout=30).json()
    names = {item["name"] for item in root["content"]}
    assert "in-notebooks.txt" in names and "in-home.txt" not in names

    # the student is no teacher: whoami says so, the forwarder refuses without forwarding
    who = session.get(f"{hub_users.url}/user/{name}/classroom/api/whoami", timeout=30).json()
    assert who == {"name": name, "teacher": False, "hub": True, "owner": True, "service": False,
                   "server_owner": name, "show_server_owner": True}


def test_teacher_forwarder(hub_users):
    teacher, password = hub_users.make_user(teacher=True)
    session = hub_users.login(teacher, password)
    hub_users.open_lab(session, teacher)
    base = f"{hub_users.url}/user/{teacher}/classroom/api"
    who = session.get(f"{base}/whoami", timeout=30).json()
    assert who["teacher"] is True and who["hub"] is True and who["service"] is True

    r = session.get(f"{base}/admin/users", timeout=60)
    assert r.status_code == 200, r.text
    assert teacher in {u["name"] for u in r.json()["users"]}

    # a change needs the XSRF token of the teacher's server
    name = hub_users.new_name()
    r = session.post(f"{base}/admin/users", json={"name": name}, timeout=60)
    assert r.status_code == 403
    with pytest.raises(KeyError):
        pwd.getpwnam(name)
    r = session.post(f"{base}/admin/users", json={"name": name}, timeout=120,
                     headers=hub_users.xsrf_headers(session, teacher))
    assert r.status_code == 201, r.text
    assert pwd.getpwnam(name)

    # errors of the service come back as they are
    r = session.post(f"{base}/admin/users", json={"name": "-rf"}, timeout=60,
                     headers=hub_users.xsrf_headers(session, teacher))
    assert r.status_code == 400 and r.json()["code"] and r.json()["message"]
    r = session.get(f"{base}/admin/users/..%2F..%2Fhub", timeout=30)
    assert r.status_code in (400, 404)


def test_manage_a_student_through_the_service(hub_users):
    teacher, _ = hub_users.make_user(teacher=True)
    token = hub_users.user_token(teacher)
    name, old_password = hub_users.make_user()

    r = hub_users.service("GET", f"/users/{name}", token)
    assert r.status_code == 200 and r.json()["name"] == name and r.json()["teacher"] is False

    r = hub_users.service("POST", f"/users/{name}/password", token, json={})
    assert r.status_code == 200, r.text
    new_password = r.json()["credentials"]["password"]
    assert new_password and new_password != old_password
    with pytest.raises(AssertionError):
        hub_users.login(name, old_password)
    hub_users.login(name, new_password)

    before = hub_users.login(name, new_password)  # a login cookie from before the disable
    r = hub_users.service("POST", f"/users/{name}/disable", token)
    assert r.status_code == 200 and r.json()["changed"] is True, r.text
    with pytest.raises(AssertionError):
        hub_users.login(name, new_password)
    # ... still valid at the hub, but the hub refuses to start the disabled student's server
    before.get(f"{hub_users.url}/hub/spawn/{name}", timeout=120)
    deadline = time.monotonic() + 60
    while True:
        server = (hub_users.launcher.hub().get_user(name) or {}).get("servers", {}).get("", {})
        if not server.get("pending") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert not server.get("ready"), "a disabled student's server was started"
    assert "account is disabled" in hub_users.launcher.log_tail(200)
    assert hub_users.service("GET", f"/users/{name}", token).json()["locked"] is True
    r = hub_users.service("POST", f"/users/{name}/enable", token)
    assert r.status_code == 200 and r.json()["changed"] is True
    hub_users.login(name, new_password)

    r = hub_users.service("PUT", f"/users/{name}/teacher", token, json={"teacher": True})
    assert r.status_code == 200 and r.json()["changed"] is True
    assert hub_users.launcher.hub().get_user(name)["admin"] is True
    r = hub_users.service("PUT", f"/users/{teacher}/teacher", token, json={"teacher": False})
    assert r.status_code >= 400  # nobody takes their own teacher rights away

    home = Path(pwd.getpwnam(name).pw_dir)
    (home / "notebooks" / "work.ipynb").write_text("{}")
    r = hub_users.service("DELETE", f"/users/{name}", token)
    assert r.status_code == 200, r.text
    archive = Path(r.json()["archive"])
    assert archive.is_file() and archive.name.startswith(f"{name}-")
    with pytest.raises(KeyError):
        pwd.getpwnam(name)
    assert not home.exists()
    assert hub_users.launcher.hub().get_user(name) is None
    assert hub_users.service("GET", f"/users/{name}", token).status_code == 404
    actions = [json.loads(line) for line in
               hub_users.launcher.paths.audit_log.read_text().splitlines()]
    assert {a["actor"] for a in actions if a["target"] == name} >= {teacher}
