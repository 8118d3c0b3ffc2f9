"""The audit log: JSON lines, root-only file, never a secret."""

from __future__ import annotations

import json
import os
import stat

import pytest

from jupyter_extension_companion.provision.audit import (
    FIELDS,
    OUTCOMES,
    AuditLog,
    Auditor,
    cli_actor,
)
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound


def test_record_appends_json_lines(tmp_path):
    log = AuditLog(tmp_path / "state" / "audit.log")
    log.record("teacher", "user.add", "anna", "ok", generated=True)
    log.record("root (cli)", "user.remove", "bob", "refused", "no such student", "not_found")
    lines = (tmp_path / "state" / "audit.log").read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["actor"] == "teacher" and first["action"] == "user.add"
    assert first["target"] == "anna" and first["outcome"] == "ok" and first["generated"]
    assert first["time"].endswith("+00:00")
    assert [e["target"] for e in log.entries()] == ["anna", "bob"]
    assert stat.S_IMODE(os.stat(log.path).st_mode) == 0o600


@pytest.mark.parametrize("key", ["password", "new_password", "token", "api_secret"])
def test_secrets_are_refused(tmp_path, key):
    log = AuditLog(tmp_path / "audit.log")
    with pytest.raises(ValueError):
        log.record("t", "user.set_password", "anna", "ok", **{key: "hunter2"})
    assert not log.path.exists()


def test_cli_actor(monkeypatch):
    monkeypatch.setenv("SUDO_USER", "mrs-smith")
    assert cli_actor() == "mrs-smith (cli)"
    monkeypatch.delenv("SUDO_USER")
    assert cli_actor().endswith(" (cli)")


def test_every_line_has_the_same_fields(tmp_path):
    log = AuditLog(tmp_path / "audit.log")
    log.record("teacher", "jar.remove", "a.jar", "ok")
    log.record("teacher", "jar.remove", "b.jar", "refused", "No shared jar named b.jar", "not_found")
    ok, refused = log.entries()
    assert list(ok)[: len(FIELDS)] == list(FIELDS) == list(refused)[: len(FIELDS)]
    assert (ok["reason"], ok["code"]) == ("", "")
    assert (refused["reason"], refused["code"]) == ("No shared jar named b.jar", "not_found")


@pytest.mark.parametrize("outcome", ["done", "OK", ""])
def test_only_the_known_outcomes(tmp_path, outcome):
    log = AuditLog(tmp_path / "audit.log")
    with pytest.raises(ValueError):
        log.record("t", "jar.remove", "a.jar", outcome)
    assert set(OUTCOMES) == {"ok", "refused", "failed", "nothing-to-change", "started"}


def test_old_outcome_words_are_written_in_the_new_ones(tmp_path):
    log = AuditLog(tmp_path / "audit.log")
    log.record("t", "class.add", "7a", "changed")
    log.record("t", "class.add", "7a", "unchanged")
    assert [e["outcome"] for e in log.entries()] == ["ok", "nothing-to-change"]


def test_auditor_run_records_each_outcome_once(tmp_path):
    auditor = Auditor(AuditLog(tmp_path / "audit.log"), "mrs-x")

    class Result:
        def __init__(self, changed):
            self.changed = changed

    assert auditor.run("a.ok", "t", lambda: Result(True)).changed
    auditor.run("a.same", "t", lambda: Result(False))
    for exc in (NotFound("gone"), ClassroomError("broke", code="x", status=500), OSError("disk")):
        def fail(exc=exc):
            raise exc

        with pytest.raises(type(exc)):
            auditor.run("a.bad", "t", fail)
        # a refusal that passes a second layer is not written twice
        auditor.refused("a.outer", "t", exc)
    outcomes = [(e["action"], e["outcome"], e["code"]) for e in auditor.log.entries()]
    assert outcomes == [("a.ok", "ok", ""), ("a.same", "nothing-to-change", ""),
                        ("a.bad", "refused", "not_found"), ("a.bad", "failed", "x"),
                        ("a.bad", "failed", "internal")]
    assert {e["actor"] for e in auditor.log.entries()} == {"mrs-x"}
