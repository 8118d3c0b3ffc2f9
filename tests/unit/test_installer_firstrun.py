"""A first run that cannot lock the teacher out; the host's name, ports, PATH, supervisor, defaults.

Issue 9 items 2-5 and issue 11 item 1, with fakes (no root needed).
"""

from __future__ import annotations

import io
import json
import os
import socket
import stat
from pathlib import Path

import pytest

from jupyter_extension_companion.installer import checks, steps_system
from jupyter_extension_companion.installer.engine import Context, Step, StepSkipped, run_steps
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.installer.steps_hub import ServiceStep
from jupyter_extension_companion.installer.steps_python import LabDefaultsStep
from jupyter_extension_companion.installer.steps_system import (
    AdminAccountStep,
    CommandLinkStep,
    HostNameStep,
    password_hint,
)
from jupyter_extension_companion.installer.supervisor import program_file, render_program
from jupyter_extension_companion.installer.uninstall import RemoveCommandLinkStep
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import first_login
from jupyter_extension_companion.provision.broker import read_class_broker, write_class_broker
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.hubconfig import HubSettings, render_hub_config


def _ctx(tmp_path: Path, *argv: str, dry_run: bool = False) -> Context:
    options = parse_options(["--prefix", str(tmp_path), "--admin", "teacher", *argv])
    ctx = Context(options, options.paths, out=io.StringIO(), log_path=tmp_path / "install.log",
                  dry_run=dry_run)
    ctx.facts["admin"] = "teacher"
    return ctx


# -- the teacher's password ---------------------------------------------------------------
def test_kept_password_is_root_only_and_goes_at_the_first_login(tmp_path: Path) -> None:
    paths = ClassroomPaths().with_prefix(tmp_path)
    kept = first_login.keep_initial_password(paths, "teacher", "Secret-123")
    assert kept.read_text() == "Secret-123\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    assert first_login.pending_initial_password(paths, "teacher") == kept
    hook = first_login.first_login_hook(paths.state)
    auth = {"name": "anna"}
    assert hook(None, None, auth) is auth and kept.exists()  # another user's login: kept
    assert hook(None, None, {"name": "teacher"}) == {"name": "teacher"}
    assert not kept.exists() and first_login.pending_initial_password(paths, "teacher") is None
    assert hook(None, None, {"name": "teacher"})  # again: nothing to remove, no error


def test_generated_config_forgets_the_password_at_login(tmp_path: Path) -> None:
    paths = ClassroomPaths().with_prefix(tmp_path)
    text = render_hub_config(HubSettings(paths=paths, admin_users=["teacher"]))
    compile(text, "jupyterhub_config.py", "exec")
    assert f"c.Authenticator.post_auth_hook = first_login_hook(Path({str(paths.state)!r}))" in text


