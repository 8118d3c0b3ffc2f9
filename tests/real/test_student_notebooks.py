"""A teacher looks at a student's notebooks through the real service (issues 8, 13): the
student's symlinks to root-only files are refused, nothing of those files comes back."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.real, pytest.mark.slow]

SECRET = "ROOT-ONLY-SECRET-7f3a"


def as_student(name: str, *argv: str, stdin: str | None = None) -> None:
    """Run a command as the student (what they can do in their own home)."""
    subprocess.run(["runuser", "-u", name, "--", *argv], input=stdin, text=True, check=True,
                   capture_output=True)


def a_notebook(text: str) -> str:
    return json.dumps({"cells": [{
        "cell_type": "code", "execution_count": 1, "metadata": {"trusted": True},
        "source": text,
        "outputs": [{"output_type": "stream", "name": "stdout", "text": text + "\n"}],
    }], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_service_refuses_a_students_symlink_to_a_root_file(hub_users, tmp_path: Path):
    teacher, _ = hub_users.make_user(teacher=True)
    student, _ = hub_users.make_user()
    nb = Path(pwd.getpwnam(student).pw_dir) / "notebooks"
    # a root-only file, in a root-only folder
    vault = tmp_path / "vault"
    vault.mkdir(mode=0o700)
    secret = vault / "shadow.ipynb"
    secret.write_text(a_notebook(SECRET))
    os.chmod(secret, 0o600)
    (vault / "inner.ipynb").write_text(a_notebook(SECRET))
    # the student's own work, and their attempts
    as_student(student, "tee", str(nb / "own.ipynb"), stdin=a_notebook("print('mine')"))
    as_student(student, "ln", "-s", str(secret), str(nb / "x.ipynb"))
    as_student(student, "ln", "-s", str(vault), str(nb / "sub"))
    token = hub_users.user_token(teacher)

    r = hub_users.service("GET", f"/users/{student}/notebooks", token)
    assert r.status_code == 200, r.text
    listing = r.json()
    assert [n["path"] for n in listing["notebooks"]] == ["own.ipynb"]
    assert listing["skipped"] == 2

    for path in ("x.ipynb", "sub/inner.ipynb"):
        r = hub_users.service("GET", f"/users/{student}/notebooks/content", token,
                              params={"path": path})
        assert r.status_code == 403, (path, r.status_code, r.text[:300])
        assert r.json()["code"] == "refused_path" and SECRET not in r.text
        # refused because it is a symlink (not only because root owns the target)
        assert "symlink" in r.json()["message"], r.text

    r = hub_users.service("GET", f"/users/{student}/notebooks/content", token,
                          params={"path": "own.ipynb"})
    assert r.status_code == 200, r.text
    cells = r.json()["notebook"]["cells"]
    assert cells[0]["outputs"][0]["text"] == "print('mine')\n"
    assert cells[0]["metadata"]["trusted"] is False  # the file said true: never believed

    # the student cannot ask for anybody's notebooks
    r = hub_users.service("GET", f"/users/{student}/notebooks", hub_users.user_token(student))
    assert r.status_code == 403

    audit = [json.loads(line) for line in
             hub_users.launcher.paths.audit_log.read_text().splitlines()]
    views = [(e["actor"], e["target"], e["outcome"]) for e in audit
             if e["action"] == "notebook.view" and e["target"].startswith(student + ":")]
    assert views == [(teacher, f"{student}:x.ipynb", "refused"),
                     (teacher, f"{student}:sub/inner.ipynb", "refused"),
                     (teacher, f"{student}:own.ipynb", "ok")]
    # nothing of the student's changed (still their symlinks, still root's file)
    assert os.readlink(nb / "x.ipynb") == str(secret)
    assert secret.stat().st_uid == 0 and (secret.stat().st_mode & 0o777) == 0o600
