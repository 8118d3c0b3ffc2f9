"""The launcher's checks that need no hub: a venv students can run, demo account refusal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_extension_companion import demo
from jupyter_extension_companion.provision import hub_process
from jupyter_extension_companion.provision.errors import ClassroomError


def test_usable_by_everyone(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    (closed / "python").write_text("")
    os.chmod(tmp_path, 0o755)
    assert hub_process.usable_by_everyone(Path("/usr/bin/env"))
    assert not hub_process.usable_by_everyone(closed / "python")


def test_hub_venv_refuses_a_python_students_cannot_run(tmp_path, monkeypatch):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    os.chmod(tmp_path, 0o700)
    # A real file (not a symlink to this Python, which may well be open to everyone) in a
    # folder closed to others, as a pyenv build under /root is.
    (venv / "bin" / "python").write_text("#!/bin/sh\n")
    os.chmod(venv / "bin" / "python", 0o755)
    monkeypatch.setenv("CLASSROOM_HUB_VENV", str(venv))
    with pytest.raises(ClassroomError) as e:
        hub_process.hub_venv()
    assert "CLASSROOM_HUB_VENV" in e.value.message
    assert hub_process.hub_venv(students_spawn=False) == venv


def test_demo_refuses_existing_accounts(monkeypatch):
    monkeypatch.setattr(demo, "_account_exists", lambda name: name == "demo-student1")
    with pytest.raises(ClassroomError) as e:
        demo.run_demo(port=hub_process.free_port())
    assert e.value.code == "demo_account_exists" and "demo-student1" in e.value.message
