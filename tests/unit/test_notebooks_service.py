"""The service routes that show a student's notebooks (fake accounts, scratch home root)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.student_notebooks import StudentNotebooks
from jupyter_extension_companion.service.routes import notebooks as routes

from .service_harness import running_service
from .test_student_notebooks import SECRET, FakeAccounts, notebook


@pytest.fixture
async def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    paths = ClassroomPaths().with_prefix(tmp_path / "host")
    nb = paths.notebooks_of("lea")
    nb.mkdir(parents=True)
    (nb / "ex 1.ipynb").write_text(notebook("print('hi')", trusted=True))
    (nb / "week 1").mkdir()
    (nb / "week 1" / "Übung.ipynb").write_text(notebook("nested"))
    secret = tmp_path / "secret.ipynb"
    secret.write_text(notebook(SECRET))
    os.chmod(secret, 0o600)
    (nb / "x.ipynb").symlink_to(secret)
    accounts = FakeAccounts(paths.home_root, ["lea"])
    monkeypatch.setattr(routes, "StudentNotebooks",
                        lambda p, audit=None: StudentNotebooks(p, accounts, audit=audit))
    async with running_service(paths) as (_ctx, call):
        yield call, paths


async def test_list_and_view(service):
    call, paths = service
    code, body = await call("GET", "/api/v1/users/lea/notebooks")
    assert code == 200, body
    assert [n["path"] for n in body["notebooks"]] == ["ex 1.ipynb", "week 1/Übung.ipynb"]
    assert body["skipped"] == 1 and body["truncated"] is False
    code, body = await call("GET", "/api/v1/users/lea/notebooks/content?path=ex%201.ipynb")
    assert code == 200, body
    assert body["student"] == "lea" and body["path"] == "ex 1.ipynb"
    assert all(c["metadata"]["trusted"] is False for c in body["notebook"]["cells"])
    code, body = await call("GET", "/api/v1/users/lea/notebooks/content?path="
                            "week%201%2F%C3%9Cbung.ipynb")
    assert code == 200 and body["path"] == "week 1/Übung.ipynb", body
    assert body["notebook"]["cells"][0]["source"] == "nested"
    entries = [json.loads(line) for line in paths.audit_log.read_text().splitlines()]
    assert [(e["actor"], e["action"], e["outcome"]) for e in entries] == [
        ("teach", "notebooks.list", "ok"), ("teach", "notebook.view", "ok"),
        ("teach", "notebook.view", "ok")]


@pytest.mark.parametrize("query,status,code", [
    ("?path=x.ipynb", 403, "refused_path"),
    ("?path=..%2F..%2Fetc%2Fshadow.ipynb", 400, "bad_path"),
    ("", 400, "missing_field"),
    ("?path=missing.ipynb", 404, "not_found"),
])
async def test_refusals(service, query, status, code):
    call, _paths = service
    got, body = await call("GET", f"/api/v1/users/lea/notebooks/content{query}")
    assert (got, body["code"]) == (status, code), body
    assert SECRET not in json.dumps(body)


async def test_students_and_services_are_refused(service):
    call, paths = service
    for token in ("t-student", "t-service", None):
        for path in ("/api/v1/users/lea/notebooks",
                     "/api/v1/users/lea/notebooks/content?path=ex%201.ipynb"):
            code, body = await call("GET", path, None, token)
            assert code == 403 and body["code"] in ("not_authenticated", "not_admin")
    assert not paths.audit_log.exists()
