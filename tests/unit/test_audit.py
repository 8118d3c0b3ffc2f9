"""The audit log: JSON lines, root-only file, never a secret."""

from __future__ import annotations

import json
import os
import stat

import pytest

from jupyter_extension_companion.provision.audit import AuditLog, cli_actor


def test_record_appends_json_lines(tmp_path):
    log = AuditLog(tmp_path / "state" / "audit.log")
    log.record("teacher", "add", "anna", "changed", generated=True)
    log.record("root (cli)", "remove", "bob", "refused", message="no such student")
    lines = (tmp_path / "state" / "audit.log").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["actor"] == "teacher" and first["action"] == "add"
    assert first["target"] == "anna" and first["outcome"] == "changed" and first["generated"]
    assert first["time"].endswith("+00:00")
    assert [e["target"] for e in log.entries()] == ["anna", "bob"]
    assert stat.S_IMODE(os.stat(log.path).st_mode) == 0o600


@pytest.mark.parametrize("key", ["password", "new_password", "token", "api_secret"])
def test_secrets_are_refused(tmp_path, key):
    log = AuditLog(tmp_path / "audit.log")
    with pytest.raises(ValueError):
        log.record("t", "set_password", "anna", "changed", **{key: "hunter2"})
    assert not log.path.exists()


def test_cli_actor(monkeypatch):
    monkeypatch.setenv("SUDO_USER", "mrs-smith")
    assert cli_actor() == "mrs-smith (cli)"
    monkeypatch.delenv("SUDO_USER")
    assert cli_actor().endswith(" (cli)")
