"""Snippets and templates for every user of the single-user server (students too).

- ``GET /classroom/api/snippets[?language=python|java]`` -> ``{"snippets": [...], "placeholders": [...]}``
- ``GET /classroom/api/templates[?locale=de_DE]`` -> ``{"templates": [...]}``
- ``GET /classroom/api/templates/{name}[?locale=de_DE]`` -> ``{"template": {...}, "notebook": {...}}``
  (``locale``: the browser's UI language; a template's German version for ``de...``, else the
  template itself: ``provision/templates.py``)
- ``GET /classroom/api/broker`` -> ``{"settings": {...}}``: the class broker as the teacher last
  set it. JupyterLab reads ``overrides.json`` only when the server starts, so a student whose
  server kept running would otherwise get the old broker; the MQTT menu asks here on every
  page load (the student's own settings still win).

Read from the package and the Jupyter data path on every request, so a snippet the teacher
adds shows up on the next page load without restarting anyone's server.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import tornado
from jupyter_server.base.handlers import APIHandler

from ..paths import ClassroomPaths
from ..provision import broker, snippets, templates
from ..provision.errors import ClassroomError


class _Base(APIHandler):
    def fail(self, error: ClassroomError) -> None:
        self.set_status(error.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": error.message, "code": error.code}))


class SnippetsHandler(_Base):
    @tornado.web.authenticated
    def get(self) -> None:
        language = self.get_query_argument("language", None) or None
        try:
            found = snippets.list_snippets(
                language, snippets.snippet_search_path(class_search_extra("snippets"))
            )
        except ClassroomError as error:
            return self.fail(error)
        self.finish(
            json.dumps(
                {
                    "snippets": [s.to_json() for s in found],
                    "languages": list(snippets.LANGUAGES),
                    "placeholders": list(snippets.PLACEHOLDERS),
                }
            )
        )


class TemplatesHandler(_Base):
    @tornado.web.authenticated
    def get(self) -> None:
        search = templates.template_search_path(class_search_extra("templates"))
        locale = self.get_query_argument("locale", None)
        found = templates.list_templates(search, locale)
        self.finish(json.dumps({"templates": [t.to_json() for t in found]}))


class TemplateHandler(_Base):
    @tornado.web.authenticated
    def get(self, name: str) -> None:
        try:
            search = templates.template_search_path(class_search_extra("templates"))
            locale = self.get_query_argument("locale", None)
            self.finish(json.dumps(templates.get_template(name, search, locale)))
        except ClassroomError as error:
            self.fail(error)


def _class_paths() -> ClassroomPaths | None:
    """The host paths the classroom service writes into (its venv from ``CLASSROOM_VENV`` of
    the spawner environment in the hub config); None outside a classroom hub."""
    return ClassroomPaths() if os.environ.get("CLASSROOM_VENV") else None


def class_search_extra(kind: str) -> list[Path]:
    """The service's class folder for ``kind`` ("snippets"/"templates") when it is not already
    on this server's Jupyter path (it is on a provisioned host, where it is ``sys.prefix``)."""
    paths = _class_paths()
    if paths is None:
        return []
    return [paths.class_snippets if kind == "snippets" else paths.class_templates]


def lab_overrides_path() -> Path:
    """The ``overrides.json`` the classroom service writes (``ClassroomPaths``) in a classroom
    hub, else the one this server's JupyterLab reads (``{app_dir}/settings``; the same file on a
    provisioned host)."""
    paths = _class_paths()
    if paths is not None:
        return paths.lab_settings_overrides
    try:
        from jupyterlab.commands import get_app_dir

        return Path(get_app_dir()) / "settings" / "overrides.json"
    except ImportError:  # a plain jupyter_server without JupyterLab
        return Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


class BrokerHandler(_Base):
    @tornado.web.authenticated
    def get(self) -> None:
        try:
            settings = broker.read_class_broker(lab_overrides_path())
        except ClassroomError as error:
            return self.fail(error)
        self.finish(json.dumps({"settings": settings.to_settings()}))


#: (pattern below /classroom/api, handler), added to the table in ``server/routes.py``.
HANDLERS: list[tuple[str, type]] = [
    ("snippets", SnippetsHandler),
    ("templates", TemplatesHandler),
    ("templates/([^/]+)", TemplateHandler),
    ("broker", BrokerHandler),
]
