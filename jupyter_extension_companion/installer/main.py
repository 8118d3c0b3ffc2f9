"""``python -m jupyter_extension_companion.installer``: install (or uninstall) a classroom hub."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from ..provision import health
from ..provision.errors import ClassroomError
from ..provision.hub_process import ensure_log, run_foreground, start_hub, stop_hub, wait_for_url
from . import checks
from .engine import Context, Step, run_steps
from .options import Options, parse_options
from .state import load_state, update_state
from .steps_culling import IdleTimeoutsStep
from .steps_hub import AdoptStep, HubConfigStep, ServiceStep, manages_unit
from .steps_libs import JarsStep, KernelsStep
from .steps_python import LabDefaultsStep, PackagesStep, SharedPythonStep, VenvStep
from .steps_school import SchoolDefaultsStep
from .steps_system import (
    AdminAccountStep,
    AptStep,
    CommandLinkStep,
    FoldersStep,
    HostNameStep,
    ProxyStep,
    password_hint,
)
from .uninstall import uninstall_steps

SUPPORTED_OS = {("ubuntu", "24.04"), ("debian", "12")}


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip().strip('"')
    return out


def check_host(options: Options, os_release: dict[str, str] | None = None) -> None:
    """Refuse to run as a normal user or on an OS the installer was not made for."""
    if os.geteuid() != 0:
        raise ClassroomError("Run the installer as root (sudo).", code="not_root")
    info = os_release if os_release is not None else read_os_release()
    key = (info.get("ID", ""), info.get("VERSION_ID", ""))
    if key not in SUPPORTED_OS and not options.force_os:
        name = info.get("PRETTY_NAME") or "an unknown OS"
        raise ClassroomError(
            f"This installer supports Ubuntu 24.04 and Debian 12; this host runs {name}. "
            "Re-run with --force-os to try anyway.",
            code="unsupported_os",
        )


def defaults_steps() -> list[Step]:
    """The steps that set what every Lab on the host shows (``overrides.json``, ``school.json``):
    also run by the UI tests' hub (``ui-tests/start_hub.py``), so the Galata journeys see an
    installed host's defaults."""
    return [LabDefaultsStep(), SchoolDefaultsStep()]


def install_steps() -> list[Step]:
    return [
        AptStep(),
        HostNameStep(),
        ProxyStep(),
        AdoptStep(),
        FoldersStep(),
        VenvStep(),
        PackagesStep(),
        CommandLinkStep(),
        *defaults_steps(),
        SharedPythonStep(),
        JarsStep(),
        KernelsStep(),
        AdminAccountStep(),
        HubConfigStep(),
        IdleTimeoutsStep(),
        ServiceStep(),
    ]


def resume_command(options: Options) -> str:
    base = os.environ.get("CLASSROOM_BOOTSTRAP_COMMAND") or (
        "python -m jupyter_extension_companion.installer"
    )
    return " ".join([base, *(shlex.quote(a) for a in options.argv)])


def preflight(ctx: Context) -> None:
    """Checks that need no change: an admin must be known on a fresh host."""
    o = ctx.options
    if o.uninstall:
        return
    if o.supervisor and manages_unit(ctx):
        raise ClassroomError(
            "systemd runs on this host and runs the hub as jupyterhub.service: leave out "
            "--supervisor (it is for hosts without systemd).",
            code="supervisor_with_systemd",
        )
    state = load_state(ctx.paths)
    if not o.admin and not state.get("admin") and not ctx.paths.hub_config.exists():
        raise ClassroomError(
            "Give the teacher's account name with --admin NAME (it becomes the hub admin; the "
            "account is created with a generated password if it does not exist).",
            code="no_admin",
        )


def public_url(options: Options) -> str:
    """The URL to give students: the address of the default route when the hub listens on all."""
    host = options.ip
    if host in ("", "0.0.0.0", "::"):  # noqa: S104
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the source address
                host = s.getsockname()[0]
        except OSError:
            host = socket.getfqdn() or "localhost"
    return f"http://{host}:{options.port}"


