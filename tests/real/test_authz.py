"""Authorization on the real hub: every service route (enumerated from the route table) and the
single-user forwarder refuse students, missing or bad tokens, and requests without XSRF; the
refused calls change nothing (accounts, shadow, hub users)."""

from __future__ import annotations

import pytest

from jupyter_extension_companion.service.routes import all_routes

pytestmark = [pytest.mark.real, pytest.mark.slow]


def calls(victim: str, newcomer: str):
    """(method, path below /api/v1, body) for every method of every route in the table."""
    body = {"name": newcomer, "password": "Stolen-Pass-123", "teacher": True,
            "csv": f"username\n{newcomer}\n", "rows": [{"username": newcomer}],
            "full_name": "Mallory"}
    for route in all_routes():
        path = route.pattern.removeprefix("/api/v1")
        for param in route.params:
            path = path.replace("{" + param + "}", victim if param == "name" else "0123abcd")
        for method in route.methods:
            yield method.upper(), path, body


@pytest.fixture
def class_of_two(hub_users):
    student, password = hub_users.make_user()
    victim, _ = hub_users.make_user()
    return hub_users, student, password, victim


def test_service_refuses_everyone_but_admins(class_of_two):
    hub, student, _password, victim = class_of_two
    newcomer = hub.new_name()
    student_token = hub.user_token(student)
    before = hub.snapshot({newcomer})
    table = list(calls(victim, newcomer))
    assert len(table) >= 12  # at least the foundation's routes; new areas add theirs
    for method, path, body in table:
        for label, token in [("student", student_token), ("no token", None),
                             ("bad token", "0" * 32), ("service token", hub.token)]:
            r = hub.service(method, path, token, json=body)
            assert r.status_code == 403, (label, method, path, r.status_code, r.text[:200])
            assert r.json()["code"] in ("not_authenticated", "not_admin"), r.text
    assert hub.snapshot({newcomer}) == before


def test_forwarder_refuses_students_and_missing_xsrf(class_of_two):
    hub, student, password, victim = class_of_two
    newcomer = hub.new_name()
    session = hub.login(student, password)
    hub.open_lab(session, student)
    before = hub.snapshot({newcomer})
    base = f"{hub.url}/user/{student}/classroom/api/admin"
    xsrf = hub.xsrf_headers(session, student)
    for method, path, body in calls(victim, newcomer):
        # the student's own session, with a valid XSRF token: not a teacher
        r = session.request(method, base + path, json=body, headers=xsrf, timeout=60)
        assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
        assert r.json()["code"] == "not_admin", r.text
        if method != "GET":
            # without the XSRF token jupyter_server refuses before our handler runs
            r = session.request(method, base + path, json=body, timeout=60)
            assert r.status_code == 403, (method, path, r.status_code)
        # no session at all
        r = hub.service(method, path, None, json=body)
        assert r.status_code == 403
    assert hub.snapshot({newcomer}) == before


def test_teacher_visiting_a_student_server_is_not_forwarded(hub_users):
    teacher, tpass = hub_users.make_user(teacher=True)
    student, spass = hub_users.make_user()
    hub_users.open_lab(hub_users.login(student, spass), student)
    session = hub_users.login(teacher, tpass)
    # admin access: the teacher may open the student's server (OAuth with the hub) ...
    page = hub_users.visit(session, f"/user/{student}/lab")
    assert page.status_code == 200 and page.url.endswith(f"/user/{student}/lab"), page.url
    r = session.get(f"{hub_users.url}/user/{student}/classroom/api/whoami", timeout=60)
    assert r.status_code == 200 and r.json()["owner"] is False and r.json()["teacher"] is True
    # ... but the student's server never forwards on the teacher's behalf
    before = hub_users.snapshot()
    r = session.get(f"{hub_users.url}/user/{student}/classroom/api/admin/users", timeout=60)
    assert r.status_code == 403 and r.json()["code"] == "not_owner", r.text
    assert hub_users.snapshot() == before
