"""Service routes for the idle timeouts (issue 14; provision/culling.py).

- ``GET /api/v1/culling`` -> {kernel_idle_seconds, server_idle_seconds}
- ``PUT /api/v1/culling`` {kernel_idle_seconds?, server_idle_seconds?} -> Change + the new values
- ``GET /api/v1/capacity`` -> {students, memory_mb, per_student_mb, classroom_jvm}
"""

from __future__ import annotations

from ...provision.capacity import estimate
from ...provision.culling import parse_timeouts, read_timeouts, write_timeouts
from ..base import ClassroomHandler, Route, json_body_schema, op


class CullingHandler(ClassroomHandler):
    async def get(self) -> None:
        timeouts = await self.blocking(read_timeouts, self.ctx.paths)
        self.send(timeouts.to_json())

    async def put(self) -> None:
        current = (await self.blocking(read_timeouts, self.ctx.paths)).to_json()
        timeouts = parse_timeouts({**current, **self.json_body()})  # refuses before writing
        change = await self.blocking(write_timeouts, self.ctx.paths, timeouts, actor=self.actor)
        self.send({**change.to_json(), "timeouts": timeouts.to_json()})


class CapacityHandler(ClassroomHandler):
    async def get(self) -> None:
        cap = await self.blocking(estimate, self.ctx.paths)
        self.send(cap.to_json())


_SECONDS = {"type": "integer", "minimum": 0,
            "description": "0: never; otherwise 10 s to 7 days"}

ROUTES: list[Route] = [
    Route(
        "/api/v1/culling",
        CullingHandler,
        {
            "get": op("Idle timeouts -> {kernel_idle_seconds, server_idle_seconds}"),
            "put": op(
                "Set the idle timeouts (kernels: from each server's next start; servers: within "
                "seconds) -> Change + {timeouts}",
                body=json_body_schema({"kernel_idle_seconds": _SECONDS,
                                       "server_idle_seconds": _SECONDS}),
            ),
        },
    ),
    Route(
        "/api/v1/capacity",
        CapacityHandler,
        {"get": op("About how many active students with Java this host carries -> "
                   "{students, memory_mb, per_student_mb, classroom_jvm}")},
    ),
]
