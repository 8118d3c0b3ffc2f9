"""No token and no password for a student who listens on the hub's ports while it is down.

A scratch host (generated hub config, ``hub.json`` with the service token) on free ports; the hub
is not running. A real student account (``clt`` + letters) listens on every port the stack uses
(public, hub API, proxy API, service), answers like a hub (200, a version) and records every
byte it receives. Then ``classroom doctor``, ``classroom users list``, the installer's final
check and the hub itself run against that host: the student must receive no token and no
password. On main before the fix, doctor and the installer sent the service token (to the
public port), ``users list`` sent it to the hub API port, and the hub sent its proxy token to
the student's proxy API.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.hubconfig import (
    default_settings_for_this_python,
    read_hub_access,
    write_hub_config,
)

from .test_installer import free_ports
from .users_fixture import remove_test_users, system_user_prefix

pytestmark = [pytest.mark.real]

ROOT = Path(__file__).resolve().parents[2]

# The student's listener: every port on 127.0.0.1, one JSON line per connection on stdout with
# everything it received; answers 200 with a hub-like body so that a client goes on talking.
LISTENER = r"""
import json, socket, sys, threading
lock = threading.Lock()
def handle(c, port):
    c.settimeout(1.0)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
        c.settimeout(0.3)
        while True:  # a body (a login form, say) too
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    with lock:
        print(json.dumps({"port": port, "data": data.decode("latin-1")}), flush=True)
    body = b'{"version": "5.5.4", "routes": {}}'
    try:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                  + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    except OSError:
        pass
    c.close()
def serve(s, port):
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c, port), daemon=True).start()
for p in map(int, sys.argv[1:]):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", p))
    s.listen(64)
    threading.Thread(target=serve, args=(s, p), daemon=True).start()
with lock:
    print("ready", flush=True)
