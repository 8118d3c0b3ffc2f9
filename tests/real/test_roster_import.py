"""Roster files as schools export them (WebUntis ISO-8859-1, SchILD UTF-8 with BOM), uploaded
as bytes through the service on the real hub: the same preview as ``classroom users import``,
umlauts intact, accounts with the right full names, the credentials sheet for the uploader."""

from __future__ import annotations

import csv
import grp
import io
import json
import pwd
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_extension_companion.provision.classes import Classes, UnixGroups

from .conftest import random_name

pytestmark = [pytest.mark.real, pytest.mark.slow]

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rosters"
SHAPES = {  # fixture -> (its encoding, index of the first-name column, of the class column)
    "webuntis.csv": ("iso-8859-1", 1, 2),
    "schild.csv": ("utf-8-sig", 1, 2),
}


def _class_file(hub_users, fixture: str, tmp_path: Path,
                klasses: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """The fixture in its own shape and encoding, each first name led by a fresh ``clt`` word
    (test accounts carry the prefix) and each class led by ``clt`` letters (``klasses``: label
    -> the class it becomes); returns the file and username -> full name."""
    encoding, first, klass = SHAPES[fixture]
    lines = (FIXTURES / fixture).read_bytes().decode(encoding).split("\r\n")
    expected: dict[str, str] = {}
    out = [lines[0]]
    for line in lines[1:]:
        if not line:
            continue
        cells = line.split(";")
        word = hub_users.new_name()  # registered for cleanup
        cells[first] = f"{word.capitalize()} {cells[first]}"
        label = cells[klass]
        klasses.setdefault(label, random_name(5) + label.lower())
        cells[klass] = klasses[label]
        last = cells[0]
        from jupyter_extension_companion.provision.usernames import suggest_username

        name = suggest_username(f"{cells[first]} {last}")
        assert name and name.startswith(word)
        hub_users.created.append(name)
        expected[name] = f"{cells[first]} {last}"
        out.append(";".join(cells))
    path = tmp_path / fixture
    path.write_bytes("\r\n".join(out).encode(encoding) + b"\r\n")
    return path, expected


def _wait(hub_users, token: str, job: str) -> dict:
    deadline = time.monotonic() + 180
    while True:
        state = hub_users.service("GET", f"/jobs/{job}", token).json()
        if state["state"] != "running" or time.monotonic() > deadline:
            return state
        time.sleep(0.3)


@pytest.fixture
def klasses(hub_users) -> Iterator[dict[str, str]]:
    """The classes a test makes (label -> class name); deleted at its end."""
    made: dict[str, str] = {}
    yield made
    roster = hub_users.launcher.roster("tests")
    classes = Classes(roster.hub, roster.paths, audit=roster.audit, actor="tests")
    for name in made.values():
        try:
            classes.delete_class(name)
        except Exception:  # noqa: BLE001 - fall back to the plain tool below
            pass
        if UnixGroups().get(name) is not None:
            UnixGroups().delete(name)


@pytest.mark.parametrize("fixture", list(SHAPES))
def test_upload_preview_same_as_cli_then_accounts(hub_users, fixture, tmp_path, klasses):
    teacher, _ = hub_users.make_user(teacher=True)
    token = hub_users.user_token(teacher)
    path, expected = _class_file(hub_users, fixture, tmp_path, klasses)
    before = hub_users.snapshot()

    r = hub_users.service("POST", f"/roster/uploads?filename={fixture}", token,
                          data=path.read_bytes(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    sidebar = r.json()
    assert sidebar["encoding"] == SHAPES[fixture][0]
    assert [(row["username"], row["input"]["full_name"], row["action"])
            for row in sidebar["rows"]] == [(n, f, "create") for n, f in expected.items()]
    assert all(row["class_name"] for row in sidebar["rows"])

    # the CLI reads the same file the same way
    cli = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyter_extension_companion.cli", "--prefix",
         str(hub_users.launcher.workdir), "users", "import", str(path), "--dry-run", "--json"],
        capture_output=True, text=True, timeout=120, check=False)
    assert cli.returncode == 0, cli.stderr
    shell = json.loads(cli.stdout)
    assert shell["rows"] == sidebar["rows"] and shell["summary"] == sidebar["summary"]
    assert hub_users.snapshot() == before  # previews change nothing

    r = hub_users.service("POST", f"/roster/uploads/{sidebar['upload']}/apply", token, json={})
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    state = _wait(hub_users, token, job)
    assert state["state"] == "done", state
    assert all(res["ok"] for res in state["result"]["results"]), state
    hub_names = set(hub_users.hub_user_names())
    for name, full_name in expected.items():
        assert pwd.getpwnam(name).pw_gecos.split(",")[0] == full_name
        assert name in hub_names
    # each class: a hub group and a unix group with the students of its rows
    joined = {res["username"]: res["class_name"] for res in state["result"]["results"]}
    hub = hub_users.launcher.hub()
    for klass in klasses.values():
        members = sorted(n for n, c in joined.items() if c == klass)
        assert members, (klass, joined)
        assert sorted(grp.getgrnam(klass).gr_mem) == members
        assert sorted(hub.get_group(klass)["users"]) == members

    r = hub_users.service("GET", f"/roster/imports/{job}/credentials?language=de", token)
    assert r.status_code == 200, r.text
    sheet = r.json()
    rows = list(csv.reader(io.StringIO(sheet["content"].lstrip("\ufeff")), delimiter=";"))
    assert [(row[0], row[1]) for row in rows[1:]] == list(expected.items())
    assert sheet["filename"].startswith("zugangsdaten-")
    # a student logs in with the password from the sheet
    hub_users.login(rows[1][0], rows[1][2])

    other, _ = hub_users.make_user(teacher=True)
    r = hub_users.service("GET", f"/roster/imports/{job}/credentials",
                          hub_users.user_token(other))
    assert r.status_code == 404

    # the same export again (next term): everybody matched by full name in their class,
    # nobody proposed twice (issue 12: it used to offer NAME2 for every row)
    r = hub_users.service("POST", f"/roster/uploads?filename={fixture}", token,
                          data=path.read_bytes(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    again = r.json()
    assert [(row["username"], row["action"]) for row in again["rows"]] == [
        (n, "exists") for n in expected]
    assert all(row["reason"].startswith("matched by full name in ") for row in again["rows"])
