"""The hub's authenticator: JupyterHub's PAM login that tells a disabled student so.

JupyterHub shows "Invalid username or password" for every refused login. When the account is
disabled (locked by the teacher, or expired) and the password typed is the account's own
(:func:`.provision.login_check.disabled_login`), this authenticator raises
``web.HTTPError(403)`` with a message instead: JupyterHub's ``LoginHandler`` renders a refused
form submission as the login form with that message as ``login_error`` (its documented way for
an authenticator to explain a refusal). A wrong password still gets the generic message.

The message follows the UI language: the school's default JupyterLab language (``overrides.json``,
set by ``--language``) when there is one, else the browser's ``Accept-Language``. The German text
comes from the package's JupyterLab catalogue (``i18n/de/login.json``), like every other string.
The generated hub config selects this class (``c.JupyterHub.authenticator_class``).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from jupyterhub.auth import PAMAuthenticator
from tornado import web
from traitlets import Unicode

from .provision.login_check import disabled_login
from .provision.messages import language_of, translate

DISABLED_MESSAGE = "This account is disabled. Ask your teacher to enable it again."
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
__all__ = ["DISABLED_MESSAGE", "ClassroomAuthenticator", "login_language", "translate"]


def _browser_language(accept_language: str) -> str | None:
    """"de" or "en", whichever the ``Accept-Language`` header prefers; None for neither."""
    best: tuple[float, str] | None = None
    for i, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        lang = language_of(tag)
        if lang is None:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality - i * 1e-6, lang)
    return best[1] if best else None


def _school_language(overrides_file: str) -> str | None:
    if not overrides_file:
        return None
    try:
        data = json.loads(Path(overrides_file).read_text(encoding="utf-8"))
        locale = data[TRANSLATION_PLUGIN]["locale"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return language_of(locale)


def login_language(accept_language: str, overrides_file: str = "") -> str:
    """The language of a login message: the school's default UI language, else the browser's,
    else English."""
    return (_school_language(overrides_file) or _browser_language(accept_language or "")
            or "en")


class ClassroomAuthenticator(PAMAuthenticator):
    """PAM login (JupyterHub's own) with a message for a disabled account (see the module)."""

    lab_overrides = Unicode(
        "",
        help="JupyterLab's overrides.json: its default locale is the language of login messages.",
    ).tag(config=True)

    shadow_file = Unicode("/etc/shadow", help="where the password hashes are").tag(config=True)

    async def authenticate(self, handler: Any, data: dict[str, Any]) -> Any:  # type: ignore[override]
        result = await super().authenticate(handler, data)
        if result is not None or not isinstance(data, dict):
            return result
        name, password = data.get("username"), data.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            return None
        loop = asyncio.get_running_loop()
        disabled = await loop.run_in_executor(
            self.executor, lambda: disabled_login(name, password,
                                                  shadow_file=Path(self.shadow_file)))
        if not disabled:
            return None
        self.log.warning("Login of disabled account %r refused", name)
        accept = handler.request.headers.get("Accept-Language", "") if handler else ""
        message = translate(DISABLED_MESSAGE, login_language(accept, self.lab_overrides))
        error = web.HTTPError(403, "account disabled")
        error.jupyterhub_message = message  # type: ignore[attr-defined]
        raise error
