"""The one place that runs a JupyterHub process: the installer (a host without systemd: in the
foreground, or briefly for the final check), the demo, the real tests and the benchmarks.

- :func:`start_hub` / :func:`wait_for_url` / :func:`stop_hub` / :func:`run_foreground`: the
  hub of a host's config (``paths.hub_config``), in its own process group.
- :class:`HubLauncher`: a real hub in a scratch folder on free ports (PAM, LocalProcessSpawner,
  configurable-http-proxy, the classroom service), for the demo, the tests and the benchmarks;
  it renders the config with :mod:`.hubconfig` and starts it with :func:`start_hub`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from ..paths import ClassroomPaths
from . import listeners
from .errors import ClassroomError
from .health import http_get
from .hubconfig import SERVICE_NAME, HubSettings, read_hub_access, write_hub_config


def hub_argv(paths: ClassroomPaths, venv: Path | None = None) -> list[str]:
    """``jupyterhub -f <config>`` of the venv (default: ``paths.venv``)."""
    return [str((venv or paths.venv) / "bin" / "jupyterhub"), "-f", str(paths.hub_config)]


def hub_env(paths: ClassroomPaths, venv: Path | None = None) -> dict[str, str]:
    """The hub's environment: the venv first on PATH, no JUPYTERHUB_/JUPYTER_ variables."""
    env = dict(os.environ)
    env["PATH"] = (f"{(venv or paths.venv) / 'bin'}:"
                   "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    # The hub's own settings come from its config only, not from the caller's environment.
    for key in [k for k in env if k.startswith(("JUPYTERHUB_", "JUPYTER_", "CONFIGPROXY_"))]:
        env.pop(key)
    return env


def start_hub(
    paths: ClassroomPaths,
    log: IO[bytes] | None = None,
    *,
    venv: Path | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``jupyterhub -f config`` in its own process group (the proxy and service follow)."""
    return subprocess.Popen(  # noqa: S603 - argv list
        hub_argv(paths, venv),
        cwd=str(cwd or paths.state),
        env=hub_env(paths, venv),
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
        start_new_session=True,
    )


def wait_for_url(
    url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 90
) -> bool:
    """Poll ``url`` until it answers 200; False on timeout or when ``proc`` ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        status, _ = http_get(url, timeout=2)
        if status == 200:
            return True
        time.sleep(0.3)
    return False


def stop_hub(proc: subprocess.Popen[bytes], timeout: float = 20, whole_group: bool = False) -> None:
    """SIGTERM the hub (it stops its proxy, service and servers), then its group if needed.

    ``whole_group`` signals the hub, its proxy and its service at once (a hub started only for
    the check: nothing to wind down, and it is seconds faster on a busy machine).
    """
    if proc.poll() is None:
        if whole_group:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        else:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if proc.poll() is None:
        proc.wait(timeout=5)


def run_foreground(proc: subprocess.Popen[bytes]) -> int:
    """Wait for the hub; Ctrl-C or SIGTERM stops it cleanly. Returns the hub's exit code."""

    def forward(signum: int, _frame: object) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            forward(signal.SIGINT, None)


def ensure_log(path: Path) -> IO[bytes]:
    """The hub's log file, opened for appending (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "ab")  # noqa: SIM115
    os.chmod(path, 0o600)
    return f


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
        from .hub_api import HubClient

        return HubClient(self.api_url, self.token, hub_url=self.url)

    def roster(self, actor: str = "demo") -> Any:
        """The Roster for this hub (system accounts in /home, state in the scratch folder)."""
        from .audit import AuditLog
        from .roster import Roster
        from .system_accounts import SystemAccounts

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
        with ensure_log(self.log_path) as log:  # the child keeps its own copy open
            self.process = start_hub(self.paths, log, venv=self.venv, cwd=hub_state)
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
        if proc is not None:
            stop_hub(proc, timeout=timeout)

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
