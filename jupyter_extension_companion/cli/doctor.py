"""``classroom doctor``: check a running classroom host and say what to fix.

Checks: the hub's API, the proxy (the public URL), the classroom service (each only after its
listener was found to be run by root; no token is sent), that students cannot take those ports
while the hub is down, every kernel students
get (started as a throwaway with a smoke cell), the shared jars as an unprivileged user would see
them, the permissions of the shared library folders, free disk space, the systemd unit, and
whether passwords would cross the network over plain http. Exit status 1 if anything is broken.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..installer import checks
from ..installer.steps_hub import systemd_running
from ..paths import ClassroomPaths
from ..provision.commands import run

NGINX_SITE = Path("/etc/nginx/sites-enabled/jupyterhub-classroom")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom doctor``."""
    p = subparsers.add_parser("doctor", help="check this classroom host and say what to fix")
    p.add_argument("--no-kernels", action="store_true", help="skip starting the kernels")
    p.add_argument("--timeout", type=float, default=120, help="seconds per kernel test")
    p.set_defaults(func=cmd_doctor)


def _read_config(paths: ClassroomPaths):  # -> OldConfig | None
    """What the hub config says (read in a sandboxed process), or None if it does not run."""
    from ..installer.adopt import read_old_config

    try:
        return read_old_config(paths.hub_config)
    except Exception:  # noqa: BLE001 - reported by the other checks instead
        return None


def diagnose(paths: ClassroomPaths, kernels: bool = True, timeout: float = 120) -> list[checks.Finding]:
    """Every finding about the host at ``paths`` (nothing is changed)."""
    found: list[checks.Finding] = []
    if not paths.hub_config.is_file():
        found.append(checks.Finding("fail", f"no hub config at {paths.hub_config}",
                                    "run the installer (sudo bash install/bootstrap.sh)"))
    access = checks.read_access(paths)
    if access is None:
        found.append(checks.Finding("fail", f"{paths.hub_access} is missing or unreadable",
                                    "run the installer (as root)"))
    else:
        hub = checks.check_hub_api(access.get("api_url", ""))
        found.append(hub)
        if hub.level == "ok":
            found.append(checks.check_proxy(access.get("hub_url", ""),
                                            access.get("proxy_api_url", "")))
            found.append(checks.check_service(access.get("hub_url", ""),
                                              access.get("service_url", ""),
                                              access.get("service_host", "")))
        found.append(checks.check_port_protection(checks.internal_ports(access)))
    if systemd_running():
        state = run(["systemctl", "is-active", "jupyterhub.service"], check=False).stdout.strip()
        if state == "active":
            found.append(checks.Finding("ok", "systemd unit jupyterhub.service is active"))
        else:
            found.append(checks.Finding("fail", f"jupyterhub.service is {state or 'unknown'}",
                                        "systemctl start jupyterhub; journalctl -u jupyterhub"))
    config = _read_config(paths) if paths.hub_config.is_file() else None
    if kernels:
        found.extend(_kernel_findings(paths, timeout, config.environment if config else None))
    found.append(checks.check_jars_readable(paths))
    found.append(checks.check_libs_permissions(paths))
    found.extend(checks.check_disk(paths))
    found.append(capacity_finding(paths))
    if config is not None and config.bind_url:
        found.append(checks.check_https(config.bind_url, NGINX_SITE))
        public = checks.check_public_port(config.bind_url)
        if public is not None:
            found.append(public)
    return found


def capacity_finding(paths: ClassroomPaths) -> checks.Finding:
    """How many active students with Java this host carries (provision/capacity.py)."""
    from ..provision.capacity import estimate

    cap = estimate(paths)
    if cap.students < 10:
        return checks.Finding("warn", cap.sentence(),
                              "give the host more memory, or lower the idle timeouts "
                              "(`classroom culling set`) so that idle kernels free theirs")
    return checks.Finding("ok", cap.sentence())


def _kernel_findings(
    paths: ClassroomPaths, timeout: float, spawner_env: dict[str, str] | None
) -> list[checks.Finding]:

    from ..provision.kernels import KernelCatalog

    catalog = KernelCatalog(paths)
    if spawner_env:
        # test with the environment this hub's config really gives students' servers
        env = {k: v for k, v in spawner_env.items() if k != "CLASSROOM_SERVICE_URL"}
        catalog.spawner_env = env
    names = [k.name for k in catalog.list() if not k.shadowed]
    if not names:
        return [checks.Finding("fail", "no kernels installed", "re-run the installer")]
    out = []
    for name in names:
        result = catalog.test(name, timeout=timeout)
        if result.ok:
            out.append(checks.Finding(
                "ok", f"kernel {name} starts in {result.seconds_to_ready:.1f} s and runs a cell"))
        else:
            out.append(checks.Finding(
                "fail", f"kernel {name} does not work: {result.error}",
                f"`classroom kernels test {name}` shows the details; reinstall it with the "
                "installer or `classroom kernels install`"))
    return out


def cmd_doctor(args: argparse.Namespace) -> int:
    findings = diagnose(args.paths, kernels=not args.no_kernels, timeout=args.timeout)
    for f in findings:
        print(f.line())
    broken = [f for f in findings if f.level == "fail"]
    warned = [f for f in findings if f.level == "warn"]
    if broken:
        print(f"{len(broken)} problem(s) to fix, {len(warned)} warning(s).", file=sys.stderr)
        return 1
    print(f"All good ({len(warned)} warning(s)).")
    return 0
