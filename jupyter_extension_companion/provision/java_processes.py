"""The Java kernel processes running on this host, read from ``/proc`` (root sees everyone's):
which kernels must restart to see a changed class path."""

from __future__ import annotations

import os
import pwd
import time
from pathlib import Path
from typing import Any


def java_kernel_processes() -> list[dict[str, Any]]:
    """Java kernel processes on this host (needs root to see other users' processes fully)."""
    out: list[dict[str, Any]] = []
    proc = Path("/proc")
    try:
        entries = list(proc.iterdir())
    except OSError:
        return out
    boot = None
    for p in entries:
        if not p.name.isdigit():
            continue
        try:
            cmd = (p / "cmdline").read_bytes().split(b"\x00")
        except OSError:
            continue
        if not cmd or not cmd[0].endswith(b"java"):
            continue
        cmdline = " ".join(c.decode("utf-8", "replace") for c in cmd if c)
        if "jjava-launcher.jar" in cmdline:
            continue  # JJava's launcher: its child is the kernel
        try:
            st = p.stat()
            user = pwd.getpwuid(st.st_uid).pw_name
        except (OSError, KeyError):
            user = None
        try:
            if boot is None:
                boot = time.time() - float(Path("/proc/uptime").read_text().split()[0])
            ticks = int((p / "stat").read_text().rsplit(")", 1)[1].split()[19])
            started = time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(boot + ticks / os.sysconf("SC_CLK_TCK"))
            )
        except (OSError, ValueError, IndexError):
            started = None
        out.append({"pid": int(p.name), "cmdline": cmdline, "user": user, "started": started})
    return out
