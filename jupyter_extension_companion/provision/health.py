"""The health of a classroom host: the one set of checks behind ``classroom doctor``
(:func:`diagnose`) and the installer's final check (:func:`running_hub_findings`,
:func:`installed_kernels`, the port and https checks).

Each check returns a :class:`Finding`: ``ok``, ``warn`` or ``fail``, what was seen, and what to do.
No check sends a token or a password: liveness is an unauthenticated GET, and only after the
listener was found to be run by root (:mod:`..provision.listeners`).
"""

from __future__ import annotations

import ipaddress
import json
import os
import pwd
import shutil
import stat
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..paths import ClassroomPaths
from . import listeners
from .commands import run
from .errors import ClassroomError

SERVICE_NAME = "classroom"
MIN_FREE_FAIL = 500 * 1024 * 1024
MIN_FREE_WARN = 2 * 1024 * 1024 * 1024


@dataclass
class Finding:
    level: str  # "ok" | "warn" | "fail"
    what: str
    fix: str = ""

    def line(self) -> str:
        label = {"ok": "OK  ", "warn": "WARN", "fail": "FAIL"}[self.level]
        text = f"{label} {self.what}"
        if self.fix and self.level != "ok":
            text += f"\n       fix: {self.fix}"
        return text


def http_get(url: str, timeout: float = 5,
             headers: dict[str, str] | None = None) -> tuple[int | None, bytes]:
    """(status, body) of a GET without credentials; status None if nothing answered."""
    req = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - URLs we built
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read() if e.fp else b""
    except (urllib.error.URLError, OSError, TimeoutError):
        return None, b""


