"""The school defaults in each single-user server's JupyterLab page (provision/school_defaults.py).

Through jupyterlab_server's ``page_config_hook`` (a tornado setting it calls on every Lab page
load with the page config it built):

- the Extension Manager (``@jupyterlab/extensionmanager-extension``) is added to
  ``disabledExtensions`` unless the school allows it for students or the visitor is a teacher
  in their own server;
- when the visitor is not the server's owner (a teacher who opened a student's server) and the
  school shows the owner, ``appName`` becomes "Server of NAME": JupyterLab puts it into the
  browser tab's title.

Outside a hub (plain ``jupyter lab``) nothing changes. A student owns their server and could
undo this: it keeps noise out of the way, it is no security boundary.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from ..provision.messages import language_of, translate
from ..provision.school_defaults import EXTENSION_MANAGER, read_school_file

TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
SERVER_OF = "Server of %1"


def _school() -> dict[str, bool] | None:
    from .mqtt import _class_paths

    paths = _class_paths()
    return read_school_file(paths.venv) if paths is not None else None


def _language() -> str:
    from .mqtt import lab_overrides_path

    try:
        data = json.loads(lab_overrides_path().read_text(encoding="utf-8"))
        return language_of(data[TRANSLATION_PLUGIN]["locale"]) or "en"
    except (OSError, ValueError, KeyError, TypeError):
        return "en"


def visitor(handler: Any) -> tuple[str, bool, str] | None:
    """(visitor name, visitor is a teacher, server owner) under a hub, else None."""
    owner = os.environ.get("JUPYTERHUB_USER")
    model = getattr(handler.current_user, "hub_user", None)
    if not owner or not isinstance(model, dict):
        return None
    return str(model.get("name") or ""), model.get("admin") is True, owner


def school_page_config(handler: Any, page_config: dict[str, Any]) -> dict[str, Any]:
    """Apply the school defaults to one page load's config (see the module docstring)."""
    who = visitor(handler)
    school = _school() if who is not None else None
    if who is None or school is None:
        return page_config
    name, teacher, owner = who
    own_teachers_server = teacher and name == owner
    if not school["student_extension_manager"] and not own_teachers_server:
        disabled = page_config.get("disabledExtensions")
        if isinstance(disabled, dict):
            disabled[EXTENSION_MANAGER] = True
        else:
            listed = list(disabled or [])
            if EXTENSION_MANAGER not in listed:
                listed.append(EXTENSION_MANAGER)
            page_config["disabledExtensions"] = listed
    if school["show_server_owner"] and name != owner:
        page_config["appName"] = translate(SERVER_OF, _language()).replace("%1", owner)
    return page_config


def install_page_config_hook(web_app: Any, identity_provider: Any = None) -> None:
    """Chain :func:`school_page_config` after the page config hook already there.

    JupyterHub's single-user extension sets the tornado setting to its identity provider's
    ``page_config_hook`` when it initializes, which may come after this extension loads: so
    the chained hook also replaces the identity provider's method (either order works, and the
    hook runs once).
    """
    previous: Callable[[Any, dict], dict] | None = web_app.settings.get("page_config_hook")
    if previous is None and identity_provider is not None:
        previous = getattr(identity_provider, "page_config_hook", None)

    def hook(handler: Any, page_config: dict[str, Any]) -> dict[str, Any]:
        if previous is not None:
            page_config = previous(handler, page_config)
        return school_page_config(handler, page_config)

    web_app.settings["page_config_hook"] = hook
    if identity_provider is not None and hasattr(identity_provider, "page_config_hook"):
        identity_provider.page_config_hook = hook
