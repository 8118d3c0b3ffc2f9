"""The installer's idle-timeouts step: write ``culling.json`` (provision/culling.py).

A new host gets the lesson defaults (kernels 20 min, servers 60 min). On a re-run the teacher's
current setting (changed in the sidebar or with ``classroom culling``) is kept unless
``--kernel-idle-minutes``/``--server-idle-minutes`` are given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..provision.audit import INSTALLER
from ..provision.culling import IdleTimeouts, culling_file, read_timeouts, write_timeouts
from .engine import Context, Step


def wanted_timeouts(ctx: Context) -> IdleTimeouts:
    """The current setting (or the defaults) with the installer's options applied."""
    current = read_timeouts(ctx.paths)
    o = ctx.options
    return IdleTimeouts(
        kernel_idle_seconds=current.kernel_idle_seconds
        if o.kernel_idle_minutes is None else o.kernel_idle_minutes * 60,
        server_idle_seconds=current.server_idle_seconds
        if o.server_idle_minutes is None else o.server_idle_minutes * 60,
    )


@dataclass
class IdleTimeoutsStep(Step):
    """Idle kernels and servers are stopped after the teacher's timeouts."""

    title: str = "Idle timeouts"

    def plan(self, ctx: Context) -> list[str]:
        path = culling_file(ctx.paths)
        wanted = wanted_timeouts(ctx)
        if path.is_file() and read_timeouts(ctx.paths) == wanted:
            return []
        return [f"write {path} (kernels {wanted.kernel_idle_seconds // 60} min, "
                f"servers {wanted.server_idle_seconds // 60} min idle)"]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        return write_timeouts(ctx.paths, wanted_timeouts(ctx), actor=INSTALLER).message
