"""School defaults: what every JupyterLab on the host does unless the teacher changes it.

- ``news_prompt`` (default off): JupyterLab's "get notified about official Jupyter news?"
  prompt. Lab's own setting ``fetchNews`` of ``@jupyterlab/apputils-extension:notification`` in
  ``overrides.json`` (``"false"``; on means Lab asks again, ``"none"``). A server reads
  ``overrides.json`` when it starts.
- ``student_extension_manager`` (default off): the Extension Manager for students. When off,
  each single-user server leaves ``@jupyterlab/extensionmanager-extension`` out of the page
  (JupyterLab's page config ``disabledExtensions``, through jupyterlab_server's
  ``page_config_hook``: ``server/school.py``) unless the visitor is a teacher in their own server.
  It is not a security boundary (a student owns their server and can ``pip install`` in a
  terminal); it keeps "install extensions from PyPI" out of a class's way.
- ``show_server_owner`` (default on): a teacher who opens a student's server sees whose it is
  (the browser tab's title, ``appName`` in the page config, and the sidebar's banner).

The last two live in ``school.json`` in the class folder (``{venv}/share/jupyter/classroom``),
world-readable: every user's server reads it on each page load, so a change shows at the next
reload. Written atomically; bad input changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .audit import AuditLog
from .errors import ClassroomError
from .lab_overrides import NOTIFICATION_PLUGIN, read_overrides, update_overrides

EXTENSION_MANAGER = "@jupyterlab/extensionmanager-extension"


@dataclass
class SchoolDefaults:
    """The school defaults (see the module docstring)."""

    news_prompt: bool = False
    student_extension_manager: bool = False
    show_server_owner: bool = True

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


FIELDS = tuple(f.name for f in fields(SchoolDefaults))
#: kept in school.json (the news prompt is Lab's own setting, in overrides.json)
_FILE_FIELDS = ("student_extension_manager", "show_server_owner")


def school_file(venv: Path) -> Path:
    """``school.json`` of the venv whose servers read it."""
    return Path(venv) / "share" / "jupyter" / "classroom" / "school.json"


def read_school_file(venv: Path) -> dict[str, bool]:
    """The file's fields (defaults for anything missing or unreadable): for the servers."""
    out = {name: getattr(SchoolDefaults(), name) for name in _FILE_FIELDS}
    try:
        data = json.loads(school_file(venv).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return out
    if isinstance(data, dict):
        out.update({k: v for k, v in data.items() if k in _FILE_FIELDS and isinstance(v, bool)})
    return out


def read_school_defaults(paths: ClassroomPaths) -> SchoolDefaults:
    """The host's current school defaults."""
    news = (read_overrides(paths).get(NOTIFICATION_PLUGIN) or {}).get("fetchNews")
    return SchoolDefaults(news_prompt=news not in ("false", False),
                          **read_school_file(paths.venv))


def check_updates(updates: Any) -> dict[str, bool]:
    """``updates`` if it is an object of known fields with true/false values; ClassroomError
    (naming the fields) otherwise."""
    if not isinstance(updates, dict) or not updates:
        raise ClassroomError(f"Send an object with one or more of {', '.join(FIELDS)}.",
                             code="bad_field")
    for key, value in updates.items():
        if key not in FIELDS:
            raise ClassroomError(f"{key!r} is not a school default; known: {', '.join(FIELDS)}.",
                                 code="bad_field")
        if not isinstance(value, bool):
            raise ClassroomError(f"{key!r} must be true or false.", code="bad_field")
    return dict(updates)


def write_school_defaults(paths: ClassroomPaths, updates: Any, *, audit: AuditLog | None = None,
                          actor: str = "system") -> tuple[SchoolDefaults, bool]:
    """Apply ``updates`` (field -> bool); returns the new defaults and whether anything changed.

    Everything is checked before anything is written; the change goes to the audit log under
    ``actor``.
    """
    try:
        clean = check_updates(updates)
    except ClassroomError as exc:
        if audit is not None:
            audit.record(actor, "school.set", "school defaults", "refused", reason=exc.message,
                         code=exc.code)
        raise
    current = read_school_defaults(paths)
    changed = False
    if "news_prompt" in clean and clean["news_prompt"] != current.news_prompt:
        changed |= update_overrides(
            paths, {NOTIFICATION_PLUGIN: {"fetchNews": "none" if clean["news_prompt"] else "false"}})
    file_values = {k: clean.get(k, getattr(current, k)) for k in _FILE_FIELDS}
    path = school_file(paths.venv)
    if file_values != {k: getattr(current, k) for k in _FILE_FIELDS} or not path.exists():
        for d in (path.parent.parent, path.parent):
            d.mkdir(mode=0o755, parents=True, exist_ok=True)
        changed |= write_text_atomic(path, json.dumps(file_values, indent=2, sort_keys=True)
                                     + "\n", mode=0o644)
    result = read_school_defaults(paths)
    if audit is not None:
        audit.record(actor, "school.set", "school defaults",
                     "ok" if changed else "nothing-to-change", settings=clean)
    return result, changed
