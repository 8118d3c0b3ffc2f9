"""Checks before the installer starts a hub: a taken port, a host name that does not resolve.

The checks of a running host (shared with ``classroom doctor``) are in ``provision/health.py``.
"""

from __future__ import annotations

import socket
from typing import Any


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
