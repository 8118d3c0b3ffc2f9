"""Notebook templates: shipped in the package and saved by the teacher as class templates.

A template is an ``.ipynb`` file. Its title and description live in the notebook metadata
(``metadata.classroom.title`` / ``.description``), its kernel in ``metadata.kernelspec``. Cells may
use the broker placeholders of :mod:`.snippets` (``{{host}}``, ``{{port}}``, ...), filled by the
lab extension when a student creates a notebook from the template.

Folders searched, first wins for a name: every ``classroom/templates`` folder of
``jupyter_core.paths.jupyter_path``, then the package. Class templates are written to
``{venv}/share/jupyter/classroom/templates`` (:func:`add_class_template`).

Translations: a template ``NAME.ipynb`` may have a German version ``de/NAME.ipynb`` in the same
folder (prose and comments in German, the same code). With ``locale`` ``de...`` (the UI language
the browser or the teacher's hand-out sends) the German version is listed and served; other
languages, and templates without one, get the template itself.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .audit import SYSTEM, auditor_for
from .errors import ClassroomError, NotFound

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_NOTEBOOK = 2 * 1024 * 1024


@dataclass(frozen=True)
class Template:
    """A notebook template as listed in the launcher and File -> New."""

    name: str
    title: str
    description: str
    language: str
    kernel: str
    source: str  # "package" or "class"
    path: str
    translation: str = ""  # "de" when the German version (de/NAME.ipynb) is served, else ""

    def to_json(self) -> dict[str, Any]:
        """The JSON form answered by ``GET /classroom/api/templates``."""
        return asdict(self)


def template_search_path(extra: list[Path] | None = None) -> list[tuple[Path, str]]:
    """The folders searched, in precedence order, each with its source label."""
    from jupyter_core.paths import jupyter_path

    folders = [(Path(p), "class") for p in extra or []]
    folders += [(Path(p), "class") for p in jupyter_path("classroom", "templates")]
    folders.append((PACKAGE_TEMPLATES, "package"))
    return folders


#: languages with translated templates (a subfolder of that name next to the templates)
TRANSLATIONS = ("de",)


def translation_of(locale: str | None) -> str:
    """The translation folder for a UI locale (``de``, ``de_DE``, ``de-AT`` -> "de"), else ""."""
    lang = (locale or "").strip().lower().replace("_", "-").split("-")[0]
    return lang if lang in TRANSLATIONS else ""


def _translated(file: Path, translation: str) -> tuple[Path, dict[str, Any]] | None:
    """The German (etc.) version of ``file`` and its notebook, if there is a readable one."""
    if not translation:
        return None
    other = file.parent / translation / file.name
    try:
        notebook = json.loads(other.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return (other, notebook) if isinstance(notebook, dict) else None


def _describe(name: str, notebook: dict[str, Any], source: str, path: str,
              translation: str = "") -> Template:
    meta = notebook.get("metadata") or {}
    classroom = meta.get("classroom") or {}
    kernelspec = meta.get("kernelspec") or {}
    language = (
        kernelspec.get("language") or (meta.get("language_info") or {}).get("name") or ""
    ).lower()
    return Template(
        name=name,
        title=str(classroom.get("title") or name.replace("_", " ").replace("-", " ")),
        description=str(classroom.get("description") or ""),
        language=language,
        kernel=str(kernelspec.get("name") or ""),
        source=source,
        path=path,
        translation=translation,
    )


def _scan(search_path: list[tuple[Path, str]] | None,
          locale: str | None = None) -> dict[str, tuple[Template, Path]]:
    translation = translation_of(locale)
    found: dict[str, tuple[Template, Path]] = {}
    for folder, source in search_path if search_path is not None else template_search_path():
        if not folder.is_dir():
            continue
        for file in sorted(folder.glob("*.ipynb")):
            name = file.stem
            if not NAME_RE.fullmatch(name) or name in found:
                continue
            try:
                notebook = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a broken class template must not hide the others
            if not isinstance(notebook, dict):
                continue
            other = _translated(file, translation)
            if other is not None:  # the template's own version in the UI language
                file, notebook = other
            found[name] = (_describe(name, notebook, source, str(file),
                                     translation if other is not None else ""), file)
    return found


def list_templates(search_path: list[tuple[Path, str]] | None = None,
                   locale: str | None = None) -> list[Template]:
    """Every template, a class template overriding a shipped one of the same name; in the
    language of ``locale`` where the template has a version in it."""
    return sorted((t for t, _ in _scan(search_path, locale).values()),
                  key=lambda t: (t.source, t.name))


def get_template(name: str, search_path: list[tuple[Path, str]] | None = None,
                 locale: str | None = None) -> dict[str, Any]:
    """One template with its notebook JSON (``{"template": {...}, "notebook": {...}}``), in the
    language of ``locale`` if the template has a version in it (else the template itself)."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ClassroomError(
            "Template names are made of a-z, 0-9, '_' and '-'.", code="invalid_name"
        )
    found = _scan(search_path, locale).get(name)
    if found is None:
        raise NotFound(f"There is no template called {name!r}.")
    template, path = found
    return {"template": template.to_json(), "notebook": json.loads(path.read_text("utf-8"))}


