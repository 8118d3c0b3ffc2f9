"""School defaults: stored, checked, applied to each Lab page, set by the installer and the service."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.lab_overrides import NOTIFICATION_PLUGIN, read_overrides
from jupyter_extension_companion.provision.school_defaults import (
    EXTENSION_MANAGER,
    SchoolDefaults,
    read_school_defaults,
    school_file,
    write_school_defaults,
)
from jupyter_extension_companion.server import school

from .service_harness import running_service


def _paths(tmp_path: Path) -> ClassroomPaths:
    return ClassroomPaths().with_prefix(tmp_path)


def test_defaults_read_write_and_refuse(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    assert read_school_defaults(paths).news_prompt is True  # Lab's own default (it asks)
    defaults, changed = write_school_defaults(
        paths, {"news_prompt": False, "student_extension_manager": False},
        audit=AuditLog(paths.audit_log), actor="teach")
    assert changed and defaults == SchoolDefaults(False, False, True)
    assert read_overrides(paths)[NOTIFICATION_PLUGIN] == {"fetchNews": "false"}
    assert school_file(paths.venv).exists()  # written once: the servers read what is in force
    _, changed = write_school_defaults(paths, {"news_prompt": False})
    assert not changed
    defaults, changed = write_school_defaults(paths, {"news_prompt": True,
                                                      "show_server_owner": False})
    assert changed and defaults == SchoolDefaults(True, False, False)
    assert read_overrides(paths)[NOTIFICATION_PLUGIN] == {"fetchNews": "none"}
    assert oct(school_file(paths.venv).stat().st_mode & 0o777) == "0o644"  # servers read it
    before = school_file(paths.venv).read_text()
    for bad in ({}, {"news_prompt": "yes"}, {"nonsense": True}, [True],
                {"show_server_owner": True, "x": 1}):
        with pytest.raises(ClassroomError):
            write_school_defaults(paths, bad)
    assert school_file(paths.venv).read_text() == before
    entry = json.loads(paths.audit_log.read_text().splitlines()[0])
    assert entry["actor"] == "teach" and entry["action"] == "school.set"


def _handler(name: str, admin: bool) -> types.SimpleNamespace:
    user = types.SimpleNamespace(hub_user={"name": name, "admin": admin})
    return types.SimpleNamespace(current_user=user)


@pytest.fixture
def hub_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ClassroomPaths:
    paths = _paths(tmp_path)
    monkeypatch.setenv("CLASSROOM_VENV", str(paths.venv))
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")
    return paths


def test_page_config_students_no_extension_manager(hub_server: ClassroomPaths) -> None:
    page = school.school_page_config(_handler("anna", False), {"disabledExtensions": ["x"]})
    assert page["disabledExtensions"] == ["x", EXTENSION_MANAGER]
    assert "appName" not in page
    write_school_defaults(hub_server, {"student_extension_manager": True})
    page = school.school_page_config(_handler("anna", False), {"disabledExtensions": []})
    assert page["disabledExtensions"] == []


def test_page_config_teacher_visiting_sees_the_owner(hub_server: ClassroomPaths,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # a teacher in their own server keeps the Extension Manager
    monkeypatch.setenv("JUPYTERHUB_USER", "teach")
    page = school.school_page_config(_handler("teach", True), {"disabledExtensions": []})
    assert page == {"disabledExtensions": []}
    # ... but not in a student's server, and the tab says whose server it is
    monkeypatch.setenv("JUPYTERHUB_USER", "anna")
    page = school.school_page_config(_handler("teach", True), {"disabledExtensions": []})
    assert page["disabledExtensions"] == [EXTENSION_MANAGER]
    assert page["appName"] == "Server of anna"
    # in German when the school's UI language is German
    overrides = hub_server.lab_settings_overrides
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(json.dumps({school.TRANSLATION_PLUGIN: {"locale": "de_DE"}}))
    page = school.school_page_config(_handler("teach", True), {})
    assert page["appName"] == "Server von anna"
    write_school_defaults(hub_server, {"show_server_owner": False})
    assert "appName" not in school.school_page_config(_handler("teach", True), {})


def test_page_config_untouched_outside_a_hub(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    handler = types.SimpleNamespace(current_user=types.SimpleNamespace())
    assert school.school_page_config(handler, {"a": 1}) == {"a": 1}


def test_hook_chains_an_earlier_one(hub_server: ClassroomPaths) -> None:
    app = types.SimpleNamespace(settings={"page_config_hook": lambda h, p: {**p, "earlier": 1}})
    school.install_page_config_hook(app)
    page = app.settings["page_config_hook"](_handler("anna", False), {})
    assert page["earlier"] == 1 and page["disabledExtensions"] == [EXTENSION_MANAGER]


def test_installer_options(tmp_path: Path) -> None:
    opts = parse_options(["--prefix", str(tmp_path), "--news-prompt", "on",
                          "--student-extension-manager", "off"])
    assert opts.news_prompt is True and opts.student_extension_manager is False
    assert opts.show_server_owner is None
    with pytest.raises(SystemExit):
        parse_options(["--prefix", str(tmp_path), "--news-prompt", "maybe"])


def test_installer_step(tmp_path: Path) -> None:
    from jupyter_extension_companion.installer.steps_school import SchoolDefaultsStep

    opts = parse_options(["--prefix", str(tmp_path)])
    ctx = types.SimpleNamespace(paths=opts.paths, options=opts)
    step = SchoolDefaultsStep()
    plan = step.plan(ctx)  # type: ignore[arg-type]
    assert plan and "school.json" in plan[0]
    step.apply(ctx, plan)  # type: ignore[arg-type]
    assert step.plan(ctx) == []  # type: ignore[arg-type]  # idempotent
    # the teacher's choice survives a re-run without options
    write_school_defaults(opts.paths, {"student_extension_manager": True})
    assert step.plan(ctx) == []  # type: ignore[arg-type]
    opts2 = parse_options(["--prefix", str(tmp_path), "--student-extension-manager", "off"])
    ctx2 = types.SimpleNamespace(paths=opts2.paths, options=opts2)
    assert step.plan(ctx2)  # type: ignore[arg-type]
    step.apply(ctx2, step.plan(ctx2))  # type: ignore[arg-type]
    assert read_school_defaults(opts2.paths).student_extension_manager is False


async def test_service_route(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    async with running_service(paths) as (ctx, call):
        code, body = await call("GET", "/api/v1/school")
        assert code == 200 and body["show_server_owner"] is True
        code, body = await call("PUT", "/api/v1/school", {"student_extension_manager": True})
        assert code == 200 and body["changed"] is True and body["student_extension_manager"]
        code, body = await call("PUT", "/api/v1/school", {"student_extension_manager": 1})
        assert code == 400 and body["code"] == "bad_field"
        code, _ = await call("PUT", "/api/v1/school", {"news_prompt": True}, token="t-student")
        assert code == 403