threading.Event().wait()
"""


@dataclass
class SquattedHost:
    paths: ClassroomPaths
    prefix: Path
    student: str
    ports: dict[str, int]
    token: str
    received: list[dict] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLASSROOM_")}
        env["CLASSROOM_PREFIX"] = str(self.prefix)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        return env

    def leaks(self) -> list[dict]:
        """What the student received that carries a credential."""
        bad = []
        for rec in self.received:
            text = rec["data"].lower()
            if (self.token.lower() in text or "authorization" in text or "token" in text
                    or "password" in text):
                bad.append(rec)
        return bad

    def settle(self) -> None:
        time.sleep(1.5)  # the listener prints a connection when the client is done with it


def _run_as(user: str, code: str, *args: str, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        ["runuser", "-u", user, "--", "/usr/bin/python3", "-c", code, *args],  # noqa: S607
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw,
    )


@pytest.fixture(scope="module")
def squatted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SquattedHost]:
    if os.geteuid() != 0:
        pytest.skip("needs root (a real student account)")
    prefix = tmp_path_factory.mktemp("squatted")
    paths = ClassroomPaths().with_prefix(prefix)
    public, hub_api, proxy_api, service = free_ports(4)
    settings = default_settings_for_this_python(
        paths, bind_url=f"http://127.0.0.1:{public}",
        hub_bind_url=f"http://127.0.0.1:{hub_api}", proxy_api_port=proxy_api,
        service_port=service, admin_users=["root"],
    )
    paths.hub_config_dir.mkdir(parents=True)
    write_hub_config(settings)
    access = read_hub_access(paths)
    assert access is not None
    student = system_user_prefix() + "st"
    subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", student],  # noqa: S603,S607
                   check=True)
    proc = None
    try:
        ports = {"public": public, "hub API": hub_api, "proxy API": proxy_api,
                 "service": service}
        proc = _run_as(student, LISTENER, *map(str, ports.values()))
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == "ready", first + proc.stdout.read()
        host = SquattedHost(paths, prefix, student, ports, access["token"])

        def collect() -> None:
            assert proc is not None and proc.stdout is not None
            for line in proc.stdout:
                try:
                    host.received.append(json.loads(line))
                except ValueError:
                    host.received.append({"port": 0, "data": line})

        threading.Thread(target=collect, daemon=True).start()
        # the listeners are the student's, as `ss` would show
        from jupyter_extension_companion.provision import listeners

        owners = listeners.foreign_listeners(ports.values())
        assert set(owners) == set(ports.values())
        assert set(owners.values()) == {pwd.getpwnam(student).pw_uid}
        yield host
    finally:
        if proc is not None:
            proc.kill()
            proc.wait(timeout=10)
        remove_test_users([student])


def test_doctor_sends_no_token_to_a_students_listener(squatted: SquattedHost) -> None:
    squatted.received.clear()
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyter_extension_companion.cli", "doctor", "--no-kernels"],
        env=squatted.env, capture_output=True, text=True, timeout=300, check=False,
    )
    squatted.settle()
    assert squatted.leaks() == [], proc.stdout + proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert squatted.student in proc.stdout and "not root" in proc.stdout, proc.stdout


def test_users_list_sends_no_token_to_a_students_listener(squatted: SquattedHost) -> None:
    squatted.received.clear()
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyter_extension_companion.cli", "users", "list"],
        env=squatted.env, capture_output=True, text=True, timeout=120, check=False,
    )
    squatted.settle()
    assert squatted.leaks() == [], proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert squatted.student in proc.stderr and "Nothing was sent" in proc.stderr, proc.stderr


def test_installer_final_check_sends_no_token_to_a_students_listener(
    squatted: SquattedHost,
) -> None:
    from jupyter_extension_companion.installer.engine import Context
    from jupyter_extension_companion.installer.main import final_check
    from jupyter_extension_companion.installer.options import parse_options
    from jupyter_extension_companion.provision.errors import ClassroomError

    p = squatted.ports
    options = parse_options([
        "--prefix", str(squatted.prefix), "--admin", "root",
        "--port", str(p["public"]), "--hub-api-port", str(p["hub API"]),
        "--proxy-api-port", str(p["proxy API"]), "--service-port", str(p["service"]),
    ])
    out = io.StringIO()
    ctx = Context(options, squatted.paths, out=out)
    squatted.received.clear()
    try:
        code = final_check(ctx, out, changed=False)
    except ClassroomError as exc:
        code, message = 1, exc.message
    else:
        message = out.getvalue()
    squatted.settle()
    assert squatted.leaks() == [], message
    assert code != 0
    assert squatted.student in message, message


def test_hub_refuses_to_start_and_sends_no_proxy_token(squatted: SquattedHost) -> None:
    """JupyterHub takes an answering proxy API for its proxy: the config must stop it first."""
    squatted.paths.state.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in squatted.env.items()
           if not k.startswith(("JUPYTERHUB_", "CONFIGPROXY_"))}
    squatted.received.clear()
    proc = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(squatted.paths.hub_config)],
        cwd=str(squatted.paths.state), env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    squatted.settle()
    output = proc.stdout + proc.stderr
    assert squatted.leaks() == [], output[-3000:]
    assert proc.returncode != 0
    assert "Refusing to start" in output and squatted.student in output, output[-3000:]


def test_a_student_cannot_listen_on_the_default_internal_ports(squatted: SquattedHost) -> None:
    from jupyter_extension_companion.provision.hubconfig import (
        HUB_API_PORT,
        PROXY_API_PORT,
        SERVICE_PORT,
    )
    from jupyter_extension_companion.provision.listeners import unprivileged_port_start

    if unprivileged_port_start() <= SERVICE_PORT:
        pytest.skip("this host lets every user bind low ports (doctor warns about it)")
    code = ("import socket, sys\nfor p in map(int, sys.argv[1:]):\n"
            "    s = socket.socket()\n"
            "    try:\n        s.bind(('127.0.0.1', p)); print(p, 'bound')\n"
            "    except PermissionError:\n        print(p, 'refused')\n")
    proc = _run_as(squatted.student, code, *map(str, (HUB_API_PORT, PROXY_API_PORT,
                                                      SERVICE_PORT)))
    out, _ = proc.communicate(timeout=30)
    assert out.split("\n")[:3] == [f"{HUB_API_PORT} refused", f"{PROXY_API_PORT} refused",
                                   f"{SERVICE_PORT} refused"], out


def _free_low_ports(n: int) -> list[int]:
    """``n`` free loopback ports below 1024 (root may bind them)."""
    import socket

    found = []
    for port in range(990, 900, -1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == n:
            return found
    pytest.skip("no free ports below 1024")


def test_the_stack_runs_on_privileged_ports_and_passes_the_checks(
    tmp_path: Path,
) -> None:
    """What the installer now does by default: hub API, proxy API and service below 1024."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    from jupyter_extension_companion.provision import health as checks
    from jupyter_extension_companion.provision.hub_process import HubLauncher
    from jupyter_extension_companion.provision.listeners import unprivileged_port_start

    hub_port, proxy_port, service_port = _free_low_ports(3)
    launcher = HubLauncher(tmp_path / "hub", hub_port=hub_port, proxy_api_port=proxy_port,
                           service_port=service_port, students_spawn=False)
    launcher.start()
    try:
        access = read_hub_access(launcher.paths)
        assert access is not None
        found = [
            checks.check_hub_api(access["api_url"]),
            checks.check_proxy(access["hub_url"], access["proxy_api_url"]),
            checks.check_service(access["hub_url"], access["service_url"]),
        ]
        assert [f.level for f in found] == ["ok"] * 3, [f.line() for f in found]
        protection = checks.check_port_protection(checks.internal_ports(access))
        expected = "ok" if unprivileged_port_start() > max(hub_port, proxy_port, service_port) \
            else "warn"
        assert protection.level == expected, protection.line()
        assert isinstance(launcher.hub().list_users(), list)  # the verified client talks
    finally:
        launcher.stop()
