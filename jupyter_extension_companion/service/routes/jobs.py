"""Service route for long operations: GET /api/v1/jobs/{id}."""

from __future__ import annotations

from ...provision.errors import NotFound
from ..base import ClassroomHandler, Route, op


class JobHandler(ClassroomHandler):
    async def get(self, job_id: str) -> None:
        # Results can hold passwords shown once: only the teacher who started the job sees them.
        if self.ctx.jobs.owner_of(job_id) != self.actor:
            raise NotFound(f"No job {job_id!r} of yours.")
        self.send(self.ctx.jobs.get(job_id))


ROUTES: list[Route] = [
    Route("/api/v1/jobs/{job_id}", JobHandler, {
        "get": op("State of a long operation -> {id, kind, state, progress, result, error}"),
    }),
]
