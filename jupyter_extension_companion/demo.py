"""``classroom demo``: a real JupyterHub from this Python environment with demo accounts.

The hub runs through :class:`.provision.hub_process.HubLauncher` (the same one the real tests
and the benchmarks use) on ``http://127.0.0.1:8000``, with a teacher and two students whose
names start with ``demo-``. :func:`run_demo` removes exactly the accounts it created when it is
stopped (Ctrl-C, SIGTERM or normal exit) and refuses to reuse an account it did not create.
"""

from __future__ import annotations

import atexit
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .provision.errors import ClassroomError
from .provision.hub_process import HubLauncher

DEMO_ACCOUNTS = (("demo-teacher", True), ("demo-student1", False), ("demo-student2", False))


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
