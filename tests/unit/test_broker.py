"""The class broker: overrides.json merge, validation, and the service routes (fake hub)."""

from __future__ import annotations

import json
import socket
import stat
import types
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import broker as B
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.snippets import class_snippets_dir
from jupyter_extension_companion.provision.templates import class_templates_dir

from .service_harness import running_service

OTHER = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}


def test_the_overrides_file_is_the_one_jupyterlab_reads():
    """paths.lab_settings_overrides == {venv}/share/jupyter/lab/settings/overrides.json, which is
    LabApp.app_settings_dir for a server started from that venv (no JUPYTERLAB_DIR)."""
    import sys

    from jupyterlab.commands import get_app_dir

    paths = ClassroomPaths(venv=Path(sys.prefix))
    assert paths.lab_settings_overrides == Path(get_app_dir()) / "settings" / "overrides.json"


def test_write_merges_and_keeps_other_plugins(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    path = paths.lab_settings_overrides
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({**OTHER, B.PLUGIN_ID: {"futureKey": 1}}))
    r = B.write_class_broker(
        paths, {"host": "broker.school.example", "port": 8883, "tls": True, "password": "s3cret"}
    )
    assert r["changed"] and r["settings"]["password"] == "" and r["settings"]["hasPassword"]
    data = json.loads(path.read_text())
    assert (
        data["@jupyterlab/apputils-extension:themes"]
        == OTHER["@jupyterlab/apputils-extension:themes"]
    )
    entry = data[B.PLUGIN_ID]
    assert entry["futureKey"] == 1
    assert (
        entry["host"] == "broker.school.example" and entry["port"] == 8883 and entry["tls"] is True
    )
    assert entry["topicPrefix"] == "class/{username}/"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    # a partial update keeps the other class values; the same values again change nothing
    B.write_class_broker(paths, {"port": 1884})
    got = B.read_class_broker(paths)
    assert (got.host, got.port, got.tls, got.password) == (
        "broker.school.example",
        1884,
        True,
        "s3cret",
    )
    assert B.write_class_broker(paths, {"port": 1884})["changed"] is False


@pytest.mark.parametrize(
    "values",
    [
        {"host": "tcp://x"},
        {"host": "a b"},
        {"host": ""},
        {"host": "x;rm -rf /"},
        {"port": 0},
        {"port": 70000},
        {"port": "12a"},
        {"port": True},
        {"tls": "yes"},
        {"topicPrefix": "class/#"},
        {"topicPrefix": "a/+/b"},
        {"topicPrefix": "x" * 201},
        {"username": "a\nb"},
        {"colour": "red"},
    ],
)
def test_bad_values_change_nothing(tmp_path: Path, values):
    paths = ClassroomPaths().with_prefix(tmp_path)
    with pytest.raises(ClassroomError):
        B.write_class_broker(paths, values)
    assert not paths.lab_settings_overrides.exists()


