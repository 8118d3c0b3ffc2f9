"""Service routes for the lesson (issue 13): hand out, collect, the class live.

- ``GET  /api/v1/handouts`` -> ``{assignments: [...]}`` (what was handed out, to whom)
- ``POST /api/v1/handouts`` ``{source, locale?, assignment?, classes?, students?, again?}`` -> 202
  ``{job}``; the job's result is a HandoutResult (per student: what happened to each file)
- ``POST /api/v1/handouts/{assignment}/collect`` ``{class?, students?}`` -> 202 ``{job}``; the
  job's result is a CollectResult (per student, missing students, the teacher's folder)
- ``POST /api/v1/handouts/{assignment}/return`` ``{student, path}`` -> the student's result:
  the teacher's annotated copy as a new file ``<name>-returned`` in the student's folder
- ``GET  /api/v1/live?class=NAME&errors=true&fresh=false`` -> ClassLive (online, servers,
  kernels and their state, memory, last error per student); without ``class`` every non-admin
  user; the hub's part may be a few seconds old unless ``fresh``

The work is done by :mod:`~...provision.handout` and :mod:`~...provision.class_live`, which
write the audit lines; the teacher is the acting hub user (never a name from the request).
"""

from __future__ import annotations

from typing import Any

from ...provision.errors import ClassroomError
from ..base import ClassroomHandler, Route, json_body_schema, op
from ..jsonify import to_json


def _names(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ClassroomError(f"'{key}' must be a list of names.", code="bad_field")
    return value


def _opt_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ClassroomError(f"'{key}' must be a string.", code="bad_field")
    return value or None


class _LessonHandler(ClassroomHandler):
    def lessons(self) -> Any:
        from ...provision.handout import Lessons

        return Lessons(self.ctx.paths, self.ctx.roster.hub, audit=self.ctx.audit,
                       actor=self.actor)


class HandoutsHandler(_LessonHandler):
    async def get(self) -> None:
        lessons = self.lessons()
        self.send({"assignments": await self.blocking(lessons.assignments)})

    async def post(self) -> None:
        body = self.json_body()
        source = _opt_str(body, "source")
        if not source:
            raise ClassroomError("'source' (a path below your ~/notebooks, or template:NAME) "
                                 "is required.", code="missing_field")
        assignment = _opt_str(body, "assignment")
        locale = _opt_str(body, "locale")  # the teacher's UI language: a template's version
        classes, students = _names(body, "classes"), _names(body, "students")
        again = body.get("again", False)
        if not isinstance(again, bool):
            raise ClassroomError("'again' must be true or false.", code="bad_field")
        if not classes and not students:
            raise ClassroomError("Name a class ('classes') or students ('students').",
                                 code="missing_field")
        lessons = self.lessons()

        def work(progress: Any) -> dict[str, Any]:
            return lessons.handout(source, assignment=assignment, classes=classes,
                                   students=students, again=again, locale=locale,
                                   progress=progress).to_json()

        self.send({"job": self.ctx.jobs.start(work, kind="handout", owner=self.actor)},
                  status=202)


class CollectHandler(_LessonHandler):
    async def post(self, assignment: str) -> None:
        body = self.json_body()
        class_name = _opt_str(body, "class")
        students = _names(body, "students")
        if not class_name and not students:
            raise ClassroomError("Name a class ('class') or students ('students').",
                                 code="missing_field")
        lessons = self.lessons()

        def work(progress: Any) -> dict[str, Any]:
            return lessons.collect(assignment, class_name=class_name, students=students,
                                   progress=progress).to_json()

        self.send({"job": self.ctx.jobs.start(work, kind="collect", owner=self.actor)},
                  status=202)


class ReturnHandler(_LessonHandler):
    async def post(self, assignment: str) -> None:
        body = self.json_body()
        student, path = _opt_str(body, "student"), _opt_str(body, "path")
        if not student or not path:
            raise ClassroomError("'student' and 'path' (your annotated copy, below your "
                                 "~/notebooks) are required.", code="missing_field")
        lessons = self.lessons()
        result = await self.blocking(lambda: lessons.return_file(assignment, student, path))
        self.send(to_json(result))


class LiveHandler(ClassroomHandler):
    async def get(self) -> None:
        from ...provision.class_live import class_live

        class_name = self.get_query_argument("class", None) or None
        errors = self.bool_arg("errors", True)
        fresh = self.bool_arg("fresh", False)
        hub, paths = self.ctx.roster.hub, self.ctx.paths
        live = await self.blocking(
            lambda: class_live(paths, hub, class_name, errors=errors, fresh=fresh))
        self.send(live.to_json())


_NAMES = {"type": "array", "items": {"type": "string"}}
ROUTES: list[Route] = [
    Route("/api/v1/handouts", HandoutsHandler, {
        "get": op("The handed-out assignments -> {assignments: [{name, source, teacher, "
                  "classes, students, files, updated, delivered}]}"),
        "post": op("Hand out a notebook or folder of your ~/notebooks (or template:NAME) to "
                   "classes and students as a job -> {job}; result: per student the outcome "
                   "and each file (written, suffixed, unchanged); never overwrites",
                   body=json_body_schema({
                       "source": {"type": "string"}, "locale": {"type": "string"},
                       "assignment": {"type": "string"},
                       "classes": _NAMES, "students": _NAMES, "again": {"type": "boolean"},
                   }, ["source"])),
    }),
    Route("/api/v1/handouts/{assignment}/collect", CollectHandler, {
        "post": op("Collect the assignment from a class (or students) into your "
                   "~/notebooks/collected/<assignment>/<class>/ as a job -> {job}; result: "
                   "per student, missing students",
                   body=json_body_schema({"class": {"type": "string"}, "students": _NAMES})),
    }),
    Route("/api/v1/handouts/{assignment}/return", ReturnHandler, {
        "post": op("Return your annotated copy (path below your ~/notebooks) to the student "
                   "as a new file <name>-returned in their ~/notebooks/<assignment>/ -> "
                   "{student, outcome, message, files}",
                   body=json_body_schema({"student": {"type": "string"},
                                          "path": {"type": "string"}}, ["student", "path"])),
    }),
    Route("/api/v1/live", LiveHandler, {
        "get": op("The class live: per student online, last activity, server, kernels and "
                  "their state, memory, last notebook error -> {class, time, students, "
                  "timings}",
                  query=[{"name": "class", "in": "query", "schema": {"type": "string"}},
                         {"name": "errors", "in": "query", "schema": {"type": "boolean"}},
                         {"name": "fresh", "in": "query", "schema": {"type": "boolean"}}]),
    }),
]
