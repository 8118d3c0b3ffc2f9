"""Hand out and collect through the real service and hub (issue 13).

Real accounts (``clt*``), a real hub group as the class, files written by the students
themselves (``runuser``), the hub's own pre-spawn hook for a student who joins later.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.real, pytest.mark.slow]


def as_user(name: str, *argv: str, stdin: str | None = None) -> None:
    """Run a command as ``name`` (what they can do in their own home)."""
    subprocess.run(["runuser", "-u", name, "--", *argv], input=stdin, text=True, check=True,
                   capture_output=True)


def a_notebook(text: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                                  "source": text, "outputs": []}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def notebooks(name: str) -> Path:
    return Path(pwd.getpwnam(name).pw_dir) / "notebooks"


def run_job(hub: Any, token: str, method: str, path: str, body: dict) -> dict:
    r = hub.service(method, path, token, json=body)
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = hub.service("GET", f"/jobs/{job}", token).json()
        if state["state"] != "running":
            assert state["state"] == "done", state
            return state["result"]
        time.sleep(0.2)
    raise AssertionError(f"job {job} still running")


@pytest.fixture
def lesson(hub_users: Any):
    """A teacher, three students in a class (a hub group), the teacher's token; the group is
    deleted at the end."""
    teacher, _ = hub_users.make_user(teacher=True)
    students = sorted(hub_users.make_user()[0] for _ in range(3))
    group = "cltclass" + secrets.token_hex(3)
    hub = hub_users.launcher.hub()
    hub.request("POST", f"/groups/{group}", {"users": students})
    try:
        yield hub_users, teacher, students, group, hub_users.user_token(teacher)
    finally:
        hub.request("DELETE", f"/groups/{group}", ok_missing=True)


def test_handout_to_a_class_keeps_a_students_own_file(lesson: Any) -> None:
    hub, teacher, students, group, token = lesson
    nb = "ex" + secrets.token_hex(3) + ".ipynb"
    assignment = nb[:-6]
    as_user(teacher, "tee", str(notebooks(teacher) / nb), stdin=a_notebook("print('teacher')"))
    # the second student has a file of that name in that folder already
    own = students[1]
    as_user(own, "mkdir", str(notebooks(own) / assignment))
    as_user(own, "tee", str(notebooks(own) / assignment / nb), stdin=a_notebook("# mine"))

    result = run_job(hub, token, "POST", "/handouts", {"source": nb, "classes": [group]})

    by_student = {s["student"]: s for s in result["students"]}
    assert set(by_student) == set(students)
    for s in students:
        folder = notebooks(s) / assignment
        st = folder.stat()
        assert (st.st_uid, st.st_gid) == (pwd.getpwnam(s).pw_uid, pwd.getpwnam(s).pw_gid)
        assert by_student[s]["outcome"] == "handed_out", by_student[s]
        if s == own:
            assert "# mine" in (folder / nb).read_text()  # kept
            copy = folder / f"{assignment}-2.ipynb"
            assert by_student[s]["files"] == [
                {"path": nb, "outcome": "suffixed", "written_as": copy.name}]
        else:
            copy = folder / nb
            assert by_student[s]["files"][0]["outcome"] == "written"
        assert "print('teacher')" in copy.read_text()
        assert copy.stat().st_uid == pwd.getpwnam(s).pw_uid

    # again: nothing changes, nothing new appears
    again = run_job(hub, token, "POST", "/handouts", {"source": nb, "classes": [group]})
    assert {s["outcome"] for s in again["students"]} == {"unchanged"}
    assert sorted(p.name for p in (notebooks(own) / assignment).iterdir()) == \
        sorted([nb, f"{assignment}-2.ipynb"])
    audit = [json.loads(line) for line in hub.launcher.paths.audit_log.read_text().splitlines()]
    assert [(e["actor"], e["outcome"]) for e in audit
            if e["action"] == "lesson.handout" and e["target"] == assignment] == \
        [(teacher, "ok"), (teacher, "nothing-to-change")]


def test_a_symlinked_target_folder_gets_nothing_written_outside_the_home(lesson: Any) -> None:
    hub, teacher, students, group, token = lesson
    nb = "clthandout" + secrets.token_hex(4) + ".ipynb"
    assignment = nb[:-6]
    as_user(teacher, "tee", str(notebooks(teacher) / nb), stdin=a_notebook("print(1)"))
    attacker = students[0]
    as_user(attacker, "ln", "-s", "/etc", str(notebooks(attacker) / assignment))
    etc_before = sorted(os.listdir("/etc"))

    result = run_job(hub, token, "POST", "/handouts", {"source": nb, "classes": [group]})

    by_student = {s["student"]: s for s in result["students"]}
    assert by_student[attacker]["outcome"] == "refused", by_student[attacker]
    assert "symlink" in by_student[attacker]["message"]
    assert not Path("/etc", nb).exists()
    assert sorted(os.listdir("/etc")) == etc_before
    assert os.readlink(notebooks(attacker) / assignment) == "/etc"  # still their symlink
    for s in students[1:]:
        assert by_student[s]["outcome"] == "handed_out"
        assert (notebooks(s) / assignment / nb).is_file()


def test_collect_gets_the_latest_saved_work_and_lists_who_is_missing(lesson: Any) -> None:
    hub, teacher, students, group, token = lesson
    nb = "ex" + secrets.token_hex(3) + ".ipynb"
    assignment = nb[:-6]
    as_user(teacher, "tee", str(notebooks(teacher) / nb), stdin=a_notebook("# task"))
    run_job(hub, token, "POST", "/handouts", {"source": nb, "classes": [group]})
    worker, absent, quiet = students
    as_user(worker, "tee", str(notebooks(worker) / assignment / nb),
            stdin=a_notebook("answer = 41"))
    as_user(absent, "rm", "-r", str(notebooks(absent) / assignment))

    result = run_job(hub, token, "POST", f"/handouts/{assignment}/collect", {"class": group})

    base = notebooks(teacher) / "collected" / assignment / group
    assert result["folder"] == f"collected/{assignment}/{group}"
    assert result["missing"] == [absent]
    copy = base / worker / nb
    assert "answer = 41" in copy.read_text()
    assert "# task" in (base / quiet / nb).read_text()
    tuid = pwd.getpwnam(teacher).pw_uid
    assert copy.stat().st_uid == tuid and (base / worker).stat().st_uid == tuid
    assert (base / worker).stat().st_mode & 0o077 == 0  # nothing for the students' side
    summary = json.loads((base / "collected.json").read_text())
    assert summary["missing"] == [absent] and summary["time"] == result["time"]

    # the student saves again; collecting again updates the teacher's copy
    as_user(worker, "tee", str(notebooks(worker) / assignment / nb),
            stdin=a_notebook("answer = 42"))
    again = run_job(hub, token, "POST", f"/handouts/{assignment}/collect", {"class": group})
    assert "answer = 42" in copy.read_text()
    files = {s["student"]: s["files"] for s in again["students"]}
    assert files[worker] == [{"path": nb, "outcome": "updated", "written_as": nb}]
    assert files[quiet][0]["outcome"] == "unchanged"

    # the teacher annotates the collected copy and returns it: a new file for the student
    as_user(teacher, "tee", str(copy), stdin=a_notebook("answer = 42  # well done"))
    rel = f"collected/{assignment}/{group}/{worker}/{nb}"
    r = hub.service("POST", f"/handouts/{assignment}/return", token,
                    json={"student": worker, "path": rel})
    assert r.status_code == 200, r.text
    returned = notebooks(worker) / assignment / f"{assignment}-returned.ipynb"
    assert r.json()["files"][0]["written_as"] == returned.name
    assert "well done" in returned.read_text()
    assert returned.stat().st_uid == pwd.getpwnam(worker).pw_uid
    assert "well done" not in (notebooks(worker) / assignment / nb).read_text()  # theirs kept


def test_a_student_who_joins_the_class_later_gets_it_at_server_start(lesson: Any) -> None:
    hub, teacher, students, group, token = lesson
    nb = "ex" + secrets.token_hex(3) + ".ipynb"
    assignment = nb[:-6]
    as_user(teacher, "tee", str(notebooks(teacher) / nb), stdin=a_notebook("print('late')"))
    run_job(hub, token, "POST", "/handouts", {"source": nb, "classes": [group]})
    late, _ = hub.make_user()
    assert not (notebooks(late) / assignment).exists()
    api = hub.launcher.hub()
    api.request("POST", f"/groups/{group}/users", {"users": [late]})

    api.start_server(late)
    try:
        hub.launcher.wait_for_server(late, timeout=120)
        copy = notebooks(late) / assignment / nb
        assert "print('late')" in copy.read_text()
        assert copy.stat().st_uid == pwd.getpwnam(late).pw_uid
    finally:
        api.stop_server(late)
    listed = hub.service("GET", "/handouts", token).json()["assignments"]
    mine = next(a for a in listed if a["name"] == assignment)
    assert mine["delivered"] == 4 and mine["classes"] == [group]
