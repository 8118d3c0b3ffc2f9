"""Our UI strings outside JupyterLab (the hub's login page, printed slips) in the UI language.

The German text comes from the package's compiled JupyterLab catalogue (``i18n/de/*.json`` ->
``locale/de_DE/LC_MESSAGES/jupyterlab_classroom.json``, ``scripts/compile_i18n.py``): one
source for Lab and for the pages the server makes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CATALOGUE = (Path(__file__).parent.parent / "locale" / "de_DE" / "LC_MESSAGES"
             / "jupyterlab_classroom.json")
LANGUAGES = ("en", "de")


@lru_cache(maxsize=1)
def _german() -> dict[str, str]:
    try:
        data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v[0] for k, v in data.items() if k and isinstance(v, list) and v}


def translate(message: str, language: str) -> str:
    """``message`` in ``language`` ("de" or "en"); English when there is no translation."""
    if language == "de":
        return _german().get(message, message)
    return message


def language_of(locale: str | None) -> str | None:
    """"de"/"en" from a locale or language tag (``de_DE``, ``de-AT``, ``en``); None otherwise."""
    if not isinstance(locale, str):
        return None
    lang = locale.strip().lower().replace("_", "-").split("-")[0]
    return lang if lang in LANGUAGES else None