def test_broken_overrides_is_reported_not_clobbered(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    paths.lab_settings_overrides.parent.mkdir(parents=True)
    paths.lab_settings_overrides.write_text("{not json")
    with pytest.raises(ClassroomError) as e:
        B.write_class_broker(paths, {"port": 1884})
    assert e.value.code == "broken_overrides"
    assert paths.lab_settings_overrides.read_text() == "{not json"


def test_check_broker_reports_a_refused_connection():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = B.check_broker(B.BrokerSettings(host="127.0.0.1", port=port), timeout=2)
    assert (
        out["ok"] is False and out["stage"] == "connect" and "Could not connect" in out["message"]
    )


@pytest.fixture
async def service(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    async with running_service(paths) as (_ctx, call):
        yield types.SimpleNamespace(call=call, paths=paths)


async def test_broker_routes(service):
    code, body = await service.call("GET", "/api/v1/broker")
    assert code == 200 and body["settings"]["port"] == 1883
    code, body = await service.call(
        "PUT", "/api/v1/broker", {"host": "10.0.0.5", "port": 1884, "password": "pw-Zq9"}
    )
    assert code == 200 and body["changed"]
    code, body = await service.call("GET", "/api/v1/broker")
    assert body["settings"]["port"] == 1884 and body["settings"]["password"] == ""
    assert body["settings"]["hasPassword"] is True
    # the sidebar sends the settings back without the password: the stored one is kept
    code, body = await service.call("PUT", "/api/v1/broker", {**body["settings"], "port": 1885})
    assert code == 200
    assert B.read_class_broker(service.paths).password == "pw-Zq9"
    code, body = await service.call("PUT", "/api/v1/broker", {"port": "x"})
    assert code == 400 and body["code"] == "invalid_port"
    assert B.read_class_broker(service.paths).port == 1885
    audit = service.paths.audit_log.read_text()
    assert "pw-Zq9" not in audit and "broker.set" in audit and '"refused"' in audit


async def test_broker_test_route_reports_failure(service):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, body = await service.call(
        "POST", "/api/v1/broker/test", {"host": "127.0.0.1", "port": port, "timeout": 1}
    )
    assert code == 200 and body["ok"] is False and body["stage"] == "connect"
    code, body = await service.call("POST", "/api/v1/broker/test", {"timeout": 99})
    assert code == 400


async def test_snippet_and_template_routes(service):
    code, body = await service.call(
        "POST",
        "/api/v1/snippets",
        {
            "language": "python",
            "name": "read_sensor",
            "title": "Read the sensor",
            "description": "From lesson 4",
            "body": "print(42)",
        },
    )
    assert code == 201, body
    assert (class_snippets_dir(service.paths) / "python" / "read_sensor.py").is_file()
    code, body = await service.call(
        "POST",
        "/api/v1/snippets",
        {"language": "python", "name": "../../etc/x", "title": "t", "body": "x"},
    )
    assert code == 400 and body["code"] == "invalid_name"
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    code, body = await service.call(
        "POST", "/api/v1/templates", {"name": "lab4", "title": "Lab 4", "notebook": nb}
    )
    assert code == 201, body
    assert (class_templates_dir(service.paths) / "lab4.ipynb").is_file()
    code, body = await service.call(
        "POST", "/api/v1/templates", {"name": "lab5", "title": "Lab 5", "notebook": {"x": 1}}
    )
    assert code == 400 and not (class_templates_dir(service.paths) / "lab5.ipynb").exists()


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/v1/broker"),
        ("PUT", "/api/v1/broker"),
        ("POST", "/api/v1/broker/test"),
        ("POST", "/api/v1/snippets"),
        ("POST", "/api/v1/templates"),
    ],
)
async def test_students_are_refused(service, method, path):
    code, body = await service.call(
        method,
        path,
        {"port": 1, "name": "x", "language": "python", "title": "t", "body": "x"},
        token="t-student",
    )
    assert code == 403
    assert not service.paths.lab_settings_overrides.exists()
    assert not class_snippets_dir(service.paths).exists()


# pytest-jupyter runs its server on its own loop: requests go through io_loop.run_sync.
@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyter_extension_companion": True}}}


pytest_plugins = ("pytest_jupyter.jupyter_server",)


def test_server_answers_the_class_broker_fresh(jp_fetch, io_loop, tmp_path, monkeypatch):
    """JupyterLab caches overrides.json at server start; our route reads it on every call."""
    monkeypatch.delenv("CLASSROOM_VENV", raising=False)
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path / "lab"))
    settings = tmp_path / "lab" / "settings"
    settings.mkdir(parents=True)

    def fetch():
        return json.loads(io_loop.run_sync(lambda: jp_fetch("classroom", "api", "broker")).body)

    assert fetch()["settings"]["port"] == 1883
    (settings / "overrides.json").write_text(
        json.dumps({B.PLUGIN_ID: {"host": "h.example", "port": 1999}})
    )
    got = fetch()["settings"]
    assert (got["host"], got["port"], got["topicPrefix"]) == (
        "h.example",
        1999,
        "class/{username}/",
    )


def test_server_reads_the_broker_the_service_wrote(jp_fetch, io_loop, tmp_path, monkeypatch):
    paths = ClassroomPaths().with_prefix(tmp_path)
    B.write_class_broker(paths, {"host": "10.1.2.3", "port": 2883})
    monkeypatch.setenv("CLASSROOM_VENV", str(paths.venv))
    r = io_loop.run_sync(lambda: jp_fetch("classroom", "api", "broker"))
    got = json.loads(r.body)["settings"]
    assert (got["host"], got["port"]) == ("10.1.2.3", 2883)


def test_cli_broker_set_show_and_refusal(tmp_path, capsys, monkeypatch):
    from jupyter_extension_companion.cli import main as cli

    monkeypatch.setattr("os.geteuid", lambda: 0)
    prefix = ["--prefix", str(tmp_path)]
    assert cli.main([*prefix, "broker", "set", "--host", "10.0.0.9", "--port", "1884",
                     "--tls", "on", "--password", "pw-cli"]) == 0  # fmt: skip
    assert cli.main([*prefix, "broker", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert (shown["host"], shown["port"], shown["tls"], shown["password"]) == (
        "10.0.0.9", 1884, True, "")  # fmt: skip
    assert cli.main([*prefix, "broker", "set", "--port", "0"]) == 1
    assert "65535" in capsys.readouterr().err
    paths = ClassroomPaths().with_prefix(tmp_path)
    assert B.read_class_broker(paths).port == 1884
    assert "pw-cli" not in paths.audit_log.read_text()
