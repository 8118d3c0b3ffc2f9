"""The credentials sheet of one class: CSV and printable slips (class name, login URL,
optional QR code of the URL), in English or German. Written by :mod:`.credentials` (the one
credentials writer); this module only picks the words and the hub's address."""

from __future__ import annotations

from collections.abc import Iterable

from ..paths import ClassroomPaths
from .credentials import credentials_csv, credentials_html
from .hubconfig import read_hub_access
from .roster import Credentials

SLIP_WORDS: dict[str, dict[str, str]] = {
    "en": {"address": "Address", "username": "Username", "password": "Password",
           "print": "Print", "class": "Class", "title": "Classroom login"},
    "de": {"address": "Adresse", "username": "Benutzername", "password": "Passwort",
           "print": "Drucken", "class": "Klasse", "title": "Anmeldung Classroom"},
}


def login_url(paths: ClassroomPaths) -> str:
    """The address students open (from the hub access file; empty if unknown)."""
    return (read_hub_access(paths) or {}).get("hub_url", "") or ""


def sheet(creds: Iterable[Credentials], paths: ClassroomPaths, class_name: str, *,
          lang: str = "en", qr: bool = False, hub_url: str | None = None) -> dict[str, str]:
    """``{"csv": ..., "html": ...}`` for the class (``lang``: ``en`` or ``de``)."""
    creds = list(creds)
    words = SLIP_WORDS.get(lang, SLIP_WORDS["en"])
    url = login_url(paths) if hub_url is None else hub_url
    title = f"{words['title']} {class_name}"
    return {
        "csv": credentials_csv(creds, login_url=url,
                               classes={c.name: class_name for c in creds}, language=lang),
        "html": credentials_html(creds, url, title=title, labels=words, language=lang,
                                 class_name=class_name, qr=qr),
    }