def final_check(ctx: Context, out: IO[str], changed: bool = True) -> int:
    """Start (or find) the hub, check it, print the summary; run it on with --foreground."""
    o = ctx.options
    paths = ctx.paths
    api = f"http://127.0.0.1:{o.hub_api_port}/hub/api"
    local_url = o.hub_url
    proc = None
    started_here = False
    skip = False
    foreign = health.check_listener(api, "hub API")
    if foreign is not None:  # a student's listener must not pass for a running hub
        raise ClassroomError(f"{foreign.what}; {foreign.fix}", code="unverified_listener")
    already = health.http_get(api)[0] == 200
    if o.no_start:
        ctx.say("Not starting the hub (--no-start).")
    elif manages_unit(ctx):
        if o.foreground:
            ctx.say("systemd runs the hub on this host; --foreground is for hosts without it.")
        wait_for_url(api, timeout=90)
    elif o.supervisor:
        if not wait_for_url(api, timeout=120):
            hub_log = paths.log_dir / "jupyterhub.log"
            raise ClassroomError(
                f"the hub does not answer at {api} under supervisor; read {hub_log} and "
                "`supervisorctl status jupyterhub`, fix the cause and re-run the same command."
            )
    elif not changed and not o.foreground and not already and _checked_before(ctx):
        # Nothing changed since a run whose check passed; a hub started only to be stopped again
        # would add 10-20 s to every re-run on hosts without systemd.
        ctx.say(f"Nothing changed since the check of {load_state(paths)['checked']['time']}; "
                "not starting a temporary hub (use --foreground, or `classroom doctor` on a "
                "running hub).")
        skip = True
    elif already:
        if o.foreground:
            raise ClassroomError(f"a hub already answers at {api}; stop it before --foreground")
        if ctx.facts.get("hub_config_changed"):
            ctx.say("A hub is already running: restart it to load the new configuration.")
    else:
        problem = checks.start_blocker(o)
        if problem is not None:
            raise ClassroomError(problem)
        log = None if o.foreground else ensure_log(paths.log_dir / "jupyterhub.log")
        t0 = time.monotonic()
        proc = start_hub(paths, log=log)
        started_here = True
        answered = wait_for_url(api, proc, timeout=120)
        ctx.log(f"hub API answered after {time.monotonic() - t0:.1f} s")
        if not answered and _worth_a_second_start(ctx, proc):
            proc = start_hub(paths, log=log)
            answered = wait_for_url(api, proc, timeout=120)
        if not answered:
            code = proc.poll()
            stop_hub(proc)
            where = "above" if o.foreground else str(paths.log_dir / "jupyterhub.log")
            cause = checks.start_blocker(o)
            raise ClassroomError(
                f"the hub did not start (exit {code}); its log is {where}. "
                + (cause + " " if cause else "")
                + "Fix the cause and re-run the same command."
            )
    findings: list[health.Finding] = []
    if not o.no_start and not skip:
        findings = _check_running_hub(ctx, api, local_url, proc)
        if proc is not None and started_here and _worth_a_second_start(ctx, proc):
            # JupyterHub starts its managed services after its API answers, and exits when
            # one is silent for ~10 s (a busy host's first start): once more, then report.
            proc = start_hub(paths, log=log)
            if wait_for_url(api, proc, timeout=120):
                findings = _check_running_hub(ctx, api, local_url, proc)
        if proc is not None and proc.poll() is not None and not o.foreground:
            ctx.say(f"The hub stopped (exit {proc.returncode}); the end of its log:")
            for line in _tail(paths.log_dir / "jupyterhub.log", 15):
                ctx.say("  | " + line)
    findings.append(health.check_https(f"http://{o.ip}:{o.port}"))
    findings.append(health.check_port_protection({
        "hub API": o.hub_api_port, "proxy API": o.proxy_api_port,
        "classroom service": o.service_port}))
    public = health.check_public_port(f"http://{o.ip}:{o.port}")
    if public is not None:
        findings.append(public)
    kernels = _kernel_names(ctx)
    ok = all(f.level != "fail" for f in findings) and bool(kernels)
    ctx.say("")
    ctx.say("Check:")
    for f in findings:
        ctx.say("  " + f.line().replace("\n", "\n  "))
    ctx.say(f"  {'OK  ' if kernels else 'FAIL'} kernels: {', '.join(kernels) or 'none found'}")
    ctx.say("")
    admin = ctx.facts.get("admin")
    ctx.say("JupyterLab Classroom is " + ("installed." if ok else "installed, with problems (above)."))
    ctx.say(f"  URL:     {public_url(o)}")
    ctx.say(f"  Admin:   {admin}")
    password = ctx.facts.get("admin_password")
    if password:
        # Printed when it was set and once more here, never logged.
        out.write(f"  Password of {admin} (write it down): {password}\n")
        ctx.say(f"           (kept root-only in {ctx.facts.get('admin_password_file')} until "
                "the first login)")
    hint = password_hint(ctx)
    if hint:
        ctx.say(f"  Password: {hint}")
    ctx.say(f"  Log:     {ctx.log_path}")
    if o.supervisor:
        ctx.say("  Runs:    under supervisor (`supervisorctl status jupyterhub`), again after a")
        ctx.say("           reboot; log " + str(paths.log_dir / "jupyterhub.log"))
    elif not health.systemd_running() and not o.foreground:
        ctx.say("  systemd is not running on this host (a container?): the hub is not kept")
        ctx.say("  running. Re-run with --supervisor (background, again after a reboot) or")
        ctx.say("  --foreground (in this terminal).")
    ctx.say("  Next:    open the URL, log in as the admin, and open the Classroom sidebar (left)")
    ctx.say("           to add your students.")
    if not o.no_start and not skip:
        # only a passed check lets a later unchanged re-run skip the temporary hub
        checked = {"time": time.strftime("%Y-%m-%d %H:%M"),
                   "config": load_state(paths).get("hub_config_sha")} if ok else None
        update_state(paths, checked=checked)
    if proc is not None and o.foreground:
        ctx.say("The hub runs in the foreground; press Ctrl-C to stop it.")
        ctx.close_log()
        if ok:
            return run_foreground(proc)
        stop_hub(proc)
        return 1
    if proc is not None and started_here:
        t0 = time.monotonic()
        stop_hub(proc, whole_group=True)
        ctx.log(f"temporary hub stopped after {time.monotonic() - t0:.1f} s")
    return 0 if ok else 1


