#!/usr/bin/env python3
"""Compile the German UI strings (i18n/de/*.json) into the package's JupyterLab locale.

JupyterLab (jupyterlab_server.translation_utils) shows an extension's own translations when:
- the package declares the entry point ``jupyterlab.locale`` ``jupyterlab_classroom =
  jupyter_extension_companion`` (pyproject.toml), and
- ``jupyter_extension_companion/locale/de_DE/LC_MESSAGES/jupyterlab_classroom.json`` holds the
  catalogue in JupyterLab's gettext JSON format: ``{"": {domain, language, plural_forms,
  version}, msgid: [msgstr, ...]}``, and
- a JupyterLab language pack for that locale is installed (``jupyterlab-language-pack-de-DE``):
  without it, Lab offers no German at all.

The per-area files ``i18n/de/<area>.json`` map English msgids to German (a list of two strings
for plurals, ``trans._n``). The msgids are what ``trans.__('...')`` / ``trans._n('...', ...)``
calls in ``src/`` pass, plus the titles and descriptions of the shipped snippets and templates
(the MQTT menu translates them).

    python scripts/compile_i18n.py           # write the compiled catalogue
    python scripts/compile_i18n.py --check   # exit 1 if a msgid has no German or the file is stale
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "jupyterlab_classroom"
LOCALE = "de_DE"
SRC = ROOT / "src"
I18N = ROOT / "i18n" / "de"
PACKAGE = ROOT / "jupyter_extension_companion"
OUTPUT = PACKAGE / "locale" / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.json"

_STRING = r"""('(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")"""
_CALL = re.compile(r"\btrans\.(__|_n|_p)\(\s*" + _STRING + r"(?:\s*,\s*" + _STRING + r")?", re.S)


def _js_string(literal: str) -> str:
    # JS and Python agree on the escapes our sources use (\\, \', \", \n, \u....).
    return str(ast.literal_eval(literal))


def extract_msgids(src: Path = SRC) -> dict[str, dict]:
    """Every literal msgid in ``src`` -> {"plural": bool, "files": [...]}."""
    found: dict[str, dict] = {}
    for file in sorted(src.rglob("*.ts*")):
        text = file.read_text(encoding="utf-8")
        for match in _CALL.finditer(text):
            kind, first, second = match.groups()
            if kind == "_p":  # trans._p(context, msgid): the msgid is the second argument
                if second is None:
                    continue
                msgid = _js_string(first) + "\u0004" + _js_string(second)
            else:
                msgid = _js_string(first)
            entry = found.setdefault(msgid, {"plural": False, "files": []})
            entry["plural"] = entry["plural"] or kind == "_n"
            rel = str(file.relative_to(src.parent))
            if rel not in entry["files"]:
                entry["files"].append(rel)
    return found


def shipped_msgids(package: Path = PACKAGE) -> dict[str, dict]:
    """Titles and descriptions of the shipped snippets and templates (translated by the menu)."""
    found: dict[str, dict] = {}
    header = re.compile(r"^\s*(?:#|//)\s*(title|description)\s*:\s*(.*?)\s*$")
    for file in sorted((package / "snippets").glob("*/*")):
        for line in file.read_text(encoding="utf-8").splitlines():
            match = header.match(line)
            if not match:
                break
            if match.group(2):
                found.setdefault(match.group(2), {"plural": False, "files": []})["files"].append(
                    str(file.relative_to(package.parent))
                )
    for file in sorted((package / "templates").glob("*.ipynb")):
        meta = json.loads(file.read_text(encoding="utf-8")).get("metadata", {}).get("classroom", {})
        for key in ("title", "description"):
            if meta.get(key):
                found.setdefault(meta[key], {"plural": False, "files": []})["files"].append(
                    str(file.relative_to(package.parent))
                )
    return found


def load_catalogue(folder: Path = I18N) -> dict[str, str | list[str]]:
    """All ``i18n/de/*.json`` merged; the same msgid translated differently is an error."""
    merged: dict[str, str | list[str]] = {}
    origin: dict[str, str] = {}
    for file in sorted(folder.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise SystemExit(f"{file}: must be a JSON object (English msgid -> German)")
        for msgid, msgstr in data.items():
            ok = isinstance(msgstr, str) or (
                isinstance(msgstr, list)
                and len(msgstr) == 2
                and all(isinstance(s, str) for s in msgstr)
            )
            if not ok:
                raise SystemExit(f"{file}: {msgid!r} must map to a string or a list of two strings")
            if msgid in merged and merged[msgid] != msgstr:
                raise SystemExit(
                    f"{msgid!r} is translated differently in {origin[msgid]} and {file.name}"
                )
            merged[msgid] = msgstr
            origin[msgid] = file.name
    return merged


def compiled(catalogue: dict[str, str | list[str]], version: str) -> dict:
    """The catalogue in JupyterLab's gettext JSON format."""
    data: dict = {
        "": {
            "domain": DOMAIN,
            "language": LOCALE.replace("_", "-"),
            "plural_forms": "nplurals=2; plural=(n != 1);",
            "version": version,
        }
    }
    for msgid in sorted(catalogue):
        msgstr = catalogue[msgid]
        data[msgid] = list(msgstr) if isinstance(msgstr, list) else [msgstr]
    return data


def problems(msgids: dict[str, dict], catalogue: dict[str, str | list[str]]) -> list[str]:
    """Msgids without German (or a plural without two forms)."""
    out = []
    for msgid, info in sorted(msgids.items()):
        where = ", ".join(info["files"])
        if msgid not in catalogue or not catalogue[msgid]:
            out.append(f"no German for {msgid!r} ({where})")
        elif info["plural"] and not isinstance(catalogue[msgid], list):
            out.append(f"{msgid!r} is a plural (trans._n): give two German forms ({where})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    version = json.loads((ROOT / "package.json").read_text())["version"]
    catalogue = load_catalogue()
    text = json.dumps(compiled(catalogue, version), ensure_ascii=False, indent=1) + "\n"
    msgids = {**shipped_msgids(), **extract_msgids()}
    missing = problems(msgids, catalogue)
    for line in missing:
        print(line, file=sys.stderr)
    if args.check:
        stale = not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text
        if stale:
            print(
                f"{OUTPUT.relative_to(ROOT)} is stale: run scripts/compile_i18n.py", file=sys.stderr
            )
        return 1 if (missing or stale) else 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(catalogue)} strings, {len(missing)} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
