"""Hand-out and collect: names, never-overwrite placement, the remembered assignments, the
pre-spawn delivery's choice, the service routes' input checks (the real thing: tests/real)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import handout as H
from jupyter_extension_companion.provision import handout_files, homefs
from jupyter_extension_companion.provision.errors import ClassroomError

from .service_harness import running_service


@pytest.mark.parametrize("name", ["", "collected", "../x", "a/b", ".hidden", "a b", "x" * 65,
                                  "a..b", "end."])
def test_bad_assignment_names_are_refused(name: str) -> None:
    with pytest.raises(ClassroomError) as e:
        H.check_assignment(name)
    assert e.value.code == "bad_assignment"


@pytest.mark.parametrize("source", ["", "/etc/passwd", "../x.ipynb", "a//b", "a/./b", "a\\b"])
def test_bad_sources_are_refused(source: str) -> None:
    with pytest.raises(ClassroomError):
        H.check_source(source)


def test_default_assignment_names() -> None:
    assert H.default_assignment("week3/sensors.ipynb") == "sensors"
    assert H.default_assignment("week3/") == "week3"
    assert H.default_assignment("template:mqtt_java") == "mqtt_java"


def test_place_file_never_overwrites_and_is_idempotent(tmp_path: Path) -> None:
    uid, gid = os.getuid(), os.getgid()
    (tmp_path / "ex.ipynb").write_text("mine")
    fd = os.open(tmp_path, homefs.DIR_FLAGS)
    try:
        assert H.place_file(fd, "ex.ipynb", b"teacher", uid, gid) == ("suffixed", "ex-2.ipynb")
        assert H.place_file(fd, "ex.ipynb", b"teacher", uid, gid) == ("unchanged", "ex-2.ipynb")
        assert H.place_file(fd, "new.ipynb", b"t", uid, gid) == ("written", "new.ipynb")
        # a symlink of that name is never followed nor replaced
        target = tmp_path / "outside"
        target.write_text("do not touch")
        os.symlink(target, tmp_path / "link.ipynb")
        assert H.place_file(fd, "link.ipynb", b"t", uid, gid) == ("suffixed", "link-2.ipynb")
    finally:
        os.close(fd)
    assert (tmp_path / "ex.ipynb").read_text() == "mine"
    assert (tmp_path / "ex-2.ipynb").read_text() == "teacher"
    assert target.read_text() == "do not touch"


def test_ensure_dir_refuses_a_symlink(tmp_path: Path) -> None:
    os.symlink("/etc", tmp_path / "a")
    fd = os.open(tmp_path, homefs.DIR_FLAGS)
    try:
        with pytest.raises(ClassroomError) as e:
            homefs.ensure_dir(fd, "a", os.getuid(), os.getgid())
    finally:
        os.close(fd)
    assert e.value.code == "refused_path" and "symlink" in e.value.message


@pytest.mark.parametrize("name", ["a/b", "..", ".", "", "x\x00"])
def test_writes_refuse_names_that_are_paths(tmp_path: Path, name: str) -> None:
    fd = os.open(tmp_path, homefs.DIR_FLAGS)
    try:
        with pytest.raises(ClassroomError):
            homefs.ensure_dir(fd, name, os.getuid(), os.getgid())
        with pytest.raises(ClassroomError):
            homefs.create_file(fd, name, b"x", os.getuid(), os.getgid())
    finally:
        os.close(fd)


def _store(tmp_path: Path) -> H.AssignmentStore:
    return H.AssignmentStore(ClassroomPaths().with_prefix(tmp_path))


def test_store_keeps_files_and_entries_root_only(tmp_path: Path) -> None:
    store = _store(tmp_path)
    files = [H.SourceFile("a.ipynb", b"1"), H.SourceFile("sub/b.txt", b"2")]
    store.save_files("week1", files)
    store.save_files("week1", files)  # again: replaced, not nested
    assert store.load_files("week1", ["a.ipynb", "sub/b.txt"]) == files
    with store.editing() as assignments:
        assignments["week1"] = {"version": "v1", "classes": ["5a"], "delivered": {}}
    assert store.read()["week1"]["classes"] == ["5a"]
    assert store.paths.assignments.stat().st_mode & 0o077 == 0
    assert store.paths.handouts.stat().st_mode & 0o077 == 0


def test_pending_delivery_picks_the_students_classes_not_yet_received(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = ClassroomPaths().with_prefix(tmp_path)
    store = H.AssignmentStore(paths)
    for name in ("mine", "other", "done", "direct"):
        store.save_files(name, [H.SourceFile("x.ipynb", b"x")])
    with store.editing() as a:
        a["mine"] = {"version": "v", "classes": ["5a"], "files": ["x.ipynb"]}
        a["other"] = {"version": "v", "classes": ["5b"], "files": ["x.ipynb"]}
        a["done"] = {"version": "v", "classes": ["5a"], "files": ["x.ipynb"],
                     "delivered": {"anna": {"version": "v"}}}
        a["direct"] = {"version": "v", "students": ["anna"], "files": ["x.ipynb"]}
    got: list[str] = []

    class Accounts:
        def __init__(self, paths: Any) -> None:
            pass

        def get(self, name: str) -> Any:
            return type("A", (), {"name": name, "is_system": False})()

        def is_student_home(self, account: Any) -> bool:
            return True

    def fake_deliver(paths: Any, account: Any, assignment: str, files: Any) -> H.StudentResult:
        got.append(assignment)
        return H.StudentResult(student=account.name, outcome="handed_out")

    monkeypatch.setattr(H, "SystemAccounts", Accounts)
    monkeypatch.setattr(H, "deliver", fake_deliver)
    H.deliver_pending("anna", ["5a"], paths)
    assert sorted(got) == ["direct", "mine"]
    got.clear()
    H.deliver_pending("anna", ["5a"], paths)  # recorded: not again
    assert got == []


async def test_routes_check_their_input(tmp_path: Path) -> None:
    paths = ClassroomPaths().with_prefix(tmp_path)
    async with running_service(paths) as (_ctx, call):
        status, body = await call("POST", "/api/v1/handouts", {"source": "x.ipynb"})
        assert status == 400 and body["code"] == "missing_field"
        status, body = await call("POST", "/api/v1/handouts", {"classes": ["5a"]})
        assert status == 400 and body["code"] == "missing_field"
        status, body = await call("POST", "/api/v1/handouts",
                                  {"source": "x.ipynb", "classes": "5a"})
        assert status == 400 and body["code"] == "bad_field"
        status, body = await call("POST", "/api/v1/handouts/week1/collect", {})
        assert status == 400 and body["code"] == "missing_field"
        status, _ = await call("GET", "/api/v1/live", token="t-student")
        assert status == 403


def test_a_template_is_filled_per_student_with_the_class_broker(tmp_path: Path) -> None:
    paths = ClassroomPaths().with_prefix(tmp_path)
    [file] = H.read_template_source(paths, "mqtt_java")
    assert file.path == "mqtt_java.ipynb" and file.template_language == "java"
    text = handout_files._filled(file, "anna", "week3", paths).decode()
    assert "{{host}}" not in text and "{{topic_prefix}}" not in text
    assert "class/anna/" in text and "anna-week3" in text


def test_a_template_is_handed_out_in_the_teachers_ui_language(tmp_path: Path) -> None:
    paths = ClassroomPaths().with_prefix(tmp_path)
    [de] = H.read_template_source(paths, "mqtt_python", "de-DE")
    [en] = H.read_template_source(paths, "mqtt_python", None)
    assert de.path == en.path == "mqtt_python.ipynb" and de.template_language == "python"
    assert "ein Temperatursensor" in de.data.decode() and "ein Temperatursensor" not in en.data.decode()
    text = handout_files._filled(de, "anna", "week3", paths).decode()
    assert "{{topic_prefix}}" not in text and "class/anna/" in text


async def test_the_route_hands_a_template_out_in_the_teachers_ui_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """POST /api/v1/handouts passes the browser's `locale` on to the hand-out (and refuses a
    locale that is not a string)."""
    paths = ClassroomPaths().with_prefix(tmp_path)
    seen: dict[str, Any] = {}

    def fake_handout(self: Any, source: str, **kw: Any) -> H.HandoutResult:
        seen.update(source=source, locale=kw.get("locale"))
        return H.HandoutResult(assignment="mqtt_java", source=source, classes=["5a"],
                               files=[], students=[])

    monkeypatch.setattr(H.Lessons, "handout", fake_handout)
    async with running_service(paths, lambda: SimpleNamespace(hub=None)) as (ctx, call):
        status, body = await call("POST", "/api/v1/handouts",
                                  {"source": "template:mqtt_java", "classes": ["5a"], "locale": 1})
        assert status == 400 and body["code"] == "bad_field"
        status, body = await call("POST", "/api/v1/handouts", {
            "source": "template:mqtt_java", "classes": ["5a"], "locale": "de-DE"})
        assert status == 202, body
        job = await asyncio.get_running_loop().run_in_executor(
            None, lambda: ctx.jobs.wait(body["job"], 10))
        assert job["state"] == "done", job
    assert seen == {"source": "template:mqtt_java", "locale": "de-DE"}
