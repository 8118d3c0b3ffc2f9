"""The credentials sheet handed to the teacher once: a CSV and a printable page of slips.

Only students with a new password appear (an existing account whose password was kept has
nothing to hand out). The caller decides where the sheet goes; it is never logged.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable

from .roster import Credentials

CSV_HEADER = ("username", "full name", "password")


def _with_password(creds: Iterable[Credentials]) -> list[Credentials]:
    return [c for c in creds if c.password]


# A cell starting with one of these is a formula (or becomes one) in a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def csv_cell(value: str) -> str:
    """``value`` safe for a spreadsheet: a leading ``= + - @``, tab or CR gets a ``'`` before it
    (the cell then shows as text, never runs as a formula)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def credentials_csv(creds: Iterable[Credentials], delimiter: str = ",") -> str:
    """CSV text (header ``username,full name,password``) of the students with a password.

    Starts with a UTF-8 byte order mark (spreadsheet programs then read umlauts right) and
    guards every cell against formulas (:func:`csv_cell`), like the sheet the browser makes.
    """
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for c in _with_password(creds):
        writer.writerow([csv_cell(v) for v in (c.name, c.full_name or "", c.password or "")])
    return out.getvalue()


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
    title: str = "Classroom login",
    labels: dict[str, str] | None = None,
    class_name: str | None = None,
    qr: bool = False,
) -> str:
    """A printable HTML page with one slip per student (hub URL, username, password).

    ``labels`` translates the words on the slips: keys ``address``, ``username``, ``password``,
    ``print``, ``class``. ``class_name`` is printed on each slip; ``qr`` adds a QR code of
    ``hub_url`` (the address only, never a secret; made with ``segno``).
    """
    words = {"address": "Address", "username": "Username", "password": "Password",
             "print": "Print", "class": "Class"}
    words.update(labels or {})
    e = html.escape
    code = ""
    if qr and hub_url:
        import segno

        code = f'<div class="qr">{segno.make(hub_url, error="m").svg_inline(scale=3)}</div>'
    klass = (f"<dt>{e(words['class'])}</dt><dd>{e(class_name)}</dd>" if class_name else "")
    slips = []
    for c in _with_password(creds):
        heading = e(c.full_name or c.name)
        slips.append(
            f'<div class="slip">{code}<h2>{heading}</h2><dl>{klass}'
            f"<dt>{e(words['address'])}</dt><dd>{e(hub_url)}</dd>"
            f"<dt>{e(words['username'])}</dt><dd>{e(c.name)}</dd>"
            f"<dt>{e(words['password'])}</dt><dd>{e(c.password or '')}</dd>"
            "</dl></div>"
        )
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>"
        f'<p class="noprint"><button onclick="window.print()">{e(words["print"])}</button></p>'
        f'<div class="slips">{"".join(slips)}</div></body></html>\n'
    )
