"""The installer's final check starts the hub once more when it exits during its first start.

JupyterHub exits when a managed service stays silent for ~10 s after the hub API answers (seen
on a busy bare host); one more start is tried, never more, and never when a port is taken.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from jupyter_extension_companion.installer import checks as installer_checks
from jupyter_extension_companion.installer import main as installer_main
from jupyter_extension_companion.installer.engine import Context
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.provision import health as checks


class FakeHub:
    """A hub process: ``exits`` says whether it has died by the time the checks run."""

    def __init__(self, exits: bool):
        self.returncode: int | None = 1 if exits else None

    def poll(self) -> int | None:
        return self.returncode


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hubs: list[FakeHub],
         blocker: str | None = None) -> tuple[int, str, list[FakeHub]]:
    options = parse_options(["--prefix", str(tmp_path), "--admin", "teacher",
                             "--port", "18000"])
    out = io.StringIO()
    ctx = Context(options, options.paths, out=out, log_path=tmp_path / "install.log")
    ctx.facts["admin"] = "teacher"
    ctx.open_log()
    started: list[FakeHub] = []

    def start_hub(paths, log=None):  # noqa: ANN001, ARG001
        hub = hubs[len(started)]
        started.append(hub)
        return hub

    def service_check(*args, **kwargs):  # noqa: ANN002, ANN003, ARG001
        alive = started[-1].poll() is None
        return checks.Finding("ok" if alive else "fail", "classroom service")

    monkeypatch.setattr(installer_main, "start_hub", start_hub)
    monkeypatch.setattr(installer_main, "wait_for_url", lambda url, proc=None, timeout=0: True)
    monkeypatch.setattr(installer_main, "stop_hub", lambda proc, **kw: None)
    monkeypatch.setattr(installer_main, "_kernel_names", lambda ctx: ["python3"])
    monkeypatch.setattr(checks, "check_listener", lambda url, what: None)
    monkeypatch.setattr(checks, "http_get", lambda url, **kw: (None, b""))
    calls: list[int] = []

    def start_blocker(options):  # noqa: ANN001, ARG001 - free at the first start, then maybe not
        calls.append(1)
        return blocker if len(calls) > 1 else None

    monkeypatch.setattr(installer_checks, "start_blocker", start_blocker)
    monkeypatch.setattr(checks, "check_hub_api", lambda api: checks.Finding("ok", "hub API"))
    monkeypatch.setattr(checks, "check_proxy", lambda *a: checks.Finding("ok", "proxy"))
    monkeypatch.setattr(checks, "check_service", service_check)
    code = installer_main.final_check(ctx, out)
    ctx.close_log()
    return code, out.getvalue(), started


def test_hub_that_dies_at_its_first_start_is_started_once_more(tmp_path, monkeypatch) -> None:
    code, text, started = _run(tmp_path, monkeypatch, [FakeHub(exits=True), FakeHub(exits=False)])
    assert len(started) == 2
    assert "starting it once more" in text
    assert "OK   classroom service" in text
    assert code == 0


def test_no_third_start_and_no_retry_when_a_port_is_taken(tmp_path, monkeypatch) -> None:
    code, text, started = _run(tmp_path, monkeypatch, [FakeHub(exits=True), FakeHub(exits=True)])
    assert len(started) == 2 and code == 1
    code, text, started = _run(tmp_path / "b", monkeypatch, [FakeHub(exits=True)],
                               blocker="Port 18000 (--port) is taken by another program")
    assert len(started) == 1 and "once more" not in text and code == 1
