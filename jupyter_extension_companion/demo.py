"""A real JupyterHub started from this Python environment: the demo, the real tests, the bench.

:class:`HubLauncher` renders the hub config with :mod:`.provision.hubconfig` into a scratch
folder (state, audit log and archives there too; homes stay in ``/home`` because PAM and the
spawner use the real account database), starts ``jupyterhub`` with ``configurable-http-proxy``
from ``PATH`` and the classroom service, and waits until the hub and the service answer.

:func:`run_demo` (``classroom demo``) uses it on ``http://127.0.0.1:8000`` with a teacher and two
students whose names start with ``demo-``; it removes exactly the accounts it created when it is
stopped (Ctrl-C, SIGTERM or normal exit) and refuses to reuse an account it did not create.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from .paths import ClassroomPaths
from .provision import listeners
from .provision.errors import ClassroomError
from .provision.hubconfig import SERVICE_NAME, HubSettings, read_hub_access, write_hub_config

DEMO_ACCOUNTS = (("demo-teacher", True), ("demo-student1", False), ("demo-student2", False))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def usable_by_everyone(path: Path) -> bool:
    """True if other users can reach and run ``path`` (every folder on the way o+x)."""
    real = Path(os.path.realpath(path))
    for part in [real, *real.parents]:
        try:
            if not part.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def hub_venv(students_spawn: bool = True) -> Path:
    """The environment that runs the hub, the service and the students' servers.

    The students' servers run as the students, so its Python must be executable by them: a
    venv made from a Python in a root-only folder (e.g. pyenv in /root) cannot be used; set
    ``CLASSROOM_HUB_VENV`` to one made with ``/usr/bin/python3 -m venv`` then.
    """
    configured = os.environ.get("CLASSROOM_HUB_VENV")
    venv = Path(configured) if configured else Path(sys.prefix)
    python = venv / "bin" / "python"
    stdlib = Path(os.path.realpath(python)).parent.parent / "lib"
    if students_spawn and not (usable_by_everyone(python) and usable_by_everyone(stdlib)):
        raise ClassroomError(
            f"{python} (-> {os.path.realpath(python)}) cannot be run by the students' accounts "
            "(a folder on the way is closed to others, e.g. /root). Make a venv with "
            "`/usr/bin/python3 -m venv VENV`, install this package into it, and set "
            "CLASSROOM_HUB_VENV=VENV (or run from that venv).",
            code="venv_not_shared", status=500)
    return venv


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class HubLauncher:
    """One real JupyterHub (PAM, LocalProcessSpawner, CHP, the classroom service)."""

    def __init__(
        self,
        workdir: Path,
        *,
        port: int | None = None,
        hub_port: int | None = None,
        proxy_api_port: int | None = None,
        service_port: int | None = None,
        admin_users: list[str] | None = None,
        log_level: str = "INFO",
        spawn_timeout: int = 60,
        students_spawn: bool = True,
        use_venv_paths: bool = False,
        subdomain_host: str = "",
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        # Others may pass through (shared libs below it); the state folder itself is root-only.
        os.chmod(self.workdir, 0o711)
        self.venv = hub_venv(students_spawn)
        paths = ClassroomPaths().with_prefix(self.workdir)
        # Homes stay in /home (PAM and the spawner read the real account database). With
        # use_venv_paths the venv's own kernels and Lab settings are used (the demo), so what
        # the teacher changes reaches the students; tests keep them in the scratch folder.
        paths = replace(paths, home_root=Path("/home"))
        self.paths = replace(paths, venv=self.venv) if use_venv_paths else paths
        proxy = shutil.which("configurable-http-proxy")
        if proxy is None:
            raise ClassroomError(
                "configurable-http-proxy is not on PATH: `npm install -g configurable-http-proxy`.",
                code="no_proxy",
            )
        self.port = port or free_port()
        self.settings = HubSettings(
            paths=self.paths,
            admin_users=list(admin_users or []),
            bind_url=f"http://127.0.0.1:{self.port}",
            hub_bind_url=f"http://127.0.0.1:{hub_port or free_port()}",
            proxy_api_port=proxy_api_port or free_port(),
            service_port=service_port or free_port(),
            venv=self.venv,
            proxy_command=[proxy],
            hub_state=self.workdir / "hub",
            log_level=log_level,
            spawn_timeout=spawn_timeout,
            subdomain_host=subdomain_host,
        )
        self.log_path = self.workdir / "jupyterhub.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.token = ""

    # ---- addresses -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.settings.public_url

    @property
    def api_url(self) -> str:
        return self.settings.hub_api_url

    @property
    def service_api(self) -> str:
        """The service's API root through the proxy (as a browser or script would call it)."""
        return f"{self.url}/services/{SERVICE_NAME}/api/v1"

    @property
    def _service_check_url(self) -> str:
        if self.settings.subdomain_host:  # the proxy routes the service by host name then
            return f"{self.settings.service_url}/services/{SERVICE_NAME}/api/v1"
        return self.service_api

    def hub(self) -> Any:
        """A :class:`HubClient` with the classroom service's token (hub admin rights)."""
        from .provision.hub_api import HubClient

        return HubClient(self.api_url, self.token, hub_url=self.url)

    def roster(self, actor: str = "demo") -> Any:
        """The Roster for this hub (system accounts in /home, state in the scratch folder)."""
        from .provision.audit import AuditLog
        from .provision.roster import Roster
        from .provision.system_accounts import SystemAccounts

        return Roster(hub=self.hub(), paths=self.paths, accounts=SystemAccounts(self.paths),
                      audit=AuditLog(self.paths.audit_log), actor=actor)

    # ---- life cycle ----------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> HubLauncher:
        """Write the config, start the hub, wait until hub API and service answer."""
        if os.geteuid() != 0:
            raise ClassroomError("A real hub with PAM logins needs root: run this with sudo.",
                                 code="not_root", status=403)
        if _port_in_use(self.port):
            raise ClassroomError(f"Port {self.port} is in use: stop what listens there first.",
                                 code="port_in_use", status=409)
        write_hub_config(self.settings)
        self.token = (read_hub_access(self.paths) or {})["token"]
        hub_state = self.settings.hub_state_dir
        hub_state.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '')}"
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(  # noqa: S603 - argv list
            [str(self.venv / "bin" / "jupyterhub"), "-f", str(self.paths.hub_config)],
            cwd=hub_state, stdout=log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ClassroomError(
                    f"JupyterHub exited (status {self.process.returncode}):\n{self.log_tail()}",
                    code="hub_failed", status=500)
            if self._answers(f"{self.api_url}/", self.token) and self._answers(
                f"{self._service_check_url}/openapi.json", None, ok=(403,)
            ):
                return self
            time.sleep(0.3)
        self.stop()
        raise ClassroomError(f"JupyterHub did not come up in {timeout:.0f} s:\n{self.log_tail()}",
                             code="hub_timeout", status=500)

    @staticmethod
    def _answers(url: str, token: str | None, ok: tuple[int, ...] = (200,)) -> bool:
        req = urllib.request.Request(url)
        if token:
            req.add_header("Authorization", f"token {token}")
        try:  # the token only over a connection root accepted (listeners.py)
            with listeners.opener().open(req, timeout=3) as r:
                return r.status in ok
        except urllib.error.HTTPError as e:
            return e.code in ok
        except (OSError, listeners.UnverifiedListener):
            return False

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the hub (it stops the servers, the service and the proxy it started)."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        try:  # anything of the hub's process group that outlived it (the proxy, the service)
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def __enter__(self) -> HubLauncher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- helpers for scripts -------------------------------------------------------------
    def user_token(self, name: str, note: str = "classroom", expires_in: int = 3600) -> str:
        """A new API token for hub user ``name`` (made with the service's admin rights)."""
        data = self.hub().request("POST", f"/users/{name}/tokens",
                                  {"note": note, "expires_in": expires_in})
        return str(data["token"])

    def wait_for_server(self, name: str, timeout: float = 90.0) -> dict:
        """Wait until ``name``'s default server is ready; returns the hub's user model."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.hub().get_user(name) or {}
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return model
            time.sleep(0.5)
        raise ClassroomError(f"{name}'s server did not start in {timeout:.0f} s:\n"
                             f"{self.log_tail()}", code="spawn_timeout", status=500)


def _account_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def run_demo(port: int = 8000, workdir: Path | None = None, *, keep_running: bool = True) -> int:
    """Start the demo hub with ``demo-teacher`` and two students; clean up on stop."""
    for name, _teacher in DEMO_ACCOUNTS:
        if _account_exists(name):
            raise ClassroomError(
                f"An account {name!r} exists already and was not made by this demo run; the "
                f"demo never reuses or removes accounts it did not create. Remove it yourself "
                f"(`classroom users remove {name}` or `userdel -r {name}`) and try again.",
                code="demo_account_exists", status=409)
    own_tmp = workdir is None
    work = Path(workdir or tempfile.mkdtemp(prefix="classroom-demo-"))
    launcher = HubLauncher(work, port=port, admin_users=[], use_venv_paths=True)
    created: list[str] = []
    cleaned = False

    def cleanup() -> None:
        nonlocal cleaned
        if cleaned:
            return
        cleaned = True
        for sig in (signal.SIGTERM, signal.SIGINT):  # a second Ctrl-C must not cut cleanup short
            signal.signal(sig, signal.SIG_IGN)
        print("\nStopping the demo: removing the demo accounts ...", flush=True)
        if launcher.process is not None:
            roster = launcher.roster()
            for name in reversed(created):
                try:
                    roster.remove(name)
                    print(f"  removed {name}", flush=True)
                except ClassroomError as e:
                    print(f"  could not remove {name}: {e.message}", file=sys.stderr)
        launcher.stop()
        for name in created:  # the hub was down: the accounts still go
            if _account_exists(name):
                subprocess.run(["userdel", "-r", name], check=False,  # noqa: S603,S607
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if own_tmp:
            shutil.rmtree(work, ignore_errors=True)
        print("Demo stopped.", flush=True)

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    atexit.register(cleanup)
    # Both explicitly: a process started in the background may inherit an ignored SIGINT.
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        print(f"Starting JupyterHub on {launcher.url} (log: {launcher.log_path}) ...", flush=True)
        launcher.start()
        roster = launcher.roster()
        credentials = []
        for name, teacher in DEMO_ACCOUNTS:
            created.append(name)
            creds = roster.add(name, full_name=name.replace("-", " ").title(), teacher=teacher)
            credentials.append((name, creds.password, teacher))
        print(f"\nJupyterLab Classroom demo is running: {launcher.url}\n")
        for name, password, teacher in credentials:
            role = "teacher (hub admin, has the Classroom sidebar)" if teacher else "student"
            print(f"  {name:15} password: {password}   {role}")
        print("\nStop with Ctrl-C: the demo accounts above are removed again.", flush=True)
        if not keep_running:
            return 0
        while launcher.process is not None and launcher.process.poll() is None:
            time.sleep(1)
        print("JupyterHub exited:\n" + launcher.log_tail(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cleanup()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        atexit.unregister(cleanup)


def demo_summary(launcher: HubLauncher) -> str:
    """One-line JSON about a running launcher (for scripts)."""
    return json.dumps({"url": launcher.url, "api_url": launcher.api_url,
                       "service": launcher.service_api})
