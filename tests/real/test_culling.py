"""Idle culling on a real hub (issue 14): with short test timeouts, an idle kernel is culled
inside the student's server, then the idle server is stopped by the hub-managed idle culler,
and the student's saved notebook is intact when they log in again."""

from __future__ import annotations

import json
import time

import pytest

from jupyter_extension_companion.provision.culling import IdleTimeouts, write_timeouts

pytestmark = [pytest.mark.real, pytest.mark.slow]

KERNEL_IDLE = 10  # the shortest allowed; the server checks every 5 s
SERVER_IDLE = 50  # the idle culler checks every 12 s


def _wait(cond, timeout: float, what: str, log=lambda: ""):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"{what} not within {timeout:.0f} s\n{log()}")


def test_idle_kernel_then_idle_server_culled_and_saved_notebook_kept(hub_users):
    paths = hub_users.launcher.paths
    # before the spawn: each server reads the kernel timeout when it starts
    write_timeouts(paths, IdleTimeouts(KERNEL_IDLE, SERVER_IDLE))
    try:
        time.sleep(6)  # the culler service re-reads its setting every 5 s
        name, password = hub_users.make_user()
        session = hub_users.login(name, password)
        hub_users.open_lab(session, name)
        api = f"{hub_users.url}/user/{name}/api"
        headers = {"Authorization": f"token {hub_users.user_token(name)}"}
        notebook = {
            "cells": [{"cell_type": "code", "execution_count": None, "id": "a1", "metadata": {},
                       "outputs": [], "source": "print('my work')"}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
        }
        r = session.put(f"{api}/contents/mine.ipynb", headers=headers, timeout=60,
                        json={"type": "notebook", "content": notebook})
        assert r.status_code in (200, 201), r.text
        r = session.post(f"{api}/kernels", headers=headers, json={"name": "python3"}, timeout=120)
        assert r.status_code == 201, r.text
        kernel_id = r.json()["id"]

        # 1. the idle kernel is culled by the server (the server itself keeps running)
        started = time.monotonic()
        _wait(lambda: kernel_id not in {k["id"] for k in session.get(
            f"{api}/kernels", headers=headers, timeout=30).json()},
            KERNEL_IDLE + 30, "the idle kernel culled", hub_users.launcher.log_tail)
        assert time.monotonic() - started >= KERNEL_IDLE - 1
        model = hub_users.launcher.hub().get_user(name)
        assert model["servers"], "the server was stopped before its kernel was culled"

        # 2. the idle server is stopped by the hub's idle-culler service
        _wait(lambda: not (hub_users.launcher.hub().get_user(name) or {}).get("servers"),
              SERVER_IDLE + 90, "the idle server stopped", hub_users.launcher.log_tail)
        assert f"Culling server {name}" in hub_users.launcher.log_tail(400)

        # 3. the student logs in again: the saved notebook is intact
        session = hub_users.login(name, password)
        hub_users.open_lab(session, name)
        r = session.get(f"{api}/contents/mine.ipynb", headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        cells = r.json()["content"]["cells"]
        assert [c["source"] for c in cells] == ["print('my work')"]
        on_disk = json.loads((paths.notebooks_of(name) / "mine.ipynb").read_text())
        assert "".join(on_disk["cells"][0]["source"]) == "print('my work')"
    finally:
        write_timeouts(paths, IdleTimeouts())
