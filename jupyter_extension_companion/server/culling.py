"""Kernel culling inside a student's server, from the teacher's idle timeouts.

The hub reads the teacher's ``culling.json`` (:mod:`..provision.culling`) at each spawn and gives
the server ``CLASSROOM_KERNEL_IDLE_SECONDS`` (the student's server never reads a file of root's).
When the server extension loads, before the first kernel starts (Jupyter Server starts its culler
with the first kernel), the kernel manager gets ``cull_idle_timeout``, ``cull_interval`` and
``cull_connected`` from it. A server started outside a hub, or without the variable, keeps
Jupyter's own defaults (no culling).
"""

from __future__ import annotations

import os
from typing import Any

from ..provision.culling import IdleTimeouts, check_seconds
from ..provision.errors import ClassroomError


def apply_kernel_culling(server_app: Any) -> dict[str, Any]:
    """Set the kernel manager's culling traits from ``$CLASSROOM_KERNEL_IDLE_SECONDS``; returns
    what was set (nothing for a missing or bad value)."""
    value = os.environ.get("CLASSROOM_KERNEL_IDLE_SECONDS", "")
    if not value:
        return {}
    try:
        seconds = check_seconds("CLASSROOM_KERNEL_IDLE_SECONDS", int(value))
    except (ValueError, ClassroomError):
        server_app.log.warning("jupyterlab-classroom: ignoring CLASSROOM_KERNEL_IDLE_SECONDS=%r",
                               value)
        return {}
    traits = IdleTimeouts(kernel_idle_seconds=seconds).kernel_manager_config()
    manager = getattr(server_app, "kernel_manager", None)
    if manager is None:
        return {}
    for name, value in traits.items():
        setattr(manager, name, value)
    if traits:
        server_app.log.info("jupyterlab-classroom: kernels idle %s s are culled",
                            traits["cull_idle_timeout"])
    return traits
