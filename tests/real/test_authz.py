"""Authorization on the real hub: every service route (enumerated from the route table) and the
single-user forwarder refuse students, missing or bad tokens, and requests without XSRF; the
refused calls change nothing (accounts, shadow, hub users)."""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from jupyter_extension_companion.service.routes import all_routes

pytestmark = [pytest.mark.real, pytest.mark.slow]


def calls(victim: str, newcomer: str):
    """(method, path below /api/v1, body) for every method of every route in the table."""
    body = {"name": newcomer, "password": "Stolen-Pass-123", "teacher": True,
            "csv": f"username\n{newcomer}\n", "rows": [{"username": newcomer}],
            "full_name": "Mallory"}
    for route in all_routes():
        path = route.pattern.removeprefix("/api/v1")
        for param in route.params:
            path = path.replace("{" + param + "}", victim if param == "name" else "0123abcd")
        for method in route.methods:
            yield method.upper(), path, body


@pytest.fixture
def class_of_two(hub_users):
    student, password = hub_users.make_user()
    victim, _ = hub_users.make_user()
    return hub_users, student, password, victim


def test_service_refuses_everyone_but_admins(class_of_two):
    hub, student, _password, victim = class_of_two
    newcomer = hub.new_name()
    student_token = hub.user_token(student)
    before = hub.snapshot({newcomer})
    table = list(calls(victim, newcomer))
    assert len(table) >= 12  # at least the foundation's routes; new areas add theirs
    for method, path, body in table:
        for label, token in [("student", student_token), ("no token", None),
                             ("bad token", "0" * 32), ("service token", hub.token)]:
            r = hub.service(method, path, token, json=body)
            assert r.status_code == 403, (label, method, path, r.status_code, r.text[:200])
            assert r.json()["code"] in ("not_authenticated", "not_admin", "no_scope"), r.text
    assert hub.snapshot({newcomer}) == before


def test_forwarder_refuses_students_and_missing_xsrf(class_of_two):
    hub, student, password, victim = class_of_two
    newcomer = hub.new_name()
    session = hub.login(student, password)
    hub.open_lab(session, student)
    before = hub.snapshot({newcomer})
    base = f"{hub.url}/user/{student}/classroom/api/admin"
    xsrf = hub.xsrf_headers(session, student)
    for method, path, body in calls(victim, newcomer):
        # the student's own session, with a valid XSRF token: not a teacher
        r = session.request(method, base + path, json=body, headers=xsrf, timeout=60)
        assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
        assert r.json()["code"] == "not_admin", r.text
        if method != "GET":
            # without the XSRF token jupyter_server refuses before our handler runs
            r = session.request(method, base + path, json=body, timeout=60)
            assert r.status_code == 403, (method, path, r.status_code)
        # no session at all
        r = hub.service(method, path, None, json=body)
        assert r.status_code == 403
    assert hub.snapshot({newcomer}) == before


def test_teacher_visiting_a_student_server_is_not_forwarded(hub_users):
    teacher, tpass = hub_users.make_user(teacher=True)
    student, spass = hub_users.make_user()
    hub_users.open_lab(hub_users.login(student, spass), student)
    session = hub_users.login(teacher, tpass)
    # admin access: the teacher may open the student's server (OAuth with the hub) ...
    page = hub_users.visit(session, f"/user/{student}/lab")
    assert page.status_code == 200 and page.url.endswith(f"/user/{student}/lab"), page.url
    r = session.get(f"{hub_users.url}/user/{student}/classroom/api/whoami", timeout=60)
    assert r.status_code == 200 and r.json()["owner"] is False and r.json()["teacher"] is True
    # ... but the student's server never forwards on the teacher's behalf
    before = hub_users.snapshot()
    r = session.get(f"{hub_users.url}/user/{student}/classroom/api/admin/users", timeout=60)
    assert r.status_code == 403 and r.json()["code"] == "not_owner", r.text
    assert hub_users.snapshot() == before


# ---- issue 8: scopes, not just the owner's admin flag ------------------------------------------

SERVICE_SCOPE = "access:services!service=classroom"


