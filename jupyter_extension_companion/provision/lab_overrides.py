"""System-wide JupyterLab setting defaults: the one reader and writer of ``overrides.json``.

``paths.lab_settings_overrides`` (``{venv}/share/jupyter/lab/settings/overrides.json``) maps a
plugin id to setting values; every JupyterLab started from the venv reads it, and a user's own
settings still win. The class broker (``broker.py``), the installer's school defaults and the
default language all go through here, so entries of one owner never drop another's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .errors import ClassroomError

TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"
# --language value -> JupyterLab locale (a language pack's name; "en" is Lab's own)
LANGUAGES = {"de": "de_DE", "en": "en"}


def overrides_path(paths: ClassroomPaths | Path) -> Path:
    return paths if isinstance(paths, Path) else paths.lab_settings_overrides


def read_overrides(paths: ClassroomPaths | Path) -> dict[str, Any]:
    """The whole ``overrides.json`` ({} if there is none); ClassroomError if it is broken."""
    path = overrides_path(paths)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError as exc:
        raise ClassroomError(
            f"{path} is not valid JSON ({exc}); fix or remove it, then try again.",
            code="broken_overrides",
            status=500,
        ) from exc
    if not isinstance(data, dict):
        raise ClassroomError(
            f"{path} must hold a JSON object.", code="broken_overrides", status=500
        )
    return data


def missing_defaults(
    paths: ClassroomPaths | Path, defaults: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The part of ``defaults`` (plugin id -> values) that ``overrides.json`` does not hold yet."""
    current = read_overrides(paths)
    out: dict[str, dict[str, Any]] = {}
    for plugin, values in defaults.items():
        entry = current.get(plugin) or {}
        differ = {k: v for k, v in values.items() if entry.get(k) != v}
        if differ:
            out[plugin] = differ
    return out


def update_overrides(
    paths: ClassroomPaths | Path, updates: Mapping[str, Mapping[str, Any]]
) -> bool:
    """Merge ``updates`` (plugin id -> values) into ``overrides.json``; True if it changed.

    Other plugins' entries and other keys of the same plugin are kept; the file is replaced
    atomically and stays world-readable (every user's server reads it).
    """
    path = overrides_path(paths)
    overrides = read_overrides(path)
    for plugin, values in updates.items():
        entry = dict(overrides.get(plugin) or {})
        entry.update(values)
        overrides[plugin] = entry
    for d in (path.parent.parent, path.parent):
        d.mkdir(mode=0o755, parents=True, exist_ok=True)
    return write_text_atomic(
        path, json.dumps(overrides, indent=2, sort_keys=True) + "\n", mode=0o644
    )


def school_defaults(language: str | None) -> dict[str, dict[str, Any]]:
    """What the installer sets for everyone: no news prompt; the UI language if one was given."""
    out: dict[str, dict[str, Any]] = {NOTIFICATION_PLUGIN: {"fetchNews": "false"}}
    if language:
        out[TRANSLATION_PLUGIN] = {"locale": LANGUAGES[language]}
    return out
