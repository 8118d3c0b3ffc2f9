"""Start a real JupyterHub with the classroom extension and service for the Galata tests.

Run as root (PAM logins, useradd) with a Python that has this package installed:

    .venv/bin/python ui-tests/start_hub.py --state /tmp/classroom-ui-hub/state.json

It uses :class:`jupyter_extension_companion.provision.hub_process.HubLauncher` (the generated hub config from
``provision/hubconfig.py``, PAM, LocalProcessSpawner, configurable-http-proxy, the classroom
service, scratch state, free ports). The students' servers run as the students, so the hub's
venv must be usable by every account: if this Python lives under /root (pyenv), set
``CLASSROOM_HUB_VENV`` to a venv made with ``/usr/bin/python3 -m venv`` that has this package
installed (``pip install -e .``) - the launcher says so if it is needed.

What it does:
- checks that the venv has every package the installer puts on a host
  (``installer/steps_python.py:VENV_REQUIREMENTS``, the same list as the ``hub`` extra);
- picks this run's user prefix, ``clt`` + 5 random letters (unique to the run);
- applies an installed host's defaults with the installer's own steps
  (``installer/main.py:defaults_steps``: no news prompt, no Extension Manager for students, the
  owner of an opened server shown) where the installer writes them for the hub's venv
  (``{venv}/share/jupyter/lab/settings/overrides.json``, ``{venv}/share/jupyter/classroom/school.json``,
  the files this hub's service and the students' servers read); both files are put back as they
  were when the hub stops;
- starts the hub, creates the teacher ``<prefix>t`` (hub admin) with a random password;
- writes ``--state`` (JSON: url, prefix, teacher login, pid) and keeps running;
- on SIGTERM/SIGINT: removes every account whose name starts with the run's prefix (the
  teacher and the students the tests made: server stopped, hub user deleted, home archived into
  the scratch folder, account deleted), stops the hub and deletes the scratch folder. With
  ``CLASSROOM_UI_KEEP_LOGS=DIR`` the hub's log is copied to DIR first.

With ``CLASSROOM_UI_SUBDOMAINS=1`` the hub runs with per-user subdomains on
``http://hub.localhost:PORT`` (Chromium resolves ``*.localhost`` to loopback) and a student
``<prefix>s`` is made too (``subdomains.spec.ts``).

Nothing else on the host is touched (the venv's two settings files are restored).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pwd
import secrets
import shutil
import signal
import string
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jupyter_extension_companion.installer.engine import Context, run_steps
from jupyter_extension_companion.installer.main import defaults_steps
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.installer.steps_python import (
    VENV_REQUIREMENTS,
    installed_distributions,
    unsatisfied,
)
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.atomic import write_bytes_atomic
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.hub_process import HubLauncher, free_port
from jupyter_extension_companion.provision.school_defaults import school_file


def run_accounts(prefix: str) -> list[str]:
    """The system accounts of this run (the prefix is unique to it)."""
    return sorted(
        e.pw_name for e in pwd.getpwall() if e.pw_name.startswith(prefix) and e.pw_uid >= 1000
    )


def cleanup(launcher: HubLauncher, prefix: str) -> list[str]:
    """Remove this run's accounts through the Roster, then stop the hub; userdel what is left."""
    removed = run_accounts(prefix)
    if launcher.process is not None and launcher.process.poll() is None:
        roster = launcher.roster("ui-tests")
        for user in launcher.hub().list_users():
            name = user["name"]
            if name.startswith(prefix) and name not in removed:
                removed.append(name)
        for name in removed:
            try:
                roster.remove(name)
            except ClassroomError as exc:
                print(f"start_hub: could not remove {name}: {exc.message}", flush=True)
    launcher.stop()
    for name in run_accounts(prefix):  # whatever the Roster could not remove
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)  # noqa: S603,S607
        subprocess.run(["userdel", "--remove", "--", name], check=False,  # noqa: S603,S607
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import grp

    for group in grp.getgrall():  # this run's classes (unix groups named with the prefix)
        if group.gr_name.startswith(prefix) and group.gr_gid >= 1000:
            subprocess.run(["groupdel", "--", group.gr_name], check=False,  # noqa: S603,S607
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sorted(set(removed))


def apply_host_defaults(paths: ClassroomPaths) -> tuple[list[str], Callable[[], None]]:
    """Run the installer's defaults steps on ``paths`` (the hub's venv) as on a host; returns
    the steps' lines and a function that puts the files back as they were."""
    files = [paths.lab_settings_overrides, school_file(paths.venv)]
    before = {f: f.read_bytes() if f.exists() else None for f in files}

    def restore() -> None:
        for f, data in before.items():
            if data is None:
                f.unlink(missing_ok=True)
            elif not f.exists() or f.read_bytes() != data:
                write_bytes_atomic(f, data, mode=0o644)

    out = io.StringIO()
    report = run_steps(Context(parse_options([]), paths, out=out), defaults_steps(),
                       "ui-tests/start_hub.py")
    if not report.ok:
        restore()
        raise ClassroomError("the installer's defaults steps failed:\n" + out.getvalue())
    return out.getvalue().splitlines(), restore


def write_state(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True, type=Path, help="JSON file the tests read")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("start_hub.py must run as root (PAM logins and useradd).")

    prefix = "clt" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(5))
    teacher = prefix + "t"
    scratch = Path(tempfile.mkdtemp(prefix="classroom-ui-"))
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # As on a provisioned host, the service manages the kernels and Lab defaults that the
    # students' servers use (those of the hub's venv); jars and state stay in the scratch folder.
    subdomains = os.environ.get("CLASSROOM_UI_SUBDOMAINS") == "1"
    extra: dict = {}
    if subdomains:
        port = free_port()
        extra = {"port": port, "subdomain_host": f"http://hub.localhost:{port}"}
    launcher = HubLauncher(scratch, spawn_timeout=90, use_venv_paths=True, **extra)
    # The hub under test has at least what the installer puts on a host (its own list).
    missing = unsatisfied(VENV_REQUIREMENTS, installed_distributions(launcher.venv / "bin" / "python"))
    if missing:
        shutil.rmtree(scratch, ignore_errors=True)
        raise SystemExit(
            f"start_hub.py: {launcher.venv} lacks what the installer installs on a host: "
            f"{', '.join(missing)} (pip install -e '.[hub]')."
        )
    removed: list[str] = []
    restore_defaults: Callable[[], None] = lambda: None  # noqa: E731
    try:
        started = time.monotonic()
        # What an installed host shows (before the hub starts: servers read them at their start)
        defaults, restore_defaults = apply_host_defaults(launcher.paths)
        for line in defaults:
            print(f"start_hub: {line}", flush=True)
        launcher.start(timeout=args.timeout)
        password = secrets.token_urlsafe(12)
        launcher.roster("ui-tests").add(
            teacher, password=password, full_name="UI Test Teacher", teacher=True
        )
        state = {
            "ready": True,
            "url": launcher.settings.subdomain_host or launcher.url,
            "subdomains": subdomains,
            "prefix": prefix,
            "teacher": {"name": teacher, "password": password},
            "pid": os.getpid(),
            "scratch": str(scratch),
            "log": str(launcher.log_path),
            "startup_seconds": round(time.monotonic() - started, 1),
        }
        if subdomains:
            student_password = secrets.token_urlsafe(12)
            launcher.roster("ui-tests").add(prefix + "s", password=student_password)
            state["student"] = {"name": prefix + "s", "password": student_password}
        write_state(args.state, state)
        print(f"start_hub: ready at {launcher.url} (teacher {teacher}) in "
              f"{state['startup_seconds']} s", flush=True)
        while not stopping and launcher.process is not None and launcher.process.poll() is None:
            time.sleep(0.5)
        if not stopping:
            print("start_hub: the hub exited:\n" + launcher.log_tail(), flush=True)
    except ClassroomError as exc:
        print(f"start_hub: {exc.message}", flush=True)
        raise SystemExit(1) from exc
    finally:
        keep = os.environ.get("CLASSROOM_UI_KEEP_LOGS")
        try:
            removed = cleanup(launcher, prefix)
        finally:
            restore_defaults()
            print(f"start_hub: removed accounts {removed}", flush=True)
            if keep and launcher.log_path.exists():
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(launcher.log_path, Path(keep) / "jupyterhub.log")
            if args.state.exists():
                try:
                    data = json.loads(args.state.read_text())
                    data.update(ready=False, stopped=True, removed=removed)
                    write_state(args.state, data)
                except (OSError, ValueError):
                    pass
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
