"""The credentials sheet handed to the teacher once: a CSV and a printable page of slips.

Only students with a new password appear (an existing account whose password was kept has
nothing to hand out). The caller decides where the sheet goes; it is never logged.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable
from datetime import date

from .roster import Credentials

#: the words of the sheet per UI language (the CSV header and the slips)
WORDS: dict[str, dict[str, str]] = {
    "en": {"username": "username", "full_name": "full name", "password": "password",
           "class": "class", "login_url": "login URL", "address": "Address",
           "Username": "Username", "Password": "Password", "Class": "Class", "print": "Print",
           "title": "Classroom login", "file": "credentials"},
    "de": {"username": "Benutzername", "full_name": "Name", "password": "Passwort",
           "class": "Klasse", "login_url": "Anmeldeadresse", "address": "Adresse",
           "Username": "Benutzername", "Password": "Passwort", "Class": "Klasse",
           "print": "Drucken", "title": "Anmeldung im Klassenraum", "file": "zugangsdaten"},
}
#: the delimiter a spreadsheet program of that locale expects (German Excel: ``;``)
DELIMITER = {"en": ",", "de": ";"}
CSV_HEADER = ("username", "full name", "password", "class", "login URL")


def language_of(value: str | None) -> str:
    """``de`` for any German locale (``de``, ``de_DE``, ``de-AT``), else ``en``."""
    return "de" if (value or "").lower().startswith("de") else "en"


def _with_password(creds: Iterable[Credentials]) -> list[Credentials]:
    return [c for c in creds if c.password]


# A cell starting with one of these is a formula (or becomes one) in a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def csv_cell(value: str) -> str:
    """``value`` safe for a spreadsheet: a leading ``= + - @``, tab or CR gets a ``'`` before it
    (the cell then shows as text, never runs as a formula)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def credentials_csv(
    creds: Iterable[Credentials],
    delimiter: str | None = None,
    *,
    login_url: str = "",
    classes: dict[str, str] | None = None,
    language: str = "en",
) -> str:
    """CSV text (username, full name, password, class, login URL) of the students with a
    password, the one credentials writer of the service and the CLI.

    Starts with a UTF-8 byte order mark (spreadsheet programs then read umlauts right), guards
    every cell against formulas (:func:`csv_cell`); header words and delimiter follow
    ``language`` (German: ``;``) unless ``delimiter`` is given.
    """
    lang = language_of(language)
    words = WORDS[lang]
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter or DELIMITER[lang], lineterminator="\r\n")
    writer.writerow([words[k] for k in ("username", "full_name", "password", "class",
                                        "login_url")])
    for c in _with_password(creds):
        cells = (c.name, c.full_name or "", c.password or "", (classes or {}).get(c.name, ""),
                 login_url)
        writer.writerow([csv_cell(v) for v in cells])
    return out.getvalue()


def credentials_filename(class_names: Iterable[str | None], language: str = "en",
                         day: date | None = None, ext: str = "csv") -> str:
    """``credentials-10a-2026-11-30.csv`` (German: ``zugangsdaten-...``): named after the
    class (or classes) and the day, safe as a file name."""
    names = sorted({n for n in class_names if n})
    label = "-".join(names[:3]) + ("-etc" if len(names) > 3 else "")
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("._-")
    stamp = (day or date.today()).isoformat()
    parts = [WORDS[language_of(language)]["file"]] + ([label] if label else []) + [stamp]
    return "-".join(parts) + "." + ext


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1cm; }
.slips { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6cm; }
.slip { border: 1px dashed #555; padding: 0.5cm; break-inside: avoid; page-break-inside: avoid; }
.slip h2 { margin: 0 0 0.3cm 0; font-size: 1.1em; }
.slip dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15cm 0.4cm; margin: 0; }
.slip dt { color: #444; }
.slip dd { margin: 0; font-family: ui-monospace, monospace; font-size: 1.15em; }
.slip .qr { float: right; margin-left: 0.3cm; }
.slip .qr svg { width: 2.6cm; height: 2.6cm; }
@media print { .noprint { display: none; } body { margin: 0.5cm; } }
"""


def credentials_html(
    creds: Iterable[Credentials],
    hub_url: str,
    *,
    title: str | None = None,
    labels: dict[str, str] | None = None,
    classes: dict[str, str] | None = None,
    language: str = "en",
    class_name: str | None = None,
    qr: bool = False,
) -> str:
    """A printable HTML page with one slip per student (login URL, class, username, password).

    The words follow ``language`` (``de``/``en``); ``labels`` overrides single ones: keys
    ``address``, ``username``, ``password``, ``class``, ``print``. The class on a slip comes
    from ``classes`` (username -> class), else ``class_name``; ``qr`` adds a QR code of
    ``hub_url`` (the address only, never a secret; made with ``segno``).
    """
    lang = language_of(language)
    base = WORDS[lang]
    words = {"address": base["address"], "username": base["Username"],
             "password": base["Password"], "class": base["Class"], "print": base["print"]}
    words.update(labels or {})
    e = html.escape
    code = ""
    if qr and hub_url:
        import segno

        code = f'<div class="qr">{segno.make(hub_url, error="m").svg_inline(scale=3)}</div>'
    slips = []
    for c in _with_password(creds):
        heading = e(c.full_name or c.name)
        klass = (classes or {}).get(c.name) or class_name
        class_row = f"<dt>{e(words['class'])}</dt><dd>{e(klass)}</dd>" if klass else ""
        slips.append(
            f'<div class="slip">{code}<h2>{heading}</h2><dl>'
            f"<dt>{e(words['address'])}</dt><dd>{e(hub_url)}</dd>"
            f"{class_row}"
            f"<dt>{e(words['username'])}</dt><dd>{e(c.name)}</dd>"
            f"<dt>{e(words['password'])}</dt><dd>{e(c.password or '')}</dd>"
            "</dl></div>"
        )
    title = title or base["title"]
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>"
        f'<p class="noprint"><button onclick="window.print()">{e(words["print"])}</button></p>'
        f'<div class="slips">{"".join(slips)}</div></body></html>\n'
    )
