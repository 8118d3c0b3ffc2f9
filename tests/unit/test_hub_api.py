"""HubClient against a small stand-in HTTP server: paging, one POST for many, errors."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.hub_api import HubClient, HubError, server_running


class Hub(BaseHTTPRequestHandler):
    users: dict[str, dict] = {}
    requests: list[tuple[str, str, dict | None, dict]] = []

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        url = urlparse(self.path)
        self.requests.append((method, url.path, body, dict(self.headers)))
        if self.headers.get("Authorization") != "token secret":
            return self._send(403, {"message": "bad token"})
        parts = url.path.split("/")[3:]  # /hub/api/...
        if parts == ["users"] and method == "GET":
            q = parse_qs(url.query)
            offset, limit = int(q["offset"][0]), int(q["limit"][0])
            names = sorted(self.users)
            if q.get("state") == ["active"]:
                names = [n for n in names if self.users[n]["server"]]
            items = [self.users[n] for n in names[offset:offset + limit]]
            nxt = offset + limit
            page = {"items": items, "_pagination": {
                "offset": offset, "limit": limit, "total": len(names),
                "next": {"offset": nxt, "limit": limit} if nxt < len(names) else None}}
            assert self.headers["Accept"] == "application/jupyterhub-pagination+json"
            return self._send(200, page)
        if parts == ["users"] and method == "POST":
            new = [n for n in body["usernames"] if n not in self.users]
            if not new:
                return self._send(409, {"message": "All users already exist"})
            for n in new:
                self.users[n] = {"name": n, "admin": body["admin"], "server": None}
            return self._send(201, [self.users[n] for n in new])
        name = parts[1] if len(parts) > 1 else ""
        if name not in self.users:
            return self._send(404, {"message": f"no user {name}"})
        if len(parts) == 2 and method == "GET":
            return self._send(200, self.users[name])
        if len(parts) == 2 and method == "PATCH":
            self.users[name].update(body)
            return self._send(200, self.users[name])
        if len(parts) == 2 and method == "DELETE":
            del self.users[name]
            return self._send(204)
        if parts[2:] == ["server"] and method == "POST":
            if self.users[name]["server"]:
                return self._send(400, {"message": f"{name} is already running"})
            self.users[name]["server"] = f"/user/{name}/"
            return self._send(201)
        if parts[2:] == ["server"] and method == "DELETE":
            self.users[name]["server"] = None
            return self._send(204)
        return self._send(404, {"message": "?"})

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")


@pytest.fixture
def hub():
    Hub.users = {}
    Hub.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HubClient(f"http://127.0.0.1:{server.server_address[1]}/hub/api/", "secret")
    finally:
        server.shutdown()
        server.server_close()


def test_add_many_in_one_post_and_page_through(hub):
    names = [f"s{i:03d}" for i in range(7)]
    made = hub.add_users(names)
    assert len(made) == 7
    posts = [r for r in Hub.requests if r[0] == "POST"]
    assert len(posts) == 1 and posts[0][2] == {"usernames": names, "admin": False}
    Hub.requests.clear()
    users = hub.list_users(page_limit=3)
    assert [u["name"] for u in users] == names
    assert len(Hub.requests) == 3  # 3 + 3 + 1
    assert hub.add_users(names) == []  # all exist: the hub's 409 is "nothing to do"
    assert hub.count_users() == 7
    hub.start_server("s003")
    assert [u["name"] for u in hub.list_users(state="active")] == ["s003"]


def test_user_operations(hub):
    hub.add_users(["anna"])
    assert hub.get_user("anna")["name"] == "anna" and hub.get_user("ghost") is None
    assert hub.set_admin("anna", True)["admin"] is True
    hub.start_server("anna")
    assert server_running(hub.get_user("anna"))
    with pytest.raises(HubError) as info:
        hub.start_server("anna")
    assert info.value.hub_status == 400 and "already running" in info.value.message
    hub.stop_server("anna")
    assert not server_running(hub.get_user("anna"))
    assert hub.delete_user("anna") is True and hub.delete_user("anna") is False
    with pytest.raises(NotFound):
        hub.set_admin("anna", False)


def test_bad_token_and_unreachable(hub):
    bad = HubClient(hub.api_url, "wrong")
    with pytest.raises(HubError, match="bad token"):
        bad.list_users()
    down = HubClient("http://127.0.0.1:9/hub/api", "x", timeout=2)
    with pytest.raises(HubError, match="does not answer") as info:
        down.get_user("x")
    assert info.value.code == "hub_unreachable"


def test_names_are_quoted(hub):
    assert hub.get_user("a/../b") is None
    assert Hub.requests[-1][1] == "/hub/api/users/a%2F..%2Fb"


def test_from_state(tmp_path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    with pytest.raises(ClassroomError, match="is the hub installed"):
        HubClient.from_state(paths)
    paths.hub_access.parent.mkdir(parents=True)
    paths.hub_access.write_text(json.dumps({"api_url": "http://h/hub/api", "token": "t",
                                            "hub_url": "http://h"}))
    client = HubClient.from_state(paths)
    assert (client.api_url, client.token, client.hub_url) == ("http://h/hub/api", "t", "http://h")


def test_server_running_variants():
    assert not server_running({"server": None, "servers": {}})
    assert server_running({"server": "/user/a/"})
    assert server_running({"server": None, "servers": {"": {"ready": True}}})
    assert server_running({"servers": {"": {"ready": False, "pending": "spawn"}}})
