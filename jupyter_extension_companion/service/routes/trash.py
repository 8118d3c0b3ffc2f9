"""Service routes for the one trash of jars, Python libraries and kernels (provision/trash.py).

- ``GET /api/v1/trash`` -> {jars, pylibs, kernels: [{kind, name, removed}]}
- ``POST /api/v1/trash/{kind}/{name}/restore`` -> Change (the same as the store's own restore)
"""

from __future__ import annotations

from ...provision import trash
from ..base import ClassroomHandler, Route, op


class TrashHandler(ClassroomHandler):
    async def get(self) -> None:
        self.send(await self.blocking(trash.everything, self.ctx.paths))


class TrashRestoreHandler(ClassroomHandler):
    async def post(self, kind: str, name: str) -> None:
        trash.check_kind(kind)
        change = await self.blocking(trash.restore, self.ctx.paths, kind, name, actor=self.actor)
        self.send(change.to_json())


def restore_handler(kind: str) -> type[ClassroomHandler]:
    """The handler of a store's own ``POST .../{name}/restore`` route (jars, pylibs, kernels)."""

    class RestoreHandler(TrashRestoreHandler):
        async def post(self, **path: str) -> None:  # type: ignore[override]
            (name,) = path.values()  # {file} or {name}: the route's one path parameter
            await super().post(kind=kind, name=name)

    return RestoreHandler


def restore_route(pattern: str, kind: str, what: str) -> Route:
    """A store's ``POST .../{name}/restore`` route (``what``: "a jar", ...)."""
    return Route(pattern, restore_handler(kind),
                 {"post": op(f"Bring {what} back from the trash -> Change")})


ROUTES: list[Route] = [
    Route(
        "/api/v1/trash",
        TrashHandler,
        {"get": op("What can be restored -> {jars, pylibs, kernels: [{kind, name, removed}]}")},
    ),
    Route(
        "/api/v1/trash/{kind}/{name}/restore",
        TrashRestoreHandler,
        {"post": op("Bring a jar, Python package or kernel (kind: jars, pylibs, kernels) back "
                    "from the trash -> Change")},
    ),
]
