"""Checks of a running classroom host, shared by the installer's final check and ``classroom doctor``.

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
import socket
import stat
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..paths import ClassroomPaths
from ..provision import listeners
from ..provision.errors import ClassroomError

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


def port_taken(host: str, port: int) -> bool:
    """True if something already listens on ``host:port`` (a bind test, nothing is sent)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        # like the proxy and the hub: a port in TIME_WAIT is free
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def hostname_problem(name: str | None = None) -> str | None:
    """Why the host name does not resolve, or None if it does."""
    name = name or socket.gethostname()
    try:
        socket.getaddrinfo(name, None)
    except (socket.gaierror, UnicodeError) as e:
        return f"the host name {name!r} does not resolve ({e})"
    return None


def start_blocker(options: Any) -> str | None:
    """One line on why a hub started now would fail (a taken port, an unknown name), or None."""
    listen_all = options.ip in ("", "0.0.0.0", "::")  # noqa: S104 - what we look for
    wanted = [
        ("--port", "0.0.0.0" if listen_all else options.ip, options.port),  # noqa: S104
        ("--hub-api-port", "127.0.0.1", options.hub_api_port),
        ("--proxy-api-port", "127.0.0.1", options.proxy_api_port),
        ("--service-port", "127.0.0.1", options.service_port),
    ]
    for flag, host, port in wanted:
        if port_taken(host, port):
            return (f"Port {port} ({flag}) is taken by another program (`ss -ltnp 'sport = "
                    f":{port}'` shows which): stop it, or re-run with {flag} ANOTHER_PORT.")
    if listen_all:
        problem = hostname_problem()
        if problem:
            name = socket.gethostname()
            return (f"{problem[0].upper()}{problem[1:]}: JupyterHub's proxy start connects to it "
                    f"when the hub listens on all addresses. Add `127.0.1.1 {name}` to /etc/hosts "
                    "(Debian's default; the installer does it unless --prefix is given), or re-run "
                    "with --ip 127.0.0.1.")
    return None