def read_access(paths: ClassroomPaths) -> dict | None:
    try:
        data = json.loads(paths.hub_access.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_listener(url: str, what: str) -> Finding | None:
    """A ``fail`` when another account (a student?) listens at ``url``; None if root or nobody."""
    try:
        listeners.verify_listener(url, what)
    except listeners.UnverifiedListener as exc:
        if exc.uid is None:
            return None  # not a loopback URL: not ours to check
        return Finding(
            "fail",
            f"{what} at {url} is run by account {listeners.owner_name(exc.uid or 0)!r} "
            f"(uid {exc.uid}), not root: a local user may be waiting for tokens or passwords",
            "stop that process (`ss -ltnp` shows it), then start the hub "
            "(`systemctl restart jupyterhub`)",
        )
    except ClassroomError:
        return None  # nothing listens: the liveness check says so
    return None


def internal_ports(access: dict) -> dict[str, int]:
    """name -> port of the internal listeners named in ``paths.hub_access``."""
    out = {}
    for key, name in (("api_url", "hub API"), ("proxy_api_url", "proxy API"),
                      ("service_url", "classroom service")):
        try:
            port = urlsplit(str(access.get(key) or "")).port
        except ValueError:
            port = None
        if port:
            out[name] = port
    return out


def check_port_protection(ports: dict[str, int]) -> Finding:
    """Internal ports (name -> port) must be below ``ip_unprivileged_port_start``."""
    start = listeners.unprivileged_port_start()
    open_to_all = {name: port for name, port in ports.items() if port >= start}
    if not open_to_all:
        return Finding("ok", f"internal ports {', '.join(map(str, ports.values()))} can only be "
                             f"bound by root (unprivileged ports start at {start})")
    named = ", ".join(f"{name} {port}" for name, port in open_to_all.items())
    if start < 1024:
        fix = (f"this host lets every user bind ports from {start} on (containers often do): "
               "`sysctl -w net.ipv4.ip_unprivileged_port_start=1024` and put it in "
               "/etc/sysctl.d/ (or the container's settings)")
    else:
        fix = ("re-run the installer without --hub-api-port/--proxy-api-port/--service-port "
               "(the defaults are below 1024)")
    return Finding(
        "warn",
        f"any local user can listen on {named} while the hub is down (the hub's own clients "
        "verify the listener, the proxy and students' servers do not)",
        fix,
    )


def check_public_port(bind_url: str) -> Finding | None:
    """A warning when a student could take the public port (a fake login page)."""
    port = urlsplit(bind_url).port or 80
    start = listeners.unprivileged_port_start()
    if port < start:
        return None
    return Finding(
        "warn",
        f"the public port {port} can be taken by any local user while the hub is down, who "
        "could then show a fake login page",
        "serve the hub through nginx on 443 (install/nginx/README.md) with the hub itself on a "
        "loopback port below 1024 (e.g. --ip 127.0.0.1 --port 880), or use --port 80",
    )


def check_hub_api(api_url: str) -> Finding:
    """The hub's own REST API answers (``/hub/api`` gives its version), run by root."""
    foreign = check_listener(api_url, "hub API")
    if foreign is not None:
        return foreign
    status, body = http_get(api_url.rstrip("/"))
    if status == 200:
        try:
            version = json.loads(body).get("version", "?")
        except ValueError:
            version = "?"
        return Finding("ok", f"hub answers at {api_url} (JupyterHub {version})")
    return Finding(
        "fail",
        f"hub does not answer at {api_url} (status {status})",
        "start it: `systemctl start jupyterhub` (log: `journalctl -u jupyterhub`); without "
        "systemd `supervisorctl start jupyterhub` (--supervisor) or the installer with "
        "--foreground (log: /var/log/jupyterhub-classroom/jupyterhub.log)",
    )


def check_proxy(hub_url: str, proxy_api_url: str = "") -> Finding:
    """The public URL answers through configurable-http-proxy, run by root."""
    for url, what in ((hub_url, "public proxy"), (proxy_api_url, "proxy API")):
        foreign = check_listener(url, what) if url else None
        if foreign is not None:
            return foreign
    status, _ = http_get(hub_url.rstrip("/") + "/hub/api")
    if status == 200:
        return Finding("ok", f"proxy answers at {hub_url}")
    return Finding(
        "fail",
        f"nothing answers at {hub_url} (status {status})",
        "check that configurable-http-proxy is installed (`npm install -g configurable-http-proxy`)"
        " and that the port is free",
    )


def check_service(hub_url: str, service_url: str = "", service_host: str = "") -> Finding:
    """The classroom service answers through the proxy (any answer but 404/5xx), run by root.

    No token is sent: an answer at all (401/403 included) shows that it is up. With per-user
    subdomains the proxy routes the service by host name: ``service_host`` (from the hub access
    file) is sent as the ``Host`` header.
    """
    foreign = check_listener(service_url, "classroom service") if service_url else None
    if foreign is not None:
        return foreign
    url = f"{hub_url.rstrip('/')}/services/{SERVICE_NAME}/api/v1/openapi.json"
    status, _ = http_get(url, headers={"Host": service_host} if service_host else None)
    if status is not None and status < 500 and status != 404:
        return Finding("ok", f"classroom service answers ({status})")
    return Finding(
        "fail",
        f"classroom service does not answer at {url} (status {status})",
        "look at the hub's log for the service's error; re-run the installer",
    )


def readable_by(path: Path, uid: int, gids: set[int]) -> bool:
    """Whether ``uid`` (with groups ``gids``) may read ``path`` and enter every folder above it."""
    path = Path(path)
    parts = [*reversed(path.parents), path]
    for i, part in enumerate(parts):
        try:
            st = part.stat()
        except OSError:
            return False
        last = i == len(parts) - 1
        need = 0o4 if last and not stat.S_ISDIR(st.st_mode) else 0o1
        if last and stat.S_ISDIR(st.st_mode):
            need = 0o5
        if st.st_uid == uid:
            bits = (st.st_mode >> 6) & 0o7
        elif st.st_gid in gids:
            bits = (st.st_mode >> 3) & 0o7
        else:
            bits = st.st_mode & 0o7
        if bits & need != need:
            return False
    return True


def student_identity() -> tuple[int, set[int]]:
    """An unprivileged identity to check with (``nobody``)."""
    try:
        pw = pwd.getpwnam("nobody")
        return pw.pw_uid, {pw.pw_gid}
    except KeyError:
        return 65534, {65534}


def check_jars_readable(paths: ClassroomPaths) -> Finding:
    uid, gids = student_identity()
    java = paths.java_libs
    if not java.is_dir():
        return Finding("fail", f"{java} is missing", "re-run the installer")
    jars = sorted(java.glob("*.jar"))
    if not jars:
        return Finding("warn", f"no jars in {java}", "re-run the installer (Paho and Gson)")
    bad = [j for j in jars if not readable_by(j, uid, gids)]
    if bad:
        return Finding(
            "fail",
            f"{len(bad)} of {len(jars)} jars are not readable by a student: "
            + ", ".join(b.name for b in bad[:5]),
            f"chmod a+r {java}/*.jar and chmod a+rx on the folders above",
        )
    return Finding("ok", f"{len(jars)} jars in {java} readable by a student")


def check_libs_permissions(paths: ClassroomPaths) -> Finding:
    """Shared folders: readable by all, writable by nobody but root (no planted jars)."""
    problems = []
    for folder in (paths.libs, paths.java_libs, paths.python_libs, paths.r_libs):
        try:
            st = folder.stat()
        except OSError:
            problems.append(f"{folder} missing")
            continue
        if st.st_mode & 0o005 != 0o005:
            problems.append(f"{folder} not readable by all")
        if st.st_mode & 0o022:
            problems.append(f"{folder} writable by group/others")
        if st.st_uid != 0:
            problems.append(f"{folder} not owned by root")
    if problems:
        return Finding(
            "fail",
            "shared library folders: " + "; ".join(problems),
            f"chown -R root:root {paths.libs} && chmod -R go-w,a+rX {paths.libs} (or re-run the "
            "installer)",
        )
    return Finding("ok", f"{paths.libs} readable by all, writable only by root")


def check_disk(paths: ClassroomPaths) -> list[Finding]:
    out = []
    seen = set()
    for folder in (paths.home_root, paths.state, paths.libs):
        probe = folder
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        st = os.stat(probe)
        if st.st_dev in seen:
            continue
        seen.add(st.st_dev)
        free = shutil.disk_usage(probe).free
        gib = free / 1024**3
        if free < MIN_FREE_FAIL:
            out.append(Finding("fail", f"only {gib:.2f} GiB free for {folder}", "free disk space"))
        elif free < MIN_FREE_WARN:
            out.append(Finding("warn", f"only {gib:.1f} GiB free for {folder}", "free disk space"))
        else:
            out.append(Finding("ok", f"{gib:.1f} GiB free for {folder}"))
    return out


def _is_loopback(host: str | None) -> bool:
    if not host or host in ("0.0.0.0", "::"):  # noqa: S104 - what we look for
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_https(bind_url: str, nginx_site: Path | None = None) -> Finding:
    """Plain http on a non-loopback address sends passwords in clear text."""
    parts = urlsplit(bind_url)
    if parts.scheme == "https":
        return Finding("ok", f"hub served over HTTPS ({bind_url})")
    if _is_loopback(parts.hostname):
        if nginx_site is not None and nginx_site.exists():
            return Finding("ok", f"hub on loopback ({bind_url}) behind {nginx_site}")
        return Finding("ok", f"hub only on loopback ({bind_url})")
    return Finding(
        "warn",
        f"hub served over plain http on {parts.hostname or 'all addresses'}:{parts.port} — "
        "passwords cross the network unencrypted",
        "put the nginx site from install/nginx/ in front (TLS) and re-run the installer with "
        "--ip 127.0.0.1",
    )


NGINX_SITE = Path("/etc/nginx/sites-enabled/jupyterhub-classroom")


def systemd_running() -> bool:
    """True when systemd is PID 1 (what ``sd_booted()`` checks)."""
    return Path("/run/systemd/system").is_dir()


def running_hub_findings(api_url: str, hub_url: str, access: dict) -> list[Finding]:
    """Hub API, proxy (the public URL) and classroom service, each only after its listener was
    found to be run by root."""
    return [check_hub_api(api_url), *_proxy_and_service(hub_url, access)]


def _proxy_and_service(hub_url: str, access: dict) -> list[Finding]:
    return [
        check_proxy(hub_url, access.get("proxy_api_url", "")),
        check_service(hub_url, access.get("service_url", ""), access.get("service_host", "")),
    ]


def installed_kernels(paths: ClassroomPaths) -> list[str]:
    """The kernelspecs students get (none shadowed)."""
    from .kernels import KernelCatalog

    return [k.name for k in KernelCatalog(paths).list() if not k.shadowed]


def kernel_findings(
    paths: ClassroomPaths, timeout: float, spawner_env: dict[str, str] | None = None
) -> list[Finding]:
    """Every kernel students get, started as a throwaway with a smoke cell."""
    from .kernels import KernelCatalog

    catalog = KernelCatalog(paths)
    if spawner_env:
        # test with the environment this hub's config really gives students' servers
        catalog.spawner_env = {k: v for k, v in spawner_env.items()
                               if k != "CLASSROOM_SERVICE_URL"}
    names = [k.name for k in catalog.list() if not k.shadowed]
    if not names:
        return [Finding("fail", "no kernels installed", "re-run the installer")]
    out = []
    for name in names:
        result = catalog.test(name, timeout=timeout)
        if result.ok:
            out.append(Finding(
                "ok", f"kernel {name} starts in {result.seconds_to_ready:.1f} s and runs a cell"))
        else:
            out.append(Finding(
                "fail", f"kernel {name} does not work: {result.error}",
                f"`classroom kernels test {name}` shows the details; reinstall it with the "
                "installer or `classroom kernels install`"))
    return out


def capacity_finding(paths: ClassroomPaths) -> Finding:
    """How many active students with Java this host carries (provision/capacity.py)."""
    from .capacity import estimate

    cap = estimate(paths)
    if cap.students < 10:
        return Finding("warn", cap.sentence(),
                       "give the host more memory, or lower the idle timeouts "
                       "(`classroom culling set`) so that idle kernels free theirs")
    return Finding("ok", cap.sentence())


def systemd_unit_finding() -> Finding | None:
    """The state of ``jupyterhub.service`` (None without systemd)."""
    if not systemd_running():
        return None
    state = run(["systemctl", "is-active", "jupyterhub.service"], check=False).stdout.strip()
    if state == "active":
        return Finding("ok", "systemd unit jupyterhub.service is active")
    return Finding("fail", f"jupyterhub.service is {state or 'unknown'}",
                   "systemctl start jupyterhub; journalctl -u jupyterhub")


def _read_config(paths: ClassroomPaths) -> Any:  # -> OldConfig | None
    """What the hub config says (read in a sandboxed process), or None if it does not run."""
    from .existing_hub import read_old_config

    try:
        return read_old_config(paths.hub_config)
    except Exception:  # noqa: BLE001 - reported by the other checks instead
        return None


def diagnose(paths: ClassroomPaths, kernels: bool = True, timeout: float = 120) -> list[Finding]:
    """Every finding about the host at ``paths`` (nothing is changed)."""
    found: list[Finding] = []
    if not paths.hub_config.is_file():
        found.append(Finding("fail", f"no hub config at {paths.hub_config}",
                             "run the installer (sudo bash install/bootstrap.sh)"))
    access = read_access(paths)
    if access is None:
        found.append(Finding("fail", f"{paths.hub_access} is missing or unreadable",
                             "run the installer (as root)"))
    else:
        hub = check_hub_api(access.get("api_url", ""))
        found.append(hub)
        if hub.level == "ok":
            found.extend(_proxy_and_service(access.get("hub_url", ""), access))
        found.append(check_port_protection(internal_ports(access)))
    unit = systemd_unit_finding()
    if unit is not None:
        found.append(unit)
    config = _read_config(paths) if paths.hub_config.is_file() else None
    if kernels:
        found.extend(kernel_findings(paths, timeout, config.environment if config else None))
    found.append(check_jars_readable(paths))
    found.append(check_libs_permissions(paths))
    found.extend(check_disk(paths))
    found.append(capacity_finding(paths))
    if config is not None and config.bind_url:
        found.append(check_https(config.bind_url, NGINX_SITE))
        public = check_public_port(config.bind_url)
        if public is not None:
            found.append(public)
    return found
