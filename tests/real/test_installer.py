"""The whole installer for real, into a scratch prefix on this Debian 12 machine (root).

One fresh install through ``install/bootstrap.sh`` (with a wheel of this checkout), then: the
re-run changes nothing, ``--dry-run`` leaves the tree byte-identical, and with the hub running in
the foreground a student made with the ``classroom`` command logs in through the proxy with PAM,
gets a server in ``~/notebooks`` and runs Java (Gson + Paho without magic, and the guide's
``%classpath add jar`` cell), Python (paho 2.x) and R cells. Then a host shaped like the guide's
is adopted without losing its users, and a run that fails half-way is finished by the next one.
Users are named ``clt`` + random letters and removed at the end; ports are free ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from jupyter_extension_companion.provision.existing_hub import read_old_config

from .users_fixture import remove_test_users, system_user_prefix

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "install" / "bootstrap.sh"

pytestmark = [pytest.mark.real, pytest.mark.slow]


def free_ports(n: int) -> list[int]:
    """``n`` free ports below the kernel's ephemeral range (32768+): an install takes minutes,
    and a port the kernel hands out in between to anyone's connection would then be taken."""
    ports: list[int] = []
    while len(ports) < n:
        port = random.randrange(12000, 32000)  # noqa: S311 - not a secret
        with socket.socket() as s:
            try:
                s.bind(("0.0.0.0", port))  # noqa: S104 - free on every address
            except OSError:
                continue
        if port not in ports:
            ports.append(port)
    return ports


