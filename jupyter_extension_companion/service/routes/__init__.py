"""The service's route table: every area module contributes its ``ROUTES``.

To add an area, write ``service/routes/<area>.py`` with ``ROUTES: list[Route]`` and add one line
to ``AREAS`` below. The tornado app, the OpenAPI document and the authorization tests all read
:func:`all_routes`.
"""

from __future__ import annotations

from types import ModuleType

from ..base import Route
from . import (
    broker,
    classes,
    credentials,
    culling,
    jobs,
    kernels,
    lesson,
    libs,
    meta,
    notebooks,
    roster,
    school,
    trash,
    users,
)

AREAS: list[ModuleType] = [
    meta,
    users,
    roster,
    classes,
    credentials,
    jobs,
    broker,
    libs,
    kernels,
    notebooks,
    culling,
    trash,
    school,
    lesson,
]


def all_routes() -> list[Route]:
    """Every route of the service, in table order (patterns are unique)."""
    routes = [route for area in AREAS for route in area.ROUTES]
    seen: set[str] = set()
    for route in routes:
        if route.pattern in seen:
            raise RuntimeError(f"route {route.pattern} is defined twice")
        seen.add(route.pattern)
    return routes
