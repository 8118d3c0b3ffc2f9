"""Idle timeouts: free what idle students hold (kernels inside servers, then whole servers).

One small JSON file, :func:`culling_file` (``{hub_config_dir}/culling.json``, root writes it), is
the teacher's setting:

- ``kernel_idle_seconds``: each single-user server culls its own kernels idle that long
  (Jupyter Server's ``MappingKernelManager.cull_idle_timeout``): the hub reads this file at each
  spawn and passes the value in the server's environment; our server extension sets it before
  the first kernel starts (so a change reaches each student at their next server start). Connected kernels are culled too
  (``cull_connected``): a student who closed the laptop lid still has the tab "connected".
- ``server_idle_seconds``: the hub-managed ``idle-culler`` service (``jupyterhub-idle-culler``)
  stops servers whose last activity (requests, kernel activity) is older than that.
  :mod:`..service.culler` runs it and starts it again when this file changes, so a teacher's
  change takes effect within seconds, without a hub restart.

``0`` means "never cull". A culled student's notebooks are what Lab last saved: Lab autosaves
every 2 minutes by default and culling a kernel does not touch the notebook file at all.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .audit import SYSTEM, auditor_for
from .changes import Change
from .errors import ClassroomError

#: Defaults that suit a lesson: a kernel idle 20 minutes, a server idle an hour.
DEFAULT_KERNEL_IDLE_SECONDS = 20 * 60
DEFAULT_SERVER_IDLE_SECONDS = 60 * 60
#: At most a school week: anything longer is almost certainly a unit mistake.
MAX_IDLE_SECONDS = 7 * 24 * 3600
#: Below this the culler would cull a student who is reading a task sheet.
MIN_IDLE_SECONDS = 10


def culling_file(paths: ClassroomPaths) -> Path:
    """Where the idle timeouts live (read by the hub and the idle culler, both root)."""
    return paths.hub_config_dir / "culling.json"


@dataclass(frozen=True)
class IdleTimeouts:
    """The teacher's idle timeouts in seconds (0: never)."""

    kernel_idle_seconds: int = DEFAULT_KERNEL_IDLE_SECONDS
    server_idle_seconds: int = DEFAULT_SERVER_IDLE_SECONDS

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def kernel_cull_interval(self) -> int:
        """How often a server looks for idle kernels: a quarter of the timeout, 5 s to 5 min."""
        return _interval(self.kernel_idle_seconds)

    @property
    def server_cull_every(self) -> int:
        """How often the idle culler looks at the servers: a quarter of the timeout, 5 s to 5 min."""
        return _interval(self.server_idle_seconds)

    def kernel_manager_config(self) -> dict[str, Any]:
        """The ``MappingKernelManager`` traits for this setting (empty when kernels never cull)."""
        if not self.kernel_idle_seconds:
            return {}
        return {
            "cull_idle_timeout": self.kernel_idle_seconds,
            "cull_interval": self.kernel_cull_interval,
            "cull_connected": True,
        }

    def culler_argv(self, python: str) -> list[str] | None:
        """The ``jupyterhub_idle_culler`` command for this setting (None: servers never cull)."""
        if not self.server_idle_seconds:
            return None
        return [
            python, "-m", "jupyterhub_idle_culler",
            f"--timeout={self.server_idle_seconds}",
            f"--cull-every={self.server_cull_every}",
            # stop servers only; never delete hub users (they are the class roster)
            "--cull-users=False",
        ]


def _interval(timeout: int) -> int:
    return max(5, min(300, timeout // 4))


def check_seconds(name: str, value: object) -> int:
    """A timeout in whole seconds: 0 (never) or between 10 s and 7 days."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise ClassroomError(f"{name} must be a whole number of seconds (0: never), "
                             f"not {value!r}", code="bad_timeout")
    seconds = int(value)
    if seconds != 0 and not MIN_IDLE_SECONDS <= seconds <= MAX_IDLE_SECONDS:
        raise ClassroomError(
            f"{name} must be 0 (never) or between {MIN_IDLE_SECONDS} seconds and 7 days "
            f"({MAX_IDLE_SECONDS} s), not {seconds}", code="bad_timeout")
    return seconds


def parse_timeouts(data: object) -> IdleTimeouts:
    """Idle timeouts from a JSON object; missing keys keep their defaults; bad values refused."""
    if not isinstance(data, dict):
        raise ClassroomError("idle timeouts must be a JSON object", code="bad_timeout")
    unknown = set(data) - {"kernel_idle_seconds", "server_idle_seconds"}
    if unknown:
        raise ClassroomError(f"unknown idle timeout field(s): {', '.join(sorted(unknown))} "
                             "(use kernel_idle_seconds, server_idle_seconds)", code="bad_timeout")
    kernel = data.get("kernel_idle_seconds", DEFAULT_KERNEL_IDLE_SECONDS)
    server = data.get("server_idle_seconds", DEFAULT_SERVER_IDLE_SECONDS)
    return IdleTimeouts(check_seconds("kernel_idle_seconds", kernel),
                        check_seconds("server_idle_seconds", server))


def read_timeouts(paths: ClassroomPaths) -> IdleTimeouts:
    """The current idle timeouts (the defaults when the file is missing or unreadable)."""
    return read_timeouts_file(culling_file(paths))


def read_timeouts_file(path: Path) -> IdleTimeouts:
    """:func:`read_timeouts` for an explicit file (the server extension, the culler)."""
    try:
        return parse_timeouts(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ClassroomError):
        return IdleTimeouts()


def write_timeouts(paths: ClassroomPaths, timeouts: IdleTimeouts, *, actor: str = SYSTEM) -> Change:
    """Store the idle timeouts (atomic, 0644); servers culled by the new value within seconds,
    kernels from each server's next start. One audit line (``culling.set``) under ``actor``."""
    return auditor_for(paths, actor).run("culling.set", "culling", _write_timeouts, paths,
                                         timeouts, **timeouts.to_json())


def _write_timeouts(paths: ClassroomPaths, timeouts: IdleTimeouts) -> Change:
    check_seconds("kernel_idle_seconds", timeouts.kernel_idle_seconds)
    check_seconds("server_idle_seconds", timeouts.server_idle_seconds)
    path = culling_file(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(timeouts.to_json(), indent=1) + "\n"
    changed = write_text_atomic(path, text, mode=0o644)
    summary = (f"idle timeouts: kernels {_human(timeouts.kernel_idle_seconds)}, "
               f"servers {_human(timeouts.server_idle_seconds)}")
    if changed:
        summary += " (kernels: from each student's next server start)"
    else:
        summary += ": nothing to change"
    return Change("culling", "culling.set", changed, summary, str(path))


def _human(seconds: int) -> str:
    if not seconds:
        return "never"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