def tree_listing(root: Path) -> dict[str, str]:
    """path -> mode, owner and content hash (or link target) of every entry below ``root``."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            if p.is_symlink():
                what = "-> " + os.readlink(p)
            elif p.is_file():
                what = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                what = "dir"
            out[str(p.relative_to(root))] = f"{st.st_mode:o} {st.st_uid} {what}"
    return out


class Install:
    """One scratch installation: its prefix, ports and how to run the installer on it."""

    def __init__(self, prefix: Path, wheel: Path, admin: str):
        self.prefix = prefix
        self.wheel = wheel
        self.admin = admin
        self.port, self.hub_api_port, self.proxy_api_port, self.service_port = free_ports(4)

    @property
    def args(self) -> list[str]:
        return [
            "--prefix", str(self.prefix), "--admin", self.admin, "--with-r",
            "--port", str(self.port), "--hub-api-port", str(self.hub_api_port),
            "--proxy-api-port", str(self.proxy_api_port), "--service-port", str(self.service_port),
            "--package", str(self.wheel),
        ]

    @property
    def venv(self) -> Path:
        return self.prefix / "opt/jupyterhub-venv"

    @property
    def java_libs(self) -> Path:
        return self.prefix / "opt/jupyterhub-libs/java"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """CLASSROOM_* for the ``classroom`` command (homes stay in /home)."""
        p = self.prefix
        return {
            **os.environ,
            "CLASSROOM_VENV": str(self.venv),
            "CLASSROOM_HUB_CONFIG_DIR": str(p / "etc/jupyterhub"),
            "CLASSROOM_LIBS": str(p / "opt/jupyterhub-libs"),
            "CLASSROOM_STATE": str(p / "var/lib/jupyterhub-classroom"),
            "CLASSROOM_LOG_DIR": str(p / "var/log/jupyterhub-classroom"),
        }

    def bootstrap(self, *extra: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            ["bash", str(BOOTSTRAP), *self.args, *extra],
            capture_output=True, text=True, timeout=timeout, check=False,
        )


def _out(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.geteuid() != 0:
        pytest.skip("the installer needs root")
    if not (ROOT / "jupyter_extension_companion/labextension/static/style.js").exists():
        pytest.fail("build the lab extension first: npm run build:prod")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (whl,) = out.glob("jupyterlab_classroom-*.whl")
    return whl


@pytest.fixture(scope="module")
def users() -> Iterator[list[str]]:
    """Names of system accounts the tests make; all removed at the end."""
    made: list[str] = []
    yield made
    remove_test_users(made)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A world-traversable scratch root (students' servers run the venv below it)."""
    base = Path(tempfile.mkdtemp(prefix="clt-install-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(wheel: Path, users: list[str], scratch: Path) -> Install:
    prefix = scratch / "host"
    prefix.mkdir(mode=0o755)
    inst = Install(prefix, wheel, system_user_prefix())
    users.append(inst.admin)
    t0 = time.monotonic()
    proc = inst.bootstrap()
    inst.fresh_seconds = time.monotonic() - t0  # type: ignore[attr-defined]
    assert proc.returncode == 0, _out(proc)
    inst.first_output = proc.stdout  # type: ignore[attr-defined]
    return inst


def test_fresh_install_ends_with_a_checked_hub(installed: Install) -> None:
    out = installed.first_output  # type: ignore[attr-defined]
    assert re.search(r"\[ 1/\d+\] System packages \(apt\) … ", out)
    assert "OK   hub answers" in out and "OK   proxy answers" in out
    assert "OK   classroom service answers" in out
    assert re.search(r"OK   kernels: .*java", out) and "python3" in out and "ir" in out
    assert f"Admin:   {installed.admin}" in out
    assert f"Password of {installed.admin}" in out
    assert "Classroom sidebar" in out
    assert os.readlink(installed.prefix / "usr/local/sbin/classroom") == str(
        installed.venv / "bin/classroom")
    overrides = json.loads((installed.venv / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false"}
    assert (installed.venv / "share/jupyter/lab/settings").is_dir()
    log = (installed.prefix / "var/log/jupyterhub-classroom/install.log").read_text()
    assert "pip" in log and "Password of" not in log
    jars = sorted(p.name for p in installed.java_libs.glob("*.jar"))
    assert jars == ["gson-2.10.1.jar", "org.eclipse.paho.client.mqttv3-1.2.5.jar"]
    spec = json.loads((installed.venv / "share/jupyter/kernels/java/kernel.json").read_text())
    assert spec["env"]["JJAVA_CLASSPATH"] == f"{installed.java_libs}/*"
    config = (installed.prefix / "etc/jupyterhub/jupyterhub_config.py").read_text()
    assert "CLASSPATH'" not in config.replace("JJAVA_CLASSPATH", "")


def test_second_run_changes_nothing_and_takes_seconds(installed: Install) -> None:
    t0 = time.monotonic()
    proc = installed.bootstrap()
    seconds = time.monotonic() - t0
    assert proc.returncode == 0, _out(proc)
    step_lines = [line for line in proc.stdout.splitlines() if re.match(r"\[\s*\d+/\d+\]", line)]
    # (without systemd the Hub service step says why it is skipped)
    assert step_lines and all(line.endswith("nothing to change") or "skipped: systemd is not"
                              in line for line in step_lines), step_lines
    assert "(nothing to change)" in proc.stdout
    assert seconds < 30, seconds
    print(f"fresh install {installed.fresh_seconds:.1f} s, re-run {seconds:.1f} s")  # type: ignore[attr-defined]


def test_dry_run_leaves_the_tree_byte_identical(installed: Install) -> None:
    before = tree_listing(installed.prefix)
    link = installed.prefix / "usr/local/sbin/classroom"
    link.unlink()  # something to plan
    before = tree_listing(installed.prefix)
    proc = installed.bootstrap("--dry-run")
    assert proc.returncode == 0, _out(proc)
    assert "would link" in proc.stdout and "nothing was changed" in proc.stdout
    assert tree_listing(installed.prefix) == before
    assert installed.bootstrap().returncode == 0  # puts the link back
    assert link.is_symlink()


@pytest.fixture(scope="module")
def running_hub(installed: Install) -> Iterator[Install]:
    """The installed hub in the foreground (as on a host without systemd)."""
    log = open(installed.prefix / "foreground.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(  # noqa: S603
        ["bash", str(BOOTSTRAP), *installed.args, "--foreground"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while "press Ctrl-C" not in (installed.prefix / "foreground.log").read_text():
            assert proc.poll() is None, (installed.prefix / "foreground.log").read_text()
            assert time.monotonic() < deadline, "the hub did not come up"
            time.sleep(1)
        yield installed
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    assert proc.returncode == 0, (installed.prefix / "foreground.log").read_text()[-3000:]


def _login(url: str, name: str, password: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
    assert xsrf, page.text[:500]
    r = s.post(f"{url}/hub/login", data={"username": name, "password": password,
                                        "_xsrf": xsrf.group(1)}, allow_redirects=False, timeout=60)
    assert r.status_code == 302, f"PAM login of {name} refused: {r.status_code}"
    return s


async def _run_cell(ws_url: str, token: str, code: str, timeout: float) -> tuple[str, list[str]]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    msg_id = uuid.uuid4().hex
    session = uuid.uuid4().hex
    await conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": session, "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    out: list[str] = []
    errors: list[str] = []
    replied = idle = False
    deadline = time.monotonic() + timeout
    while not (replied and idle):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no reply in {timeout} s; output so far: {out} {errors}"
        raw = await asyncio.wait_for(conn.read_message(), remaining)
        assert raw is not None, "kernel websocket closed"
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            out.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "execute_reply":
            replied = True
            if content["status"] != "ok" and not errors:
                errors.append(content.get("evalue", content["status"]))
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    conn.close()
    return "".join(out), errors


def run_cell(base: str, token: str, kernel: str, code: str, timeout: float = 180) -> str:
    """Start ``kernel`` in the student's own server, run ``code``, return its output."""
    headers = {"Authorization": f"token {token}"}
    r = requests.post(f"{base}/api/kernels", json={"name": kernel}, headers=headers, timeout=60)
    assert r.status_code == 201, (r.status_code, r.text)
    kid = r.json()["id"]
    try:
        ws = base.replace("http://", "ws://") + f"/api/kernels/{kid}/channels"
        out, errors = asyncio.run(_run_cell(ws, token, code, timeout))
        assert not errors, f"{kernel}: {errors}\n{out}"
        return out
    finally:
        requests.delete(f"{base}/api/kernels/{kid}", headers=headers, timeout=60)


JAVA_CELL = """
import com.google.gson.*;
import org.eclipse.paho.client.mqttv3.*;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
JsonObject reading = JsonParser.parseString("{\\"sensor\\": \\"t1\\", \\"value\\": 21.5}").getAsJsonObject();
MqttClient client = new MqttClient("tcp://127.0.0.1:1883", "clt-install-test", new MemoryPersistence());
System.out.println("gson " + reading.get("value").getAsDouble() + " paho " + client.getClientId());
"""


def test_student_from_the_cli_logs_in_and_runs_every_kernel(
    running_hub: Install, users: list[str]
) -> None:
    inst = running_hub
    name = system_user_prefix()
    users.append(name)
    password = "Clt-Install-" + uuid.uuid4().hex[:10]
    proc = subprocess.run(  # noqa: S603
        [str(inst.venv / "bin/classroom"), "users", "add", name, "--password-stdin"],
        input=password + "\n", env=inst.env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert proc.returncode == 0, _out(proc)

    session = _login(inst.url, name, password)
    r = session.get(f"{inst.url}/hub/spawn/{name}", timeout=180)
    assert r.status_code < 400, r.text[:500]
    access = json.loads((inst.prefix / "var/lib/jupyterhub-classroom/hub.json").read_text())
    hub_api = access["api_url"]
    admin = {"Authorization": f"token {access['token']}"}
    deadline = time.monotonic() + 180
    while True:
        model = requests.get(f"{hub_api}/users/{name}", headers=admin, timeout=30).json()
        server = (model.get("servers") or {}).get("", {})
        if server.get("ready"):
            break
        assert time.monotonic() < deadline, model
        time.sleep(1)
    r = requests.post(f"{hub_api}/users/{name}/tokens", headers=admin,
                      json={"note": "installer test", "expires_in": 3600}, timeout=30)
    assert r.status_code in (200, 201), r.text
    token = r.json()["token"]
    base = f"{inst.url}/user/{name}"

    # the server runs in ~/notebooks: a file saved at its root lands there
    r = requests.put(f"{base}/api/contents/probe.txt", headers={"Authorization": f"token {token}"},
                     json={"type": "file", "format": "text", "content": "hi"}, timeout=60)
    assert r.status_code in (200, 201), r.text
    assert Path(f"/home/{name}/notebooks/probe.txt").read_text() == "hi"
    lab = session.get(f"{base}/lab", timeout=60)
    assert lab.status_code == 200

    out = run_cell(base, token, "java", JAVA_CELL)
    assert "gson 21.5 paho clt-install-test" in out
    guide_cell = (f"%classpath add jar {inst.java_libs}/gson-2.10.1.jar\n"
                  'System.out.println(new com.google.gson.Gson().toJson(java.util.Map.of("a", 1)));')
    assert '{"a":1}' in run_cell(base, token, "java", guide_cell)
    out = run_cell(base, token, "python3",
                   "import paho.mqtt, paho.mqtt.client as mqtt\n"
                   "print(paho.mqtt.__version__, mqtt.CallbackAPIVersion.VERSION2.name)")
    assert re.search(r"^2\.\d+\S* VERSION2", out.strip()), out
    out = run_cell(base, token, "ir", "cat(R.version.string)")
    assert out.startswith("R version"), out


def test_doctor_finds_the_running_host_healthy(running_hub: Install) -> None:
    proc = subprocess.run(  # noqa: S603
        [str(running_hub.venv / "bin/classroom"), "doctor"],
        env=running_hub.env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, _out(proc)
    assert "OK   hub answers" in proc.stdout and "OK   classroom service answers" in proc.stdout
    for kernel in ("java", "python3", "ir"):
        assert re.search(rf"OK   kernel {kernel} starts in [\d.]+ s", proc.stdout), proc.stdout
    assert "jars in" in proc.stdout and "readable by a student" in proc.stdout
    # a jar only root can read is found, with the fix
    jar = running_hub.java_libs / "gson-2.10.1.jar"
    os.chmod(jar, 0o600)
    try:
        proc = subprocess.run(  # noqa: S603
            [str(running_hub.venv / "bin/classroom"), "doctor", "--no-kernels"],
            env=running_hub.env, capture_output=True, text=True, timeout=300, check=False,
        )
    finally:
        os.chmod(jar, 0o644)
    assert proc.returncode == 1, _out(proc)
    assert "FAIL 1 of 2 jars are not readable by a student: gson-2.10.1.jar" in proc.stdout


GUIDE_CONFIG = """\
# /etc/jupyterhub/jupyterhub_config.py, written by hand from the teaching guide
c = get_config()
c.JupyterHub.authenticator_class = 'jupyterhub.auth.PAMAuthenticator'
c.Spawner.default_url = '/lab'
c.Spawner.notebook_dir = '~/notebooks'
c.Authenticator.admin_users = {{'{admin}'}}
c.Authenticator.allowed_users = {{'{s1}', '{s2}'}}
c.Spawner.environment = {{'CLASSPATH': '{libs}/java/*:{extra}'}}
"""
GUIDE_UNIT = """\
[Unit]
Description=JupyterHub
[Service]
ExecStart=/opt/jupyterhub-venv/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
"""


def test_guide_built_host_is_adopted_without_losing_users(
    installed: Install, users: list[str], scratch: Path
) -> None:
    # A second host shaped like the guide's, sharing the first one's venv (an existing venv, as
    # on a guide host) so that only the adoption work differs.
    prefix = scratch / "guide-host"
    (prefix / "etc/jupyterhub").mkdir(parents=True)
    (prefix / "etc/systemd/system").mkdir(parents=True)
    admin, s1, s2, s3 = (system_user_prefix() for _ in range(4))
    users.extend([admin])
    # s3 was added in the old hub's admin page only: it lives in the hub's database
    db = sqlite3.connect(prefix / "etc/jupyterhub/jupyterhub.sqlite")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(255), admin BOOLEAN)")
    db.executemany("INSERT INTO users (name, admin) VALUES (?, ?)", [(s1, 0), (s3, 0)])
    db.commit()
    db.close()
    libs = prefix / "opt/jupyterhub-libs"
    guide = GUIDE_CONFIG.format(admin=admin, s1=s1, s2=s2, libs=libs, extra="/opt/extra/lib.jar")
    config = prefix / "etc/jupyterhub/jupyterhub_config.py"
    config.write_text(guide)
    (prefix / "etc/systemd/system/jupyterhub.service").write_text(GUIDE_UNIT)
    port, api, proxy, service = free_ports(4)
    argv = [
        str(installed.venv / "bin/python"), "-m", "jupyter_extension_companion.installer",
        "--prefix", str(prefix), "--venv", str(installed.venv),
        "--port", str(port), "--hub-api-port", str(api), "--proxy-api-port", str(proxy),
        "--service-port", str(service), "--package", str(installed.wheel), "--no-start",
    ]
    # the java kernelspec lives in the shared venv: put it back for the other tests afterwards
    java_spec = installed.venv / "share/jupyter/kernels/java/kernel.json"
    saved = java_spec.read_bytes()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
        assert proc.returncode == 0, _out(proc)
        assert f"kept 3 users and admins {admin}" in proc.stdout, proc.stdout
        backups = list(config.parent.glob("jupyterhub_config.py.backup-*"))
        assert len(backups) == 1 and backups[0].read_text() == guide
        if Path("/run/systemd/system").is_dir():
            assert list((prefix / "etc/systemd/system").glob("jupyterhub.service.backup-*"))
        else:  # no systemd: the installer writes no unit, the guide's stays as it was
            assert (prefix / "etc/systemd/system/jupyterhub.service").read_text() == GUIDE_UNIT
        new = read_old_config(config)
        assert {s1, s2, s3} <= set(new.allowed_users)
        assert admin in new.admin_users
        assert "CLASSPATH" not in new.environment
        spec = json.loads(java_spec.read_text())
        assert spec["env"]["JJAVA_CLASSPATH"].split(":") == [f"{libs}/java/*", "/opt/extra/lib.jar"]
        # the second run keeps them and changes nothing
        again = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
        assert again.returncode == 0, _out(again)
        assert "(nothing to change)" in again.stdout, again.stdout
        assert {s1, s2, s3} <= set(read_old_config(config).allowed_users)
    finally:
        java_spec.write_bytes(saved)


def test_a_run_that_fails_half_way_is_finished_by_the_next(
    installed: Install, users: list[str], scratch: Path
) -> None:
    prefix = scratch / "broken"
    prefix.mkdir(mode=0o755)
    port, api, proxy, service = free_ports(4)
    base = [
        sys.executable, "-m", "jupyter_extension_companion.installer",
        "--prefix", str(prefix), "--admin", installed.admin,
        "--port", str(port), "--hub-api-port", str(api), "--proxy-api-port", str(proxy),
        "--service-port", str(service), "--package", str(installed.wheel), "--no-start",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    proc = subprocess.run(base + ["--pip-index-url", "http://127.0.0.1:9/"], env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 1, _out(proc)
    assert "Python venv … done" in proc.stdout
    assert "Python packages in the venv … FAILED" in proc.stdout
    assert "re-run the same command to resume" in proc.stdout
    assert "127.0.0.1:9" in proc.stdout  # the failing command's output is shown
    proc = subprocess.run(base, env=env, capture_output=True, text=True, timeout=1800,  # noqa: S603
                          check=False)
    assert proc.returncode == 0, _out(proc)
    assert "Python venv … nothing to change" in proc.stdout
    assert "Python packages in the venv … done" in proc.stdout
    assert (prefix / "etc/jupyterhub/jupyterhub_config.py").is_file()
    # uninstall: what the installer made goes; archives, the audit log and local additions stay
    archive = prefix / "var/lib/jupyterhub-classroom/archive/cltgone-20260101.tar.gz"
    archive.write_bytes(b"archive")
    (prefix / "etc/jupyterhub/jupyterhub_config.d/local.py").write_text("c.X = 1\n")
    proc = subprocess.run(base + ["--uninstall"], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=600, check=False)
    assert proc.returncode == 0, _out(proc)
    assert not (prefix / "opt/jupyterhub-venv").exists()
    assert not (prefix / "etc/jupyterhub/jupyterhub_config.py").exists()
    assert not list((prefix / "opt").glob("jupyterhub-libs/java/*.jar"))
    assert archive.read_bytes() == b"archive"
    (kept,) = (prefix / "etc/jupyterhub").glob("jupyterhub_config.d.backup-*/local.py")
    assert kept.read_text() == "c.X = 1\n"
