"""The first run on a host without systemd, for real (root, scratch prefix, free ports).

1. The hub cannot start (its port is taken) after the teacher was created: the generated
   password was already printed and kept root-only, and the re-run says where it is.
2. With the port free, ``--supervisor`` runs the hub under a supervisord of this test's own
   (config and socket below the prefix); the teacher logs in through the hub form with the
   printed password, which removes the kept copy; after a "reboot" of supervisord the hub
   answers again; ``classroom`` is on root's PATH; ``--uninstall`` removes the link and the
   supervisor program.
Users are named ``clt`` + random letters and removed at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .test_installer import BOOTSTRAP, ROOT, _login, _out, free_ports
from .users_fixture import remove_test_users, system_user_prefix

pytestmark = [pytest.mark.real, pytest.mark.slow]

SUPERVISORD_CONF = """\
[unix_http_server]
file={prefix}/run/supervisor.sock
chmod=0700
[supervisord]
logfile={prefix}/var/log/supervisord.log
pidfile={prefix}/run/supervisord.pid
childlogdir={prefix}/var/log
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{prefix}/run/supervisor.sock
[include]
files = {prefix}/etc/supervisor/conf.d/*.conf
"""


class Host:
    def __init__(self, prefix: Path, wheel: Path, admin: str) -> None:
        self.prefix = prefix
        self.wheel = wheel
        self.admin = admin
        self.port, self.hub_api_port, self.proxy_api_port, self.service_port = free_ports(4)

    def run(self, *extra: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
        argv = ["bash", str(BOOTSTRAP), "--prefix", str(self.prefix), "--admin", self.admin,
                "--port", str(self.port), "--hub-api-port", str(self.hub_api_port),
                "--proxy-api-port", str(self.proxy_api_port),
                "--service-port", str(self.service_port), "--package", str(self.wheel), *extra]
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,  # noqa: S603
                              check=False)

    @property
    def kept(self) -> Path:
        return self.prefix / "var/lib/jupyterhub-classroom/first-login" / self.admin

    @property
    def supervisord_conf(self) -> Path:
        return self.prefix / "etc/supervisor/supervisord.conf"

    def ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["supervisorctl", "-c", str(self.supervisord_conf), *args],  # noqa: S603,S607
                              capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    if os.geteuid() != 0:
        pytest.skip("the installer needs root")
    if shutil.which("supervisord") is None:
        pytest.skip("apt-get install supervisor")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = out.glob("jupyterlab_classroom-*.whl")
    base = Path(tempfile.mkdtemp(prefix="clt-firstrun-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    h = Host(base / "host", wheel, system_user_prefix())
    h.prefix.mkdir(mode=0o755)
    try:
        yield h
    finally:
        pidfile = h.prefix / "run/supervisord.pid"
        if pidfile.exists():  # only the supervisord this test started
            try:
                pid = int(pidfile.read_text().strip())
                os.kill(pid, signal.SIGTERM)
                for _ in range(60):
                    os.kill(pid, 0)
                    time.sleep(0.5)
            except (ProcessLookupError, ValueError):
                pass
        remove_test_users([h.admin])
        shutil.rmtree(base, ignore_errors=True)


def test_password_survives_a_hub_that_cannot_start(host: Host) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("0.0.0.0", host.port))  # noqa: S104 - as the hub would
        taken.listen()
        proc = host.run("--skip-jars")
        assert proc.returncode == 1, _out(proc)
        out = proc.stdout + proc.stderr
        m = re.search(rf"Password of {host.admin}: (\S+)", proc.stdout)
        assert m, _out(proc)
        password = m.group(1)
        # printed before the hub start failed, which names the port and what to do
        assert proc.stdout.index(m.group(0)) < out.index(f"Port {host.port} (--port) is taken")
        assert "re-run with --port" in out
        assert host.kept.read_text() == password + "\n"
        assert stat.S_IMODE(host.kept.stat().st_mode) == 0o600
        assert stat.S_IMODE(host.kept.parent.stat().st_mode) == 0o700
        log = (host.prefix / "var/log/jupyterhub-classroom/install.log").read_text()
        assert password not in log
        # without systemd no unit is written, and the step says so
        assert "Hub service … skipped: systemd is not running" in proc.stdout
        assert not (host.prefix / "etc/systemd/system/jupyterhub.service").exists()

        again = host.run("--skip-jars")
        assert again.returncode == 1, _out(again)
        assert "Teacher account … nothing to change" in again.stdout
        assert (f"{host.admin} has not logged in yet; the generated password is in "
                f"{host.kept} (root only): sudo cat {host.kept}") in again.stdout
        assert password not in again.stdout + again.stderr
    host.password = password  # type: ignore[attr-defined]


def test_supervisor_keeps_the_hub_running_and_the_first_login_forgets_the_password(
    host: Host,
) -> None:
    password = host.password  # type: ignore[attr-defined]
    (host.prefix / "run").mkdir(exist_ok=True)
    host.supervisord_conf.parent.mkdir(parents=True, exist_ok=True)
    host.supervisord_conf.write_text(SUPERVISORD_CONF.format(prefix=host.prefix))
    proc = host.run("--skip-jars", "--supervisor")  # starts supervisord (not running yet)
    assert proc.returncode == 0, _out(proc)
    assert "OK   hub answers" in proc.stdout and "OK   classroom service answers" in proc.stdout
    assert "under supervisor" in proc.stdout
    # supervisord says RUNNING once the program has stayed up for startsecs (5 s); the hub
    # may answer before that
    deadline = time.monotonic() + 30
    status = host.ctl("status", "jupyterhub").stdout
    while "RUNNING" not in status and "STARTING" in status and time.monotonic() < deadline:
        time.sleep(0.5)
        status = host.ctl("status", "jupyterhub").stdout
    assert "RUNNING" in status, status
    # classroom on root's PATH
    link = host.prefix / "usr/local/sbin/classroom"
    assert os.readlink(link) == str(host.prefix / "opt/jupyterhub-venv/bin/classroom")
    assert subprocess.run([str(link), "--help"], capture_output=True,  # noqa: S603
                          timeout=120, check=False).returncode == 0

    url = f"http://127.0.0.1:{host.port}"
    _login(url, host.admin, password)
    assert not host.kept.exists()  # the first login removed the kept copy
    again = host.run("--skip-jars", "--supervisor")
    assert again.returncode == 0, _out(again)
    assert "has not logged in yet" not in again.stdout

    # a "reboot": supervisord goes down with the hub and comes back with it
    assert host.ctl("shutdown").returncode == 0
    deadline = time.monotonic() + 60
    while (host.prefix / "run/supervisor.sock").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    subprocess.run(["supervisord", "-c", str(host.supervisord_conf)], check=True,  # noqa: S603,S607
                   timeout=60)
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{url}/hub/api", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, host.ctl("status").stdout
        time.sleep(1)

    proc = host.run("--uninstall")
    assert proc.returncode == 0, _out(proc)
    assert not link.is_symlink()
    assert not (host.prefix / "etc/supervisor/conf.d/jupyterhub.conf").exists()
    assert "jupyterhub" not in host.ctl("status").stdout
