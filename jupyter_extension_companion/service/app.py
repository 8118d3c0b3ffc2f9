"""The classroom service application: context (hub auth, roster, jobs, audit) and tornado app."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tornado import web

from ..paths import ClassroomPaths
from ..provision.hubconfig import SERVICE_NAME
from .base import NotFoundHandler, Route
from .jobs import JobRegistry
from .roster_previews import RosterUploads

log = logging.getLogger("jupyter_extension_companion.service")

DEFAULT_PREFIX = f"/services/{SERVICE_NAME}/"


def service_access_scopes(name: str = SERVICE_NAME) -> set[str]:
    """The scope a token needs to use this service (HubAuth's default for a service)."""
    return {f"access:services!service={name}"}


def token_has_scopes(required: set[str], model: dict[str, Any]) -> bool:
    """True if the hub's model of a token (``scopes``: the *token's* scopes) grants one of
    ``required``; JupyterHub's own scope check (filters such as ``!service=`` resolved)."""
    from jupyterhub.services.auth import check_scopes

    scopes = model.get("scopes")
    if not isinstance(scopes, list):
        return False
    return bool(check_scopes(required, set(scopes)))


class HubIdentity:
    """Asks the hub who owns a token and what it may do (``GET /hub/api/user``), through
    JupyterHub's :class:`HubAuth`.

    An answer is used for at most ``cache_seconds`` after it was asked for (a revoked token or
    a teacher no longer admin loses access within that time). A token used again after half
    that time is checked anew in the background, so a caller that keeps asking (the class
    live panel, every few seconds) never waits for the hub, and the bound still holds."""

    def __init__(self, api_url: str, api_token: str, access_scopes: set[str],
                 cache_seconds: int = 10):
        from jupyterhub.services.auth import HubAuth

        self.auth = HubAuth(api_url=api_url, api_token=api_token, cache_max_age=cache_seconds,
                            access_scopes=access_scopes)
        self.max_age = cache_seconds
        self.clock = time.monotonic
        #: sha256 of the token -> (when the hub was asked, its answer)
        self._seen: dict[str, tuple[float, dict[str, Any]]] = {}
        self._checking: dict[str, asyncio.Task[Any]] = {}

    async def __call__(self, token: str) -> dict[str, Any] | None:
        key = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
        cached = self._seen.get(key)
        if cached is not None:
            age = self.clock() - cached[0]
            if age < self.max_age:
                if age >= self.max_age / 2 and key not in self._checking:
                    task = asyncio.ensure_future(self._ask(key, token))
                    self._checking[key] = task
                    task.add_done_callback(lambda t: self._checked(key, t))
                return cached[1]
        return await self._ask(key, token)

    async def _ask(self, key: str, token: str) -> dict[str, Any] | None:
        asked = self.clock()
        model = await self.auth.user_for_token(token, use_cache=False, sync=False)
        # forget what is too old to be used (no token stays in memory longer than that)
        self._seen = {k: v for k, v in self._seen.items() if asked - v[0] < self.max_age}
        if model:
            current = self._seen.get(key)
            if current is None or current[0] < asked:
                self._seen[key] = (asked, model)
        else:
            self._seen.pop(key, None)
        return model

    def _checked(self, key: str, task: asyncio.Task[Any]) -> None:
        self._checking.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            # the cached answer expires on time; the next request asks the hub in the open
            log.warning("background token check failed: %s", task.exception())


@dataclass
class ServiceContext:
    """What the handlers share. Tests build one with fakes; ``from_env`` builds the real one."""

    paths: ClassroomPaths
    identify: Callable[[str], Any]
    roster_factory: Callable[[], Any]
    audit: Any
    hub_api_url: str = ""
    hub_token: str = ""
    #: a token must carry one of these scopes (besides its owner being a hub admin)
    access_scopes: set[str] = field(default_factory=service_access_scopes)
    jobs: JobRegistry = field(default_factory=JobRegistry)
    #: roster files between upload and apply (the uploader's own, for 30 minutes)
    uploads: RosterUploads = field(default_factory=RosterUploads)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="classroom")
    )
    _roster: Any = None
    _classes: Any = None
    _credentials: Any = None

    @property
    def credentials(self) -> Any:
        """Each teacher's last credentials sheet, kept 30 minutes (provision/credential_store)."""
        if self._credentials is None:
            from ..provision.credential_store import CredentialStore

            self._credentials = CredentialStore(self.paths, audit=self.audit)
        return self._credentials

    @property
    def roster(self) -> Any:
        """The Roster (made on first use, so the service starts even if the hub is slow)."""
        if self._roster is None:
            self._roster = self.roster_factory()
        return self._roster

    def classes_for(self, actor: str) -> Any:
        """The :class:`~..provision.classes.Classes` acting for ``actor`` (one shared instance,
        so class changes from concurrent requests run one at a time)."""
        if self._classes is None:
            from ..provision.classes import Classes

            roster = self.roster
            self._classes = Classes(roster.hub, roster.paths, audit=roster.audit)
        return self._classes.as_actor(actor)

    def class_actions_for(self, actor: str) -> Any:
        """Per-class operations (:class:`~..provision.class_actions.ClassActions`) for ``actor``."""
        from ..provision.class_actions import ClassActions

        return ClassActions(self.classes_for(actor), self.roster_for(actor))

    def has_access(self, model: dict[str, Any]) -> bool:
        """True if the token behind ``model`` (the hub's answer) carries the service's scope."""
        return token_has_scopes(self.access_scopes, model)

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

        scopes = service_access_scopes(os.environ.get("JUPYTERHUB_SERVICE_NAME", SERVICE_NAME))
        return cls(
            paths=paths,
            identify=HubIdentity(api_url, token, scopes),
            access_scopes=scopes,
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
        (r.tornado_pattern(prefix), r.handler, {"route": r}) for r in table
    ]
    handlers.append((prefix.rstrip("/") + r"(/.*)?", NotFoundHandler, {}))
    return web.Application(
        handlers,
        classroom=ctx,
        classroom_prefix=prefix,
        classroom_routes=table,
        **settings,
    )
