"""Service routes for the class's shared libraries (issue 4): jars and Python packages.

- ``GET /api/v1/jars`` -> {jars: [JarInfo], trash: [file], folder}
- ``POST /api/v1/jars/maven`` {coords, repository?, with_dependencies?} -> {job} (result: {changes})
- ``POST /api/v1/jars/upload`` {filename, data_base64} -> Change (JSON with base64: the only
  body format, so the server extension's forwarder passes it unchanged)
- ``DELETE /api/v1/jars/{file}`` -> Change (moved to the trash)
- ``POST /api/v1/jars/{file}/restore`` -> Change
- ``GET /api/v1/pylibs`` -> {packages: [{name, version, files}], folder}
- ``POST /api/v1/pylibs`` {requirement} -> {job} (result: Change)
- ``DELETE /api/v1/pylibs/{name}`` -> Change (moved to the trash)
- ``POST /api/v1/pylibs/{name}/restore`` -> Change
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ...provision.errors import ClassroomError
from ...provision.jar_files import MAX_JAR_BYTES, check_jar_name
from ...provision.jars import JarStore
from ...provision.maven import MAVEN_CENTRAL, Coordinates, normalize_repository
from ...provision.pylibs import SharedPythonLibs, parse_requirement
from ..base import KIB, ClassroomHandler, Route, json_body_schema, op
from .trash import restore_route


def _changes_json(changes: list[Any]) -> dict[str, Any]:
    restart: list[str] = []
    for c in changes:
        restart += [k for k in c.restart if k not in restart]
    return {"changes": [c.to_json() for c in changes], "restart": restart}


class JarsHandler(ClassroomHandler):
    async def get(self) -> None:
        store = JarStore(self.ctx.paths)
        jars = await self.blocking(store.list)
        self.send(
            {
                "jars": [j.to_json() for j in jars],
                "trash": await self.blocking(store.trashed),
                "folder": str(store.folder),
            }
        )


class JarsMavenHandler(ClassroomHandler):
    async def post(self) -> None:
        body = self.json_body()
        coords = body.get("coords")
        repository = body.get("repository") or MAVEN_CENTRAL
        with_deps = body.get("with_dependencies", False)
        if not isinstance(coords, str):
            raise ClassroomError("'coords' (group:artifact:version) is required", code="bad_field")
        if not isinstance(repository, str) or not isinstance(with_deps, bool):
            raise ClassroomError("'repository' must be a URL and 'with_dependencies' a boolean")
        # validate before the job starts: a bad request answers 400 at once
        Coordinates.parse(coords)
        repository = normalize_repository(repository)
        store = JarStore(self.ctx.paths, actor=self.actor)

        def work(progress: Any) -> dict[str, Any]:
            return _changes_json(store.add_maven(coords, repository, with_deps, progress=progress))

        job_id = self.ctx.jobs.start(work, kind="jars.maven", owner=self.actor)
        self.send({"job": job_id}, status=202)


class JarsUploadHandler(ClassroomHandler):
    async def post(self) -> None:
        body = self.json_body()
        filename = body.get("filename")
        data_b64 = body.get("data_base64")
        if not isinstance(filename, str) or not isinstance(data_b64, str):
            raise ClassroomError("'filename' and 'data_base64' are required", code="bad_field")
        check_jar_name(filename)
        if len(data_b64) > (MAX_JAR_BYTES * 4) // 3 + 8:
            raise ClassroomError(
                f"The file is larger than {MAX_JAR_BYTES // (1024 * 1024)} MB",
                code="too_large",
                status=413,
            )
        try:
            data = base64.b64decode(data_b64, validate=True)
        except (binascii.Error, ValueError) as e:
            raise ClassroomError(f"'data_base64' is not valid base64: {e}", code="bad_field") from e
        store = JarStore(self.ctx.paths, actor=self.actor)
        change = await self.blocking(store.add_upload, filename, data)
        self.send(change.to_json())


class JarHandler(ClassroomHandler):
    async def delete(self, file: str) -> None:
        store = JarStore(self.ctx.paths, actor=self.actor)
        self.send((await self.blocking(store.remove, file)).to_json())


class PyLibsHandler(ClassroomHandler):
    async def get(self) -> None:
        libs = SharedPythonLibs(self.ctx.paths)
        items = await self.blocking(libs.list)
        self.send({"packages": [p.to_json() for p in items], "folder": str(libs.folder),
                   "trash": await self.blocking(libs.trashed)})

    async def post(self) -> None:
        body = self.json_body()
        requirement = body.get("requirement")
        if not isinstance(requirement, str):
            raise ClassroomError(
                "'requirement' (NAME or NAME==VERSION) is required", code="bad_field"
            )
        parse_requirement(requirement)
        libs = SharedPythonLibs(self.ctx.paths, actor=self.actor)

        def work(progress: Any) -> dict[str, Any]:
            return libs.install(requirement, progress=progress).to_json()

        job_id = self.ctx.jobs.start(work, kind="pylibs.install", owner=self.actor)
        self.send({"job": job_id}, status=202)


class PyLibHandler(ClassroomHandler):
    async def delete(self, name: str) -> None:
        libs = SharedPythonLibs(self.ctx.paths, actor=self.actor)
        self.send((await self.blocking(libs.remove, name)).to_json())


_JOB = "-> {job} (202); poll GET /api/v1/jobs/{id}"

ROUTES: list[Route] = [
    Route(
        "/api/v1/jars",
        JarsHandler,
        {
            "get": op(
                "The shared jars -> {jars: [{file, size, sha256, coords, maven, kernels}], trash, folder}"
            )
        },
    ),
    Route(
        "/api/v1/jars/maven",
        JarsMavenHandler,
        {
            "post": op(
                "Add a jar by Maven coordinates, verified against the repository's checksums "
                f"{_JOB}; result {{changes, restart}}",
                body=json_body_schema(
                    {
                        "coords": {
                            "type": "string",
                            "example": "org.apache.commons:commons-csv:1.10.0",
                        },
                        "repository": {"type": "string", "default": MAVEN_CENTRAL},
                        "with_dependencies": {"type": "boolean", "default": False},
                    },
                    ["coords"],
                ),
            )
        },
    ),
    Route(
        "/api/v1/jars/upload",
        JarsUploadHandler,
        {
            "post": op(
                "Upload a .jar (JSON body, the file base64-encoded; at most 50 MB) -> Change; "
                "refused (400) if it is not a safe jar",
                body=json_body_schema(
                    {
                        "filename": {
                            "type": "string",
                            "pattern": r"^[A-Za-z0-9][A-Za-z0-9._+\-]*\.jar$",
                        },
                        "data_base64": {"type": "string", "format": "byte"},
                    },
                    ["filename", "data_base64"],
                ),
            )
        },
        max_body=(MAX_JAR_BYTES * 4) // 3 + 64 * KIB,  # the jar, base64-encoded
    ),
    Route(
        "/api/v1/jars/{file}",
        JarHandler,
        {"delete": op("Move a shared jar to the trash -> Change")},
    ),
    restore_route("/api/v1/jars/{file}/restore", "jars", "a jar"),
    Route(
        "/api/v1/pylibs",
        PyLibsHandler,
        {
            "get": op("Shared Python packages -> {packages: [{name, version, files}], folder}"),
            "post": op(
                f"pip install --target the shared folder {_JOB}; result: Change",
                body=json_body_schema(
                    {"requirement": {"type": "string", "example": "paho-mqtt==2.1.0"}},
                    ["requirement"],
                ),
            ),
        },
    ),
    Route(
        "/api/v1/pylibs/{name}",
        PyLibHandler,
        {"delete": op("Move a shared Python package to the trash -> Change")},
    ),
    restore_route("/api/v1/pylibs/{name}/restore", "pylibs", "a Python package"),
]
