"""The server extension outside a hub (plain jupyter server) and the forwarder's path check."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_extension_companion.server.routes import _clean_path

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyter_extension_companion": True}}}


@pytest.fixture(autouse=True)
def no_hub(monkeypatch):
    for var in ("JUPYTERHUB_USER", "JUPYTERHUB_API_TOKEN", "CLASSROOM_SERVICE_URL"):
        monkeypatch.delenv(var, raising=False)


# pytest-jupyter runs its server on its own loop: drive requests with io_loop.run_sync (an
# `async def` test would run on pytest-asyncio's loop and time out).
def test_whoami_outside_a_hub(jp_fetch, io_loop):
    r = io_loop.run_sync(lambda: jp_fetch("classroom", "api", "whoami"))
    body = json.loads(r.body)
    assert body["hub"] is False and body["teacher"] is False and body["service"] is False


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_admin_routes_need_a_hub(jp_fetch, io_loop, method):
    kw = {"body": "{}"} if method == "POST" else {}
    with pytest.raises(HTTPClientError) as e:
        io_loop.run_sync(
            lambda: jp_fetch("classroom", "api", "admin", "users", method=method, **kw))
    assert e.value.code == 409
    assert "needs JupyterHub" in json.loads(e.value.response.body)["message"]


@pytest.mark.parametrize("raw, ok", [
    ("users", True), ("users/anna/password", True), ("jobs/ab12", True),
    ("users/%2e%2e/x", False), ("../hub", False), ("users//x", False), ("users/a%2Fb", False),
    ("users/./x", False), ("users/a b", False), ("", False),
])
def test_clean_path(raw, ok):
    assert (_clean_path(raw) is not None) == ok
