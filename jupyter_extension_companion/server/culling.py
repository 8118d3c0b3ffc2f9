"""Kernel culling inside a student's server, from the teacher's idle timeouts.

The hub gives every server ``CLASSROOM_CULLING`` (the path of the teacher's ``culling.json``, see
:mod:`..provision.culling`). When the server extension loads, before the first kernel starts
(Jupyter Server starts its culler with the first kernel), the kernel manager gets
``cull_idle_timeout``, ``cull_interval`` and ``cull_connected`` from that file. A server started
outside a hub, or without the variable, keeps Jupyter's own defaults (no culling).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..provision.culling import read_timeouts_file


def apply_kernel_culling(server_app: Any) -> dict[str, Any]:
    """Set the kernel manager's culling traits from ``$CLASSROOM_CULLING``; returns what was set."""
    path = os.environ.get("CLASSROOM_CULLING")
    if not path:
        return {}
    traits = read_timeouts_file(Path(path)).kernel_manager_config()
    manager = getattr(server_app, "kernel_manager", None)
    if manager is None:
        return {}
    for name, value in traits.items():
        setattr(manager, name, value)
    if traits:
        server_app.log.info("jupyterlab-classroom: kernels idle %s s are culled",
                            traits["cull_idle_timeout"])
    return traits
