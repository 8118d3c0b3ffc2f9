"""The classroom service application: context (hub auth, roster, jobs, audit) and tornado app."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tornado import web

from ..paths import ClassroomPaths
from ..provision.jobs import JobRegistry
from .base import NotFoundHandler, Route

log = logging.getLogger("jupyter_extension_companion.service")

DEFAULT_PREFIX = "/services/classroom/"


class HubIdentity:
    """Asks the hub who owns a token (``GET /hub/api/user``), with a short cache."""

    def __init__(self, api_url: str, api_token: str, cache_seconds: int = 10):
        from jupyterhub.services.auth import HubAuth

        self._auth = HubAuth(api_url=api_url, api_token=api_token, cache_max_age=cache_seconds)

    async def __call__(self, token: str) -> dict[str, Any] | None:
        return await self._auth.user_for_token(token, use_cache=True, sync=False)


@dataclass
class ServiceContext:
    """What the handlers share. Tests build one with fakes; ``from_env`` builds the real one."""

    paths: ClassroomPaths
    identify: Callable[[str], Any]
    roster_factory: Callable[[], Any]
    audit: Any
    hub_api_url: str = ""
    hub_token: str = ""
    jobs: JobRegistry = field(default_factory=JobRegistry)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="classroom")
    )
    _roster: Any = None

    @property
    def roster(self) -> Any:
        """The Roster (made on first use, so the service starts even if the hub is slow)."""
        if self._roster is None:
            self._roster = self.roster_factory()
        return self._roster

    def roster_for(self, actor: str) -> Any:
        """The Roster acting for ``actor`` (it writes the audit log under that name)."""
        roster = self.roster
        return roster.as_actor(actor) if hasattr(roster, "as_actor") else roster

    @classmethod
    def from_env(cls, paths: ClassroomPaths | None = None) -> ServiceContext:
        """The real context of a hub-managed service (JUPYTERHUB_* variables set by the hub)."""
        from ..provision.audit import AuditLog

        paths = paths or ClassroomPaths()
        api_url = os.environ["JUPYTERHUB_API_URL"]
        token = os.environ["JUPYTERHUB_API_TOKEN"]

        def make_roster() -> Any:
            from ..provision.hub_api import HubClient
            from ..provision.roster import Roster
            from ..provision.system_accounts import SystemAccounts

            return Roster(
                hub=HubClient(api_url, token), paths=paths, accounts=SystemAccounts(paths),
                audit=AuditLog(paths.audit_log),
            )

        return cls(
            paths=paths,
            identify=HubIdentity(api_url, token),
            roster_factory=make_roster,
            audit=AuditLog(paths.audit_log),
            hub_api_url=api_url,
            hub_token=token,
        )


def make_app(ctx: ServiceContext, prefix: str = DEFAULT_PREFIX, routes: list[Route] | None = None,
             **settings: Any) -> web.Application:
    """The tornado application serving ``routes`` (default: the whole table) below ``prefix``."""
    from .routes import all_routes

    table = all_routes() if routes is None else routes
    handlers: list[Any] = [
        (r.tornado_pattern(prefix), r.handler, {}) for r in table
    ]
    handlers.append((prefix.rstrip("/") + r"(/.*)?", NotFoundHandler, {}))
    return web.Application(
        handlers,
        classroom=ctx,
        classroom_prefix=prefix,
        classroom_routes=table,
        **settings,
    )
