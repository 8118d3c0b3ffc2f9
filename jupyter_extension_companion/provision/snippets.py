"""MQTT snippets as files: shipped in the package and read from the Jupyter data path.

One folder per language (``python/*.py``, ``java/*.java``). Each file starts with a comment
header that the menu shows::

    # title: Publish a JSON object
    # description: Publish a sensor reading as JSON on your topic "sensor".
    # order: 40

(``//`` instead of ``#`` for Java). The rest of the file is the snippet, with placeholders for
the class broker (``{{host}}``, ``{{port}}``, ``{{tls}}``, ``{{topic_prefix}}``,
``{{client_id}}``, ``{{username}}``, ``{{password}}``) that the lab extension fills on insert.

Folders searched, first wins for a file name: every ``classroom/snippets`` folder of
``jupyter_core.paths.jupyter_path`` (user, then environment, then system), then the package.
So a teacher adds or overrides a snippet by dropping a file into
``{venv}/share/jupyter/classroom/snippets/<language>/`` (what :func:`add_class_snippet` does),
without rebuilding anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .audit import SYSTEM, auditor_for
from .errors import ClassroomError

#: Languages with snippets, and the file extension of each.
LANGUAGES: dict[str, str] = {"python": ".py", "java": ".java"}
#: The comment marker of each language's header.
COMMENT: dict[str, str] = {"python": "#", "java": "//"}
#: Placeholders a snippet or template may use (filled from the broker settings on insert).
PLACEHOLDERS: tuple[str, ...] = (
    "host",
    "port",
    "tls",
    "topic_prefix",
    "client_id",
    "username",
    "password",
)

PACKAGE_SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_HEADER_KEYS = ("title", "description", "order")
_PLACEHOLDER_RE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Snippet:
    """One snippet file, parsed."""

    name: str
    language: str
    title: str
    description: str
    order: int
    body: str
    source: str  # "package" or "class"
    path: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form answered by ``GET /classroom/api/snippets``."""
        return asdict(self)


def parse_snippet(text: str, *, name: str, language: str, source: str, path: str = "") -> Snippet:
    """Split a snippet file into its header (title, description, order) and its body."""
    marker = COMMENT[language]
    header_re = re.compile(
        r"^\s*" + re.escape(marker) + r"\s*(" + "|".join(_HEADER_KEYS) + r")\s*:\s*(.*?)\s*$"
    )
    header: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = header_re.match(lines[index])
        if not match:
            break
        header[match.group(1)] = match.group(2)
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    body = "\n".join(lines[index:]).rstrip() + "\n"
    try:
        order = int(header.get("order", "1000"))
    except ValueError:
        order = 1000
    return Snippet(
        name=name,
        language=language,
        title=header.get("title") or name.replace("_", " ").replace("-", " ").capitalize(),
        description=header.get("description", ""),
        order=order,
        body=body,
        source=source,
        path=path,
    )