def _check_running_hub(
    ctx: Context, api: str, local_url: str, proc: subprocess.Popen[bytes] | None
) -> list[health.Finding]:
    """Hub API, proxy and service checks, repeated until all pass, the hub dies, or 45 s."""
    access = health.read_access(ctx.paths) or {}
    # The hub's API answers a moment before the proxy has its routes and the service is up.
    deadline = time.monotonic() + 45
    while True:
        findings = health.running_hub_findings(api, local_url, access)
        died = proc is not None and proc.poll() is not None
        ctx.log("checks: " + ", ".join(f.level for f in findings))
        if died or time.monotonic() > deadline or all(f.level == "ok" for f in findings):
            return findings
        time.sleep(1)


def _worth_a_second_start(ctx: Context, proc: subprocess.Popen[bytes]) -> bool:
    """True (once per run) when the hub we started has exited and nothing blocks a new start."""
    if proc.poll() is None or ctx.facts.get("hub_restarted"):
        return False
    if checks.start_blocker(ctx.options) is not None:
        return False
    ctx.facts["hub_restarted"] = True
    ctx.say(f"The hub stopped while starting (exit {proc.returncode}); starting it once more "
            "(a busy host can be slow to start the classroom service).")
    return True


def _checked_before(ctx: Context) -> bool:
    state = load_state(ctx.paths)
    checked = state.get("checked") or {}
    return bool(checked.get("config")) and checked.get("config") == state.get("hub_config_sha")