def _proc_status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _processes_of(uid: int, marker: bytes) -> list[int]:
    """PIDs of ``uid`` whose command line contains ``marker`` (root reads any /proc entry)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_proc_status(int(entry.name))["Uid"].split()[0]) != uid:
                continue
            if marker in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, KeyError, ValueError):
            continue
    return found


def server_pid(name: str) -> int:
    pids = _processes_of(pwd.getpwnam(name).pw_uid, b"classroom-singleuser")
    assert len(pids) == 1, f"{name}: server processes {pids}"
    return pids[0]


def proc_env(pid: int) -> dict[str, str]:
    """The environment ``pid`` was started with (as root)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode().partition("=")[::2] for item in raw.split(b"\0") if b"=" in item)


def token_with_scopes(hub, owner: str, scopes: list[str]) -> str:
    data = hub.launcher.hub().request("POST", f"/users/{owner}/tokens",
                                      {"note": "tests", "expires_in": 3600, "scopes": scopes})
    return str(data["token"])


def token_model(hub, token: str) -> dict:
    r = requests.get(f"{hub.launcher.api_url}/user", headers={"Authorization": f"token {token}"},
                     timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_teacher_tokens_without_the_service_scope_are_refused_everywhere(class_of_two):
    hub, _student, _password, victim = class_of_two
    teacher, _ = hub.make_user(teacher=True)
    newcomer = hub.new_name()
    tokens = {
        "identify-only": token_with_scopes(hub, teacher, [f"read:users:name!user={teacher}"]),
        "server-access-only": token_with_scopes(hub, teacher,
                                                [f"access:servers!server={victim}/"]),
    }
    for label, token in tokens.items():
        model = token_model(hub, token)
        # what made the old check pass: the hub says this token's owner is an admin
        assert model["name"] == teacher and model["admin"] is True, (label, model)
        assert SERVICE_SCOPE not in model["scopes"], (label, model["scopes"])
    before = hub.snapshot({newcomer})
    table = list(calls(victim, newcomer))
    for method, path, body in table:
        for label, token in tokens.items():
            r = hub.service(method, path, token, json=body)
            assert r.status_code == 403, (label, method, path, r.status_code, r.text[:200])
            assert r.json()["code"] == "no_scope", r.text
    assert hub.snapshot({newcomer}) == before
    # the teacher's full token (all of the teacher's scopes) still works
    r = hub.service("GET", "/users", hub.user_token(teacher))
    assert r.status_code == 200, r.text


def test_server_tokens_only_teachers_get_the_service_scope(hub_users):
    """server_token_scopes asks for the service scope; JupyterHub grants it to teachers only."""
    teacher, tpass = hub_users.make_user(teacher=True)
    student, spass = hub_users.make_user()
    hub_users.open_lab(hub_users.login(teacher, tpass), teacher)
    hub_users.open_lab(hub_users.login(student, spass), student)
    teacher_token = proc_env(server_pid(teacher))["JUPYTERHUB_API_TOKEN"]
    student_token = proc_env(server_pid(student))["JUPYTERHUB_API_TOKEN"]
    assert SERVICE_SCOPE in token_model(hub_users, teacher_token)["scopes"]
    student_scopes = token_model(hub_users, student_token)["scopes"]
    assert not [s for s in student_scopes if s.startswith("access:services")], student_scopes
    assert hub_users.service("GET", "/users", teacher_token).status_code == 200
    r = hub_users.service("GET", "/users", student_token)
    assert r.status_code == 403 and r.json()["code"] == "no_scope", r.text


def test_teacher_sidebar_forwarder_still_works(hub_users):
    teacher, tpass = hub_users.make_user(teacher=True)
    session = hub_users.login(teacher, tpass)
    hub_users.open_lab(session, teacher)
    base = f"{hub_users.url}/user/{teacher}/classroom/api"
    who = session.get(f"{base}/whoami", timeout=60).json()
    assert who["teacher"] is True and who["owner"] is True and who["service"] is True, who
    r = session.get(f"{base}/admin/users", timeout=60)
    assert r.status_code == 200 and teacher in {u["name"] for u in r.json()["users"]}, r.text
    # a change through the forwarder (XSRF as the lab sends it)
    newcomer = hub_users.new_name()
    r = session.post(f"{base}/admin/users", json={"name": newcomer},
                     headers=hub_users.xsrf_headers(session, teacher), timeout=120)
    assert r.status_code == 201, r.text


# The student's "server": the student kills the real one (their own process) and listens on its
# port with the same environment, doing the OAuth dance with JupyterHub's own HubOAuth, exactly
# as jupyterhub-singleuser does, and keeping every token a visitor brings. disable_user_config
# stops ~/.jupyter from configuring the real server, but the process stays the student's.
RECORDER = r'''
import os, signal, sys, time
from urllib.parse import urlsplit
from tornado import ioloop, web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from jupyterhub.services.auth import HubOAuth

server_pid, out_path = int(sys.argv[1]), sys.argv[2]
auth = HubOAuth(cache_max_age=0)  # client id, secret and callback URL: the server's own env
prefix = os.environ["JUPYTERHUB_SERVICE_PREFIX"]
callback = urlsplit(os.environ["JUPYTERHUB_OAUTH_CALLBACK_URL"]).path


class Login(web.RequestHandler):
    def get(self, *args):
        self.redirect(auth.login_url)


class Callback(web.RequestHandler):
    async def get(self):
        token = await auth.token_for_code(self.get_argument("code"), sync=False)
        with open(out_path, "a") as f:
            f.write(token + "\n")
        self.write("recorded")


os.kill(server_pid, signal.SIGKILL)
url = urlsplit(os.environ["JUPYTERHUB_SERVICE_URL"])
for _ in range(100):
    try:
        sockets = bind_sockets(url.port, url.hostname)
        break
    except OSError:
        time.sleep(0.1)
HTTPServer(web.Application([(callback, Callback), (prefix + ".*", Login)])).add_sockets(sockets)
print("listening", flush=True)
ioloop.IOLoop.current().start()
'''


def _replace_server_with_recorder(hub, student: str, out: Path) -> subprocess.Popen:
    account = pwd.getpwnam(student)
    pid = server_pid(student)
    env = proc_env(pid)  # what the student reads from their own /proc/<pid>/environ
    proc = subprocess.Popen(  # noqa: S603 - argv list
        [str(hub.launcher.venv / "bin" / "python"), "-c", RECORDER, str(pid), str(out)],
        user=account.pw_uid, group=account.pw_gid, extra_groups=[], env=env,
        cwd=account.pw_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == b"listening", line + proc.stdout.read(2000)
    return proc


def _read_tokens(out: Path) -> list[str]:
    fd = os.open(out, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd) as f:
        return [line.strip() for line in f if line.strip()]


def test_token_a_student_server_receives_from_a_visiting_teacher_is_refused(hub_users):
    teacher, tpass = hub_users.make_user(teacher=True)
    student, spass = hub_users.make_user()
    hub_users.open_lab(hub_users.login(student, spass), student)
    out = Path(pwd.getpwnam(student).pw_dir) / "recorded-tokens"
    recorder = _replace_server_with_recorder(hub_users, student, out)
    try:
        session = hub_users.login(teacher, tpass)
        # the teacher opens the student's server (the sidebar's "open" does this)
        page = hub_users.visit(session, f"/user/{student}/lab")
        assert page.status_code == 200 and page.text == "recorded", (page.url, page.text[:300])
        tokens = _read_tokens(out)
        assert len(tokens) == 1
    finally:
        os.killpg(recorder.pid, signal.SIGKILL)
        recorder.wait(10)
    stolen = tokens[0]
    model = token_model(hub_users, stolen)
    assert model["name"] == teacher and model["admin"] is True, model
    assert SERVICE_SCOPE not in model["scopes"], model["scopes"]
    before = hub_users.snapshot()
    newcomer = hub_users.new_name()
    for method, path, body in calls(student, newcomer):
        r = hub_users.service(method, path, stolen, json=body)
        assert r.status_code == 403, (method, path, r.status_code, r.text[:200])
        assert r.json()["code"] == "no_scope", r.text
    assert hub_users.snapshot() == before


KERNEL_PROBE = r"""
import os, json
found = {k: bool(os.environ.get(k)) for k in ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")}
try:
    parent = open(f"/proc/{os.getppid()}/environ", "rb").read()
    found["parent_environ"] = "readable, token: " + str(b"JUPYTERHUB_API_TOKEN=" in parent)
except OSError as e:
    found["parent_environ"] = type(e).__name__
print(json.dumps(found))
"""


def test_teacher_kernels_and_terminals_get_no_hub_token(hub_users):
    """A real kernel in the teacher's server: no token in its environment, and the server's
    own /proc/<pid>/environ (which still holds it) is closed to it."""
    import json

    from .test_installer import run_cell

    teacher, tpass = hub_users.make_user(teacher=True)
    hub_users.open_lab(hub_users.login(teacher, tpass), teacher)
    server = server_pid(teacher)
    base = f"{hub_users.url}/user/{teacher}"
    token = hub_users.user_token(teacher)
    out = run_cell(base, token, "python3", KERNEL_PROBE, timeout=120)
    found = json.loads(out.strip().splitlines()[-1])
    assert found == {"JUPYTERHUB_API_TOKEN": False, "JPY_API_TOKEN": False,
                     "parent_environ": "PermissionError"}, found
    # a terminal too: every process the server starts inherits its environment
    headers = {"Authorization": f"token {token}"}
    r = requests.post(f"{base}/api/terminals", headers=headers, timeout=60)
    assert r.status_code == 200, r.text
    try:
        uid = pwd.getpwnam(teacher).pw_uid
        shells = []
        for p in _processes_of(uid, b""):
            try:  # a short-lived process of the teacher may be gone by now
                if p != server and int(_proc_status(p)["PPid"]) == server:
                    shells.append(p)
            except OSError:
                continue
        assert shells, "no terminal process found"
        for pid in shells:
            assert "JUPYTERHUB_API_TOKEN" not in proc_env(pid), pid
    finally:
        requests.delete(f"{base}/api/terminals/{r.json()['name']}", headers=headers, timeout=60)
    # the server itself still uses it (JupyterHub's activity reports)
    assert "Error notifying Hub of activity" not in hub_users.launcher.log_tail(100000)
    # what is kept from them: the server's token, which reaches the service
    assert SERVICE_SCOPE in token_model(
        hub_users, proc_env(server)["JUPYTERHUB_API_TOKEN"])["scopes"]


# ---- bodies: authorized on the headers, capped per route ---------------------------------------


def _service_direct(hub) -> tuple[int, str]:
    """The service's own port (any local user can reach it, not only through the proxy)."""
    return hub.launcher.settings.service_port, "/services/classroom/api/v1"


def _service_pid(hub) -> int:
    port = str(hub.launcher.settings.service_port)
    pids = [p for p in _processes_of(0, b"jupyter_extension_companion.service")
            if proc_env(p).get("CLASSROOM_SERVICE_PORT") == port]
    assert len(pids) == 1, pids
    return pids[0]


def _vm_hwm_kib(pid: int) -> int:
    return int(_proc_status(pid)["VmHWM"].split()[0])


def _answer_to_headers(port: int, head: bytes, wait: float = 10.0) -> tuple[socket.socket, bytes]:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(head)
    sock.settimeout(wait)
    data = b""
    try:
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pass
    return sock, data


def test_refused_bodies_are_never_read(class_of_two):
    hub, student, _password, _victim = class_of_two
    port, api = _service_direct(hub)
    pid = _service_pid(hub)
    size = 40 * 1024 * 1024
    hwm_before = _vm_hwm_kib(pid)
    for token in (None, "0" * 32, hub.user_token(student)):
        auth = f"Authorization: token {token}\r\n" if token else ""
        head = (f"POST {api}/users HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}"
                f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode()
        sock, data = _answer_to_headers(port, head)
        try:
            assert data.startswith(b"HTTP/1.1 403"), (
                "no answer before the body was sent: the service waits for (buffers) the body "
                f"before it checks the token; got {data[:200]!r}")
            # send the 40 MB anyway: the service reads and drops it
            piece = b"0" * (1024 * 1024)
            try:
                for _ in range(size // len(piece)):
                    sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass
        finally:
            sock.close()
    time.sleep(0.5)
    grown = _vm_hwm_kib(pid) - hwm_before
    print(f"service peak RSS (VmHWM) {hwm_before} KiB -> +{grown} KiB after 3 x 40 MB refused")
    assert grown < 16 * 1024, f"the service's peak memory grew by {grown} KiB"


def test_oversized_body_gets_413_before_it_is_read(hub_users):
    teacher, _ = hub_users.make_user(teacher=True)
    port, api = _service_direct(hub_users)
    token = hub_users.user_token(teacher)
    head = (f"POST {api}/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: token {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n").encode()
    sock, data = _answer_to_headers(port, head)
    sock.close()
    assert data.startswith(b"HTTP/1.1 413"), data[:300]
    assert b'"too_large"' in data and b"64 KB" in data, data[-300:]
    # through the proxy too, with a body a little over the cap
    r = hub_users.service("POST", "/users", token, data=b"{" + b" " * 70000 + b"}",
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "too_large", r.text[:300]
