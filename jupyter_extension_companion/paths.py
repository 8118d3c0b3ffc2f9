"""Where things live on a classroom host: the one source of truth for every path.

Defaults are those of the teaching guide; every one can be overridden (CLI options, the
installer's options, or ``CLASSROOM_*`` environment variables) so that tests can work in a
scratch prefix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def _env_path(var: str, default: str) -> Path:
    return Path(os.environ.get(var, default))


@dataclass(frozen=True)
class ClassroomPaths:
    """Every host path the product reads or writes."""

    venv: Path = field(default_factory=lambda: _env_path("CLASSROOM_VENV", "/opt/jupyterhub-venv"))
    hub_config_dir: Path = field(
        default_factory=lambda: _env_path("CLASSROOM_HUB_CONFIG_DIR", "/etc/jupyterhub")
    )
    libs: Path = field(default_factory=lambda: _env_path("CLASSROOM_LIBS", "/opt/jupyterhub-libs"))
    state: Path = field(
        default_factory=lambda: _env_path("CLASSROOM_STATE", "/var/lib/jupyterhub-classroom")
    )
    log_dir: Path = field(
        default_factory=lambda: _env_path("CLASSROOM_LOG_DIR", "/var/log/jupyterhub-classroom")
    )
    home_root: Path = field(default_factory=lambda: _env_path("CLASSROOM_HOME_ROOT", "/home"))
    # Kernelspecs every user sees: {venv}/share/jupyter/kernels unless overridden.
    kernels_dir: Path | None = None
    notebooks_folder: str = "notebooks"

    @property
    def hub_config(self) -> Path:
        return self.hub_config_dir / "jupyterhub_config.py"

    @property
    def hub_config_d(self) -> Path:
        return self.hub_config_dir / "jupyterhub_config.d"

    @property
    def java_libs(self) -> Path:
        return self.libs / "java"

    @property
    def python_libs(self) -> Path:
        return self.libs / "python"

    @property
    def r_libs(self) -> Path:
        return self.libs / "r"

    @property
    def archive(self) -> Path:
        return self.state / "archive"

    @property
    def audit_log(self) -> Path:
        return self.state / "audit.log"

    @property
    def hub_access(self) -> Path:
        """Root-only JSON with the hub API URL and the classroom service's token (for the CLI)."""
        return self.state / "hub.json"

    @property
    def roster_mappings(self) -> Path:
        """Root-only JSON: the column mappings teachers chose for roster files, by header shape."""
        return self.state / "roster-mappings.json"

    @property
    def assignments(self) -> Path:
        """Root-only JSON: the handed-out assignments, their targets and who got them."""
        return self.state / "assignments.json"

    @property
    def handouts(self) -> Path:
        """Root-only copies of what was handed out (for students who join a class later)."""
        return self.state / "handouts"

    @property
    def trash(self) -> Path:
        return self.state / "trash"

    @property
    def kernels(self) -> Path:
        return self.kernels_dir or (self.venv / "share" / "jupyter" / "kernels")

    @property
    def lab_settings_overrides(self) -> Path:
        """System-wide JupyterLab setting defaults (plugin id -> values)."""
        return self.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"

    @property
    def class_snippets(self) -> Path:
        """Class snippets: in every student's ``jupyter_path`` (their servers run from the venv)."""
        return self.venv / "share" / "jupyter" / "classroom" / "snippets"

    @property
    def class_templates(self) -> Path:
        return self.venv / "share" / "jupyter" / "classroom" / "templates"

    def home_of(self, username: str) -> Path:
        return self.home_root / username

    def notebooks_of(self, username: str) -> Path:
        return self.home_of(username) / self.notebooks_folder

    def with_prefix(self, prefix: Path) -> ClassroomPaths:
        """The same layout below a scratch prefix (tests, ``--prefix``)."""
        changes: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                changes[f.name] = prefix / value.relative_to("/")
        return replace(self, **changes)