def _is_entry() -> bool:
    """True when this process was started as ``python -m jupyter_extension_companion.installer``."""
    main_module = sys.modules.get("__main__")
    return getattr(main_module, "__spec__", None) is not None and (
        main_module.__spec__.name == "jupyter_extension_companion.installer.__main__"  # type: ignore[union-attr]
    )


def _tail(path: Path, n: int) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:]
    except OSError:
        return []


def _kernel_names(ctx: Context) -> list[str]:
    try:
        return health.installed_kernels(ctx.paths)
    except Exception as e:  # noqa: BLE001 - the summary reports, it does not crash
        ctx.log(f"listing kernels failed: {e}")
        return []


def main(argv: list[str] | None = None, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    argv = list(sys.argv[1:] if argv is None else argv)
    if os.environ.get("PYTHONHASHSEED") != "0" and _is_entry():
        # provision.hubconfig renders Python sets (admin_users, allowed_users) with repr(), whose
        # order follows the per-process string hash: without a fixed seed a re-run would rewrite
        # an unchanged config. Fixed for this process only (popped below: the hub it starts
        # keeps hash randomisation).
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, "-m", "jupyter_extension_companion.installer",
                                   *argv], env)
    os.environ.pop("PYTHONHASHSEED", None)
    # bootstrap.sh may run us from a checkout through PYTHONPATH; it is already on sys.path, and
    # must not leak into pip, the kernels or the hub started below.
    os.environ.pop("PYTHONPATH", None)
    try:
        options = parse_options(argv)
        check_host(options)
    except ClassroomError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    log_path = options.paths.log_dir / ("uninstall.log" if options.uninstall else "install.log")
    ctx = Context(options, options.paths, out=out, log_path=log_path, dry_run=options.dry_run)
    try:
        preflight(ctx)
    except ClassroomError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    if options.pip_index_url:
        # every pip the steps run (ours and provision/'s) uses the same index
        os.environ["PIP_INDEX_URL"] = options.pip_index_url
    ctx.open_log()
    ctx.log(f"installer started: {argv}")
    created = os.environ.pop("CLASSROOM_BOOTSTRAP_CREATED_VENV", None)
    if created and Path(created) == options.paths.venv and not options.dry_run:
        update_state(options.paths, venv_created=True)
    mode = "Uninstalling" if options.uninstall else "Installing"
    if options.dry_run:
        mode = f"Dry run ({mode.lower()}), nothing will change"
    ctx.say(f"{mode}: JupyterLab Classroom")
    started = time.monotonic()
    if options.uninstall:
        ctx.facts["uninstall_state"] = load_state(options.paths)
    steps = uninstall_steps() if options.uninstall else install_steps()
    report = run_steps(ctx, steps, resume_command(options))
    elapsed = time.monotonic() - started
    try:
        if not options.uninstall and not options.dry_run and (hint := password_hint(ctx)):
            # said before anything else can fail: a teacher who missed it is never locked out
            ctx.say(hint)
        if not report.ok:
            return 1
        if options.dry_run:
            n = sum(1 for o in report.outcomes if o.status == "planned")
            ctx.say(f"Dry run: {n} step(s) would change something; nothing was changed.")
            return 0
        verdict = "changes made" if report.changed else "nothing to change"
        ctx.say(f"All {len(steps)} steps finished in {elapsed:.1f} s ({verdict}).")
        if options.uninstall:
            ctx.say("Kept: /home, the archives and the audit log; apt packages stay installed.")
            return 0
        try:
            return final_check(ctx, out, changed=report.changed)
        except ClassroomError as e:
            ctx.say(f"error: {e.message}")
            return 1
    finally:
        ctx.close_log()
