"""Service routes to look at a student's notebooks without opening their server (issues 8, 13).

- ``GET /api/v1/users/{name}/notebooks`` -> NotebookListing
  ``{student, notebooks: [{path, name, size, modified}], truncated, skipped}``
- ``GET /api/v1/users/{name}/notebooks/content?path=REL`` -> NotebookCopy
  ``{student, path, size, modified, notebook}`` (every cell ``metadata.trusted = false``)

Read as root by :mod:`~...provision.student_notebooks`, which never follows a symlink in the
student's home; every listing and view is in the audit log.
"""

from __future__ import annotations

from ...provision.student_notebooks import StudentNotebooks
from ..base import ClassroomHandler, Route, op


class _NotebooksHandler(ClassroomHandler):
    @property
    def notebooks(self) -> StudentNotebooks:
        return StudentNotebooks(self.ctx.paths, audit=self.ctx.audit)


class NotebookListHandler(_NotebooksHandler):
    async def get(self, name: str) -> None:
        viewer, actor = self.notebooks, self.actor
        listing = await self.blocking(lambda: viewer.list_notebooks(name, actor=actor))
        self.send(listing.to_json())


class NotebookContentHandler(_NotebooksHandler):
    async def get(self, name: str) -> None:
        path = self.get_query_argument("path", "")
        viewer, actor = self.notebooks, self.actor
        copy = await self.blocking(lambda: viewer.read_notebook(name, path, actor=actor))
        self.send(copy.to_json())


ROUTES: list[Route] = [
    Route("/api/v1/users/{name}/notebooks", NotebookListHandler, {
        "get": op("List the notebooks in the student's ~/notebooks (read as root, no symlink "
                  "followed) -> {student, notebooks: [{path, name, size, modified}], "
                  "truncated, skipped}"),
    }),
    Route("/api/v1/users/{name}/notebooks/content", NotebookContentHandler, {
        "get": op("One notebook of the student, every cell untrusted -> {student, path, size, "
                  "modified, notebook}; refused for symlinks, non-regular or foreign files, "
                  "'..' and files over the size cap",
                  query=[{"name": "path", "in": "query", "required": True,
                          "schema": {"type": "string"}}]),
    }),
]
