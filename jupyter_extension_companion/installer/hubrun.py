"""Running the installed hub without systemd: in the foreground, or briefly for the final check."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import IO

from ..paths import ClassroomPaths
from ..provision.errors import ClassroomError
from .checks import http_get


def hub_argv(paths: ClassroomPaths) -> list[str]:
    return [str(paths.venv / "bin" / "jupyterhub"), "-f", str(paths.hub_config)]


def hub_env(paths: ClassroomPaths) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{paths.venv / 'bin'}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    # The hub's own settings come from its config only, not from the caller's environment.
    for key in [k for k in env if k.startswith(("JUPYTERHUB_", "JUPYTER_", "CONFIGPROXY_"))]:
        env.pop(key)
    return env


def start_hub(paths: ClassroomPaths, log: IO[bytes] | None = None) -> subprocess.Popen[bytes]:
    """Start ``jupyterhub -f config`` in its own process group (the proxy and service follow)."""
    return subprocess.Popen(  # noqa: S603 - argv list
        hub_argv(paths),
        cwd=str(paths.state),
        env=hub_env(paths),
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
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "ab")  # noqa: SIM115
    os.chmod(path, 0o600)
    return f


__all__ = ["ClassroomError", "start_hub", "stop_hub", "wait_for_url", "run_foreground"]
