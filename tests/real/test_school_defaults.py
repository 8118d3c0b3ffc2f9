"""School defaults on a real hub: students' Lab pages leave the Extension Manager out, a teacher's
own keeps it, and a teacher who opens a student's server sees whose it is (tab title, whoami)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .conftest import RealHub

EXTENSION_MANAGER = "@jupyterlab/extensionmanager-extension"


def _page_config(r: requests.Response) -> dict:
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      r.text, re.S)
    assert match, r.text[:300]
    return json.loads(html.unescape(match.group(1)))


@pytest.fixture(scope="module")
def own_hub() -> Iterator[RealHub]:
    """A hub of its own in a folder every account may traverse: the students' servers read
    ``school.json`` there (on a host it lies in the world-readable venv; pytest's temp folders
    are root-only, and pytest resets their modes whenever another session starts)."""
    from jupyter_extension_companion.demo import HubLauncher

    from .conftest import _shared_venv_for_tests

    if os.geteuid() != 0:
        pytest.skip("the real hub needs root")
    _shared_venv_for_tests()
    workdir = Path(tempfile.mkdtemp(prefix="classroom-school-", dir="/var/tmp"))
    os.chmod(workdir, 0o711)
    launcher = HubLauncher(workdir)
    hub = RealHub(launcher.start())
    try:
        yield hub
    finally:
        try:
            hub.remove_users(list(hub.created))
        finally:
            launcher.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def test_school_defaults_in_lab_pages(own_hub: RealHub) -> None:
    hub_users = own_hub
    teacher, tpw = hub_users.make_user(teacher=True)
    student, spw = hub_users.make_user()

    s = hub_users.login(student, spw)
    config = _page_config(hub_users.open_lab(s, student))
    assert EXTENSION_MANAGER in config["disabledExtensions"]
    assert "Server of" not in config.get("appName", "")

    t = hub_users.login(teacher, tpw)
    config = _page_config(hub_users.open_lab(t, teacher))
    assert EXTENSION_MANAGER not in config["disabledExtensions"]

    # the teacher opens the student's server: no Extension Manager, the tab names the owner
    r = hub_users.visit(t, f"/user/{student}/lab")
    assert r.status_code == 200, (r.status_code, r.url)
    config = _page_config(r)
    assert EXTENSION_MANAGER in config["disabledExtensions"]
    assert config["appName"] == f"Server of {student}"
    who = t.get(f"{hub_users.url}/user/{student}/classroom/api/whoami", timeout=60).json()
    assert who["owner"] is False and who["server_owner"] == student
    assert who["show_server_owner"] is True

    # the teacher turns the Extension Manager on for students: the next page load has it
    token = hub_users.user_token(teacher)
    r = hub_users.service("PUT", "/school", token, json={"student_extension_manager": True})
    assert r.status_code == 200 and r.json()["changed"] is True, r.text
    config = _page_config(s.get(f"{hub_users.url}/user/{student}/lab", timeout=60))
    assert EXTENSION_MANAGER not in config["disabledExtensions"]