def test_a_new_password_makes_the_kept_one_stale(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_extension_companion.provision import system_accounts as sa

    paths = ClassroomPaths().with_prefix(tmp_path)
    kept = first_login.keep_initial_password(paths, "teacher", "old")
    fields = {"name": "teacher", "uid": 1500, "gid": 1500, "full_name": "",
              "home": "/home/teacher", "shell": "/bin/bash", "locked": False,
              "has_password": True}
    account = sa.Account(**fields)
    monkeypatch.setattr(sa.SystemAccounts, "read_all", lambda self: {"teacher": account})
    ran: list[list[str]] = []
    monkeypatch.setattr(sa, "run", lambda argv, **kw: ran.append(argv))
    sa.SystemAccounts(paths).set_passwords({"teacher": "new"})
    assert ran == [["chpasswd"]] and not kept.exists()


def test_password_is_printed_when_set_and_a_rerun_says_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_extension_companion.provision import passwords, system_accounts

    monkeypatch.setattr(system_accounts.SystemAccounts, "create", lambda self, *a, **k: None)
    monkeypatch.setattr(system_accounts.SystemAccounts, "set_passwords",
                        lambda self, pw: None)
    monkeypatch.setattr(passwords, "generate_password", lambda: "Gen-Pass-42")

    class Later(Step):
        def plan(self, ctx: Context) -> list[str]:
            return ["start the hub"]

        def apply(self, ctx: Context, changes: list[str]) -> str:
            raise ClassroomError("port 8000 is taken")

    ctx = _ctx(tmp_path)
    ctx.open_log()
    step = AdminAccountStep()
    monkeypatch.setattr(step, "plan", lambda c: ["create the system account teacher"])
    report = run_steps(ctx, [step, Later("Later")], "again")
    ctx.close_log()
    out = ctx.out.getvalue()
    assert not report.ok
    # printed before the failing step, and kept root-only
    assert out.index("Password of teacher: Gen-Pass-42") < out.index("Later … FAILED")
    kept = tmp_path / "var/lib/jupyterhub-classroom/first-login/teacher"
    assert kept.read_text() == "Gen-Pass-42\n" and str(kept) in out
    assert "Gen-Pass-42" not in (tmp_path / "install.log").read_text()
    # the next run (a new process) says where to find it
    again = _ctx(tmp_path)
    hint = password_hint(again)
    assert hint is not None and f"sudo cat {kept}" in hint and "has not logged in yet" in hint
    kept.unlink()
    assert password_hint(_ctx(tmp_path)) is None


# -- the host name and the ports -----------------------------------------------------------
def test_a_taken_port_is_named_with_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        options = parse_options(["--prefix", str(tmp_path), "--port", "18999",
                                 "--hub-api-port", str(port)])
        assert checks.port_taken("127.0.0.1", port)
        problem = checks.start_blocker(options)
    assert problem is not None
    assert f"Port {port} (--hub-api-port) is taken" in problem and "re-run with" in problem
    assert "\n" not in problem


def test_an_unknown_host_name_is_named_and_mapped_like_debian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert checks.hostname_problem("no-such-host.invalid") is not None
    assert checks.hostname_problem("localhost") is None
    monkeypatch.setattr(socket, "gethostname", lambda: "no-such-host.invalid")
    monkeypatch.setattr(steps_system, "hostname_problem",
                        lambda: "the host name 'no-such-host.invalid' does not resolve")
    options = parse_options(["--prefix", str(tmp_path), "--port", "18998",
                             "--hub-api-port", "18997", "--proxy-api-port", "18996",
                             "--service-port", "18995"])
    problem = checks.start_blocker(options)
    assert problem and "no-such-host.invalid" in problem and "/etc/hosts" in problem
    hosts = tmp_path / "etc/hosts"
    hosts.parent.mkdir(parents=True)
    hosts.write_text("127.0.0.1 localhost")
    ctx = _ctx(tmp_path)
    step = HostNameStep()
    assert step.plan(ctx)
    step.apply(ctx, [])
    lines = hosts.read_text().splitlines()
    assert lines[0] == "127.0.0.1 localhost" and lines[1].startswith("127.0.1.1\tno-such-host")
    assert (tmp_path / "etc/hosts.classroom-backup").read_text() == "127.0.0.1 localhost"
    assert step.plan(ctx) == []  # re-run: nothing to change
    # listening on one address: the name does not matter
    assert HostNameStep().plan(_ctx(tmp_path / "x", "--ip", "127.0.0.1")) == []


# -- classroom on PATH -----------------------------------------------------------------------
def test_classroom_command_is_linked_and_unlinked(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    link = tmp_path / "usr/local/sbin/classroom"
    step = CommandLinkStep()
    assert step.plan(ctx) == [f"link {link} -> {ctx.paths.venv / 'bin/classroom'}"]
    step.apply(ctx, [])
    assert os.readlink(link) == str(ctx.paths.venv / "bin/classroom")
    assert step.plan(ctx) == []
    remove = RemoveCommandLinkStep()
    assert remove.plan(ctx) == [f"remove {link}"]
    remove.apply(ctx, [])
    assert not link.is_symlink() and remove.plan(ctx) == []
    link.write_text("#!/bin/sh\n")  # someone else's command: refused, not overwritten
    with pytest.raises(ClassroomError, match="not the installer's link"):
        step.plan(ctx)
    assert RemoveCommandLinkStep().plan(ctx) == []


# -- without systemd -------------------------------------------------------------------------
def test_without_systemd_no_unit_is_written_and_the_line_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_extension_companion.installer import steps_hub

    monkeypatch.setattr(steps_hub, "systemd_running", lambda: False)
    ctx = _ctx(tmp_path)
    with pytest.raises(StepSkipped):
        ServiceStep().plan(ctx)
    report = run_steps(ctx, [ServiceStep()], "again")
    assert report.ok and not report.changed
    line = ctx.out.getvalue().strip()
    assert line.startswith("[ 1/1] Hub service … skipped: systemd is not running")
    assert "--supervisor" in line and "--foreground" in line
    assert not ctx.options.unit_path.exists()


def test_supervisor_program_restarts_and_logs_where_the_installer_does(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "--supervisor")
    text = render_program(ctx)
    assert program_file(ctx) == tmp_path / "etc/supervisor/conf.d/jupyterhub.conf"
    assert f"command={ctx.paths.venv}/bin/jupyterhub -f {ctx.paths.hub_config}" in text
    for line in ("autostart=true", "autorestart=true", "user=root",
                 f"stdout_logfile={ctx.paths.log_dir}/jupyterhub.log"):
        assert line in text.splitlines()
    with pytest.raises(ClassroomError, match="contradict"):
        parse_options(["--supervisor", "--foreground"])


# -- JupyterLab defaults (issue 11) ------------------------------------------------------------
def test_lab_defaults_german_and_no_news_keep_the_broker(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, "--language", "de")
    write_class_broker(ctx.paths, {"host": "broker.school", "port": 1883})
    step = LabDefaultsStep()
    assert len(step.plan(ctx)) == 2
    assert step.apply(ctx, []) == "no news prompt, language de_DE"
    data = json.loads(ctx.paths.lab_settings_overrides.read_text())
    assert data["@jupyterlab/translation-extension:plugin"] == {"locale": "de_DE"}
    assert data["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false"}
    assert read_class_broker(ctx.paths).host == "broker.school"  # one writer keeps both
    assert step.plan(ctx) == []
    # a teacher who turned the news back on keeps that; without --language nothing changes
    data["@jupyterlab/apputils-extension:notification"]["fetchNews"] = "true"
    ctx.paths.lab_settings_overrides.write_text(json.dumps(data))
    assert step.plan(_ctx(tmp_path)) == []
    # --language en switches the default back
    assert step.plan(_ctx(tmp_path, "--language", "en"))


def test_language_pack_is_a_venv_requirement() -> None:
    from jupyter_extension_companion.installer.steps_python import VENV_REQUIREMENTS

    assert "jupyterlab-language-pack-de-DE" in VENV_REQUIREMENTS
    with pytest.raises(SystemExit):
        parse_options(["--language", "fr"])