def snippet_search_path(extra: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """The folders searched, in precedence order, each with its source label."""
    from jupyter_core.paths import jupyter_path

    folders = [(Path(p), "class") for p in extra]
    folders += [(Path(p), "class") for p in jupyter_path("classroom", "snippets")]
    folders.append((PACKAGE_SNIPPETS, "package"))
    return folders


def list_snippets(
    language: str | None = None, search_path: list[tuple[Path, str]] | None = None
) -> list[Snippet]:
    """Every snippet (or those of ``language``), a data-path file overriding a shipped one.

    Sorted by language, then the ``order`` of the header, then name. Unreadable files are
    skipped (a teacher's broken file must not break every student's menu).
    """
    if language is not None and language not in LANGUAGES:
        raise ClassroomError(
            f"No snippets for the language {language!r}; there are snippets for "
            f"{', '.join(LANGUAGES)}.",
            code="unknown_language",
        )
    languages = [language] if language else list(LANGUAGES)
    found: dict[tuple[str, str], Snippet] = {}
    for folder, source in search_path if search_path is not None else snippet_search_path():
        for lang in languages:
            ext = LANGUAGES[lang]
            lang_dir = folder / lang
            if not lang_dir.is_dir():
                continue
            for file in sorted(lang_dir.glob(f"*{ext}")):
                name = file.name[: -len(ext)]
                if not NAME_RE.fullmatch(name) or (lang, name) in found:
                    continue
                try:
                    text = file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                found[(lang, name)] = parse_snippet(
                    text, name=name, language=lang, source=source, path=str(file)
                )
    return sorted(found.values(), key=lambda s: (s.language, s.order, s.name))


def class_snippets_dir(paths: ClassroomPaths) -> Path:
    """Where class snippets go: ``{venv}/share/jupyter/classroom/snippets`` (in every
    student's ``jupyter_path`` because their servers run from that venv)."""
    return paths.class_snippets


def _one_line(value: Any, what: str, limit: int, required: bool) -> str:
    if not isinstance(value, str):
        raise ClassroomError(f"The {what} must be text.", code="invalid_" + what)
    value = value.strip()
    if required and not value:
        raise ClassroomError(f"Give the snippet a {what}.", code="invalid_" + what)
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise ClassroomError(
            f"The {what} must be one line of at most {limit} characters.", code="invalid_" + what
        )
    return value


def add_class_snippet(paths: ClassroomPaths, *, actor: str = SYSTEM, **fields: Any) -> dict[str, Any]:
    """Write a class snippet (see :func:`_add_class_snippet` for the fields and checks); one
    audit line (``snippet.add``) under ``actor``."""
    target = f"{fields.get('language')}/{fields.get('name')}"
    return auditor_for(paths, actor).run(
        "snippet.add", target, lambda: _add_class_snippet(paths, **fields))


def _add_class_snippet(
    paths: ClassroomPaths,
    *,
    language: str,
    name: str,
    title: str,
    description: str = "",
    body: str,
    order: int = 500,
) -> dict[str, Any]:
    """Write a class snippet into the data-path folder (root-owned, world-readable).

    Validates everything first (name ``[a-z0-9_-]``, known language, one-line title and
    description, a non-empty body under 64 KB); writes atomically. Re-adding the same content
    reports ``changed: False``. A class snippet with the name of a shipped one overrides it.
    """
    if language not in LANGUAGES:
        raise ClassroomError(
            f"Snippets can be added for {', '.join(LANGUAGES)}, not {language!r}.",
            code="unknown_language",
        )
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ClassroomError(
            "The snippet's file name must be 1-64 characters of a-z, 0-9, '_' or '-', "
            "starting with a letter or digit.",
            code="invalid_name",
        )
    title = _one_line(title, "title", 120, True)
    description = _one_line(description, "description", 500, False)
    if not isinstance(body, str) or not body.strip():
        raise ClassroomError("The snippet is empty: select a cell with code.", code="empty_body")
    if len(body.encode("utf-8")) > MAX_BODY:
        raise ClassroomError("The snippet is larger than 64 KB.", code="too_large")
    if not isinstance(order, int) or isinstance(order, bool):
        raise ClassroomError("The order must be a whole number.", code="invalid_order")
    marker = COMMENT[language]
    text = (
        f"{marker} title: {title}\n{marker} description: {description}\n{marker} order: {order}\n"
        + body.rstrip()
        + "\n"
    )
    folder = class_snippets_dir(paths) / language
    for d in (folder.parent.parent, folder.parent, folder):
        d.mkdir(mode=0o755, parents=True, exist_ok=True)
        d.chmod(0o755)
    path = folder / f"{name}{LANGUAGES[language]}"
    changed = write_text_atomic(path, text, mode=0o644)
    return {"name": name, "language": language, "path": str(path), "changed": changed}


def _escape_string(value: str) -> str:
    # Both Python and Java snippets put string placeholders inside "double quotes".
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def fill(body: str, values: Mapping[str, Any], language: str, *, code: bool = True) -> str:
    """Fill ``{{placeholders}}`` the way the lab extension does (``src/mqtt/fill.ts``).

    In code, ``tls`` becomes ``True``/``False`` (Python) or ``true``/``false`` (Java), ``port``
    an integer and every other value is escaped for a double-quoted string literal. In text
    (markdown cells) values are inserted as they are. Unknown placeholders stay.
    """

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            return match.group(0)
        value = values[key]
        if key == "tls":
            if not code:
                return "on" if value else "off"
            return (
                ("True" if value else "False")
                if language == "python"
                else ("true" if value else "false")
            )
        if key == "port":
            return str(int(value))
        return _escape_string(str(value)) if code else str(value)

    return _PLACEHOLDER_RE.sub(replace, body)
