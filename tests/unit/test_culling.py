"""Idle timeouts (issue 14): the setting, the hub config's idle-culler service, the server
extension's kernel culling, the service route, the CLI and the installer option."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from traitlets.config import PyFileConfigLoader

from jupyter_extension_companion.cli.main import main as cli_main
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.culling import (
    IdleTimeouts,
    culling_file,
    parse_timeouts,
    read_timeouts,
    write_timeouts,
)
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.hubconfig import HubSettings, write_hub_config
from jupyter_extension_companion.server.culling import apply_kernel_culling

from .service_harness import running_service


@pytest.fixture
def paths(tmp_path: Path) -> ClassroomPaths:
    return ClassroomPaths().with_prefix(tmp_path)


def test_defaults_suit_a_lesson_and_round_trip(paths):
    assert read_timeouts(paths) == IdleTimeouts(1200, 3600)  # no file: the lesson defaults
    assert write_timeouts(paths, IdleTimeouts(600, 0)).changed
    assert not write_timeouts(paths, IdleTimeouts(600, 0)).changed
    assert read_timeouts(paths) == IdleTimeouts(600, 0)
    assert culling_file(paths).stat().st_mode & 0o777 == 0o644  # students' servers read it
    assert IdleTimeouts(600, 0).culler_argv("py") is None  # 0: never


@pytest.mark.parametrize("data", [
    {"kernel_idle_seconds": -1}, {"kernel_idle_seconds": 5}, {"server_idle_seconds": "60"},
    {"server_idle_seconds": 10**9}, {"server_idle_seconds": 1.5}, {"kernel_idle_seconds": True},
    {"idle": 60}, [60],
])
def test_bad_timeouts_refused_and_nothing_written(paths, data):
    with pytest.raises(ClassroomError):
        parse_timeouts(data)
    assert not culling_file(paths).exists()


def test_hub_config_runs_the_idle_culler_with_its_own_scopes(tmp_path, paths):
    s = HubSettings(paths=paths, admin_users=["teacher"], venv=Path("/v"))
    write_hub_config(s)
    cfg = PyFileConfigLoader(s.paths.hub_config.name, path=str(s.paths.hub_config.parent)
                             ).load_config()
    culler = {x["name"]: x for x in cfg.JupyterHub.services}["idle-culler"]
    assert culler["command"] == ["/v/bin/python", "-m", "jupyter_extension_companion.service.culler",
                                 str(culling_file(paths))]
    assert "url" not in culler  # no port: it only calls the hub
    role = {r["name"]: r for r in cfg.JupyterHub.load_roles}["idle-culler"]
    assert role == {"name": "idle-culler", "services": ["idle-culler"], "scopes": [
        "list:users", "read:users:activity", "read:servers", "delete:servers"]}
    # the hub reads the kernel timeout at each spawn (as root) and hands it to the server
    kernel_idle = cfg.Spawner.environment["CLASSROOM_KERNEL_IDLE_SECONDS"]
    assert kernel_idle(None) == "1200"
    write_timeouts(paths, IdleTimeouts(300, 0))
    assert kernel_idle(None) == "300"


def test_server_extension_sets_kernel_culling(monkeypatch):
    km = types.SimpleNamespace(cull_idle_timeout=0, cull_interval=300, cull_connected=False)
    app = types.SimpleNamespace(kernel_manager=km, log=logging.getLogger("t"))
    monkeypatch.delenv("CLASSROOM_KERNEL_IDLE_SECONDS", raising=False)
    assert apply_kernel_culling(app) == {} and km.cull_idle_timeout == 0  # not under our hub
    for bad in ("abc", "5", "0"):  # refused values and 0 (never) leave Jupyter's defaults
        monkeypatch.setenv("CLASSROOM_KERNEL_IDLE_SECONDS", bad)
        assert apply_kernel_culling(app) == {} and km.cull_idle_timeout == 0
    monkeypatch.setenv("CLASSROOM_KERNEL_IDLE_SECONDS", "90")
    apply_kernel_culling(app)
    assert (km.cull_idle_timeout, km.cull_interval, km.cull_connected) == (90, 22, True)


async def test_service_route(paths):
    async with running_service(paths) as (ctx, call):
        assert await call("GET", "/api/v1/culling") == (
            200, {"kernel_idle_seconds": 1200, "server_idle_seconds": 3600})
        status, body = await call("GET", "/api/v1/culling", token="t-student")
        assert status == 403
        status, body = await call("PUT", "/api/v1/culling", {"server_idle_seconds": 5})
        assert status == 400 and body["code"] == "bad_timeout"
        assert not culling_file(paths).exists()
        status, body = await call("PUT", "/api/v1/culling", {"server_idle_seconds": 1800})
        assert status == 200 and body["changed"]
        assert body["timeouts"] == {"kernel_idle_seconds": 1200, "server_idle_seconds": 1800}
        assert read_timeouts(paths) == IdleTimeouts(1200, 1800)
        status, body = await call("PUT", "/api/v1/culling", {"kernel_idle_seconds": 600},
                                  token="t-student")
        assert status == 403 and read_timeouts(paths) == IdleTimeouts(1200, 1800)
    audit = paths.audit_log.read_text().splitlines()
    assert any('"culling.set"' in line for line in audit)


def test_cli(paths, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("os.geteuid", lambda: 0)
    prefix = ["--prefix", str(tmp_path)]
    assert cli_main([*prefix, "culling", "set", "--server-idle-minutes", "45"]) == 0
    assert read_timeouts(paths) == IdleTimeouts(1200, 2700)
    assert cli_main([*prefix, "culling", "set", "--kernel-idle-minutes", "-3"]) == 1
    assert "kernel_idle_seconds" in capsys.readouterr().err
    cli_main([*prefix, "culling", "show", "--json"])
    assert json.loads(capsys.readouterr().out) == {"kernel_idle_seconds": 1200,
                                                  "server_idle_seconds": 2700}


def test_installer_options(tmp_path):
    o = parse_options(["--prefix", str(tmp_path), "--kernel-idle-minutes", "15"])
    assert (o.kernel_idle_minutes, o.server_idle_minutes) == (15, None)
    with pytest.raises(ClassroomError):
        parse_options(["--prefix", str(tmp_path), "--server-idle-minutes", "-1"])


def test_culler_supervisor_restarts_on_change(tmp_path, paths):
    """The supervisor runs the culler with the file's timeout and restarts it when it changes
    (a fake ``jupyterhub_idle_culler`` module records its argv)."""
    fake = tmp_path / "fake"
    (fake / "jupyterhub_idle_culler").mkdir(parents=True)
    (fake / "jupyterhub_idle_culler" / "__init__.py").write_text("")
    log = tmp_path / "runs.txt"
    (fake / "jupyterhub_idle_culler" / "__main__.py").write_text(
        f"import sys, time\nopen({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "time.sleep(600)\n")
    write_timeouts(paths, IdleTimeouts(1200, 600))
    env = {"PYTHONPATH": f"{fake}:{Path(__file__).parents[2]}", "PATH": "/usr/bin:/bin"}
    code = ("import sys; from jupyter_extension_companion.service import culler; "
            "sys.exit(culler.supervise(__import__('pathlib').Path(sys.argv[1]), poll=0.2))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(culling_file(paths))], env=env)
    try:
        _wait(lambda: log.exists() and "--timeout=600" in log.read_text())
        write_timeouts(paths, IdleTimeouts(1200, 120))
        _wait(lambda: "--timeout=120" in log.read_text())
        assert log.read_text().splitlines() == [
            "--timeout=600 --cull-every=150 --cull-users=False",
            "--timeout=120 --cull-every=30 --cull-users=False"]
    finally:
        proc.terminate()
        assert proc.wait(20) == 0


def _wait(cond, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_capacity_from_the_bench_figure_and_host_memory(tmp_path, paths):
    from jupyter_extension_companion.provision import capacity as C

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:        8388608 kB\nMemFree: 1 kB\n")
    limit = tmp_path / "memory.max"
    limit.write_text("max\n")
    assert C.host_memory_mb(meminfo, limit) == 8192
    limit.write_text(str(4 * 2**30) + "\n")  # an LXC container with 4 GB
    assert C.host_memory_mb(meminfo, limit) == 4096
    # no Java kernel with a heap cap: the stock JVM's figure
    stock = C.estimate(paths, memory_mb=8192)
    assert not stock.classroom_jvm
    assert stock.students == (8192 - C.RESERVE_MB) // C.PER_STUDENT_MB_STOCK_JVM
    java = paths.kernels / "java"
    java.mkdir(parents=True)
    (java / "kernel.json").write_text(json.dumps({
        "argv": ["java", "-jar", "{resource_dir}/jjava.jar", "{connection_file}"],
        "display_name": "Java", "language": "java",
        "env": {"JDK_JAVA_OPTIONS": "-Xmx256m -XX:+UseSerialGC"}}))
    tuned = C.estimate(paths, memory_mb=8192)
    assert tuned.classroom_jvm and tuned.students > stock.students
    assert "about" in tuned.sentence() and "active students with Java" in tuned.sentence()


async def test_capacity_route(paths):
    async with running_service(paths) as (ctx, call):
        status, body = await call("GET", "/api/v1/capacity")
        assert status == 200 and body["students"] >= 0 and body["memory_mb"] > 0
        assert (await call("GET", "/api/v1/capacity", token="t-student"))[0] == 403


def test_doctor_reports_capacity(paths):
    from jupyter_extension_companion.provision.health import capacity_finding

    finding = capacity_finding(paths)
    assert "active students with Java" in finding.what


def test_installer_step_writes_defaults_then_keeps_the_teachers_setting(tmp_path):
    import io

    from jupyter_extension_companion.installer.engine import Context
    from jupyter_extension_companion.installer.steps_culling import IdleTimeoutsStep

    def ctx(*extra: str) -> Context:
        o = parse_options(["--prefix", str(tmp_path), *extra])
        return Context(o, o.paths, out=io.StringIO(), log_path=tmp_path / "install.log")

    step = IdleTimeoutsStep()
    c = ctx()
    assert step.plan(c)  # a new host: write the lesson defaults
    step.apply(c, step.plan(c))
    assert read_timeouts(c.paths) == IdleTimeouts(1200, 3600) and not step.plan(c)
    write_timeouts(c.paths, IdleTimeouts(600, 1800))  # the teacher changed it in the sidebar
    assert not step.plan(ctx())  # a re-run keeps it
    c = ctx("--server-idle-minutes", "90")
    step.apply(c, step.plan(c))
    assert read_timeouts(c.paths) == IdleTimeouts(600, 5400)