def class_templates_dir(paths: ClassroomPaths) -> Path:
    """Where class templates go: ``{venv}/share/jupyter/classroom/templates``."""
    return paths.class_templates


def validate_notebook(notebook: Any) -> dict[str, Any]:
    """Check that ``notebook`` is an nbformat 4 notebook; return a copy without outputs."""
    if not isinstance(notebook, dict):
        raise ClassroomError(
            "The template must be a notebook (JSON object).", code="invalid_notebook"
        )
    import nbformat

    try:
        node = nbformat.from_dict(copy.deepcopy(notebook))
        if node.get("nbformat") != 4:
            raise ValueError("only nbformat 4 notebooks are supported")
        nbformat.validate(node)
    except Exception as exc:  # nbformat raises several kinds of errors
        raise ClassroomError(
            f"This is not a valid notebook: {str(exc).splitlines()[0][:300]}",
            code="invalid_notebook",
        ) from exc
    clean: dict[str, Any] = json.loads(json.dumps(node))
    for cell in clean.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return clean


def add_class_template(paths: ClassroomPaths, *, actor: str = SYSTEM, **fields: Any) -> dict[str, Any]:
    """Save a notebook as a class template (see :func:`_add_class_template` for the fields and
    checks); one audit line (``template.add``) under ``actor``."""
    return auditor_for(paths, actor).run(
        "template.add", str(fields.get("name")), lambda: _add_class_template(paths, **fields))


def _add_class_template(
    paths: ClassroomPaths,
    *,
    name: str,
    title: str,
    notebook: Any,
    description: str = "",
) -> dict[str, Any]:
    """Save ``notebook`` as a class template that every student sees in the launcher.

    Validates the name (``[a-z0-9_-]``), the title (one line, at most 120 characters) and the
    notebook (nbformat 4, at most 2 MB) before writing; outputs are cleared; the file is written
    atomically and world-readable. Re-saving the same notebook reports ``changed: False``.
    """
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise ClassroomError(
            "The template's file name must be 1-64 characters of a-z, 0-9, '_' or '-', "
            "starting with a letter or digit.",
            code="invalid_name",
        )
    if not isinstance(title, str) or not title.strip():
        raise ClassroomError("Give the template a title.", code="invalid_title")
    title = title.strip()
    if len(title) > 120 or any(ord(c) < 32 for c in title):
        raise ClassroomError(
            "The title must be one line of at most 120 characters.", code="invalid_title"
        )
    if not isinstance(description, str) or len(description) > 500:
        raise ClassroomError(
            "The description must be text of at most 500 characters.", code="invalid_description"
        )
    clean = validate_notebook(notebook)
    clean.setdefault("metadata", {})["classroom"] = {
        "title": title,
        "description": description.strip(),
    }
    text = json.dumps(clean, indent=1, ensure_ascii=False) + "\n"
    if len(text.encode("utf-8")) > MAX_NOTEBOOK:
        raise ClassroomError("The notebook is larger than 2 MB.", code="too_large")
    folder = class_templates_dir(paths)
    for d in (folder.parent, folder):
        d.mkdir(mode=0o755, parents=True, exist_ok=True)
        d.chmod(0o755)
    path = folder / f"{name}.ipynb"
    changed = write_text_atomic(path, text, mode=0o644)
    return {"name": name, "path": str(path), "changed": changed}
