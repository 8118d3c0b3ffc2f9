"""A small blocking client for the JupyterHub REST API (users, servers, the admin flag, groups).

Standard library only, so the CLI and the installer need nothing extra; the service calls it
from a thread. The CLI (root) reads the hub's address and the classroom service's token from
``paths.hub_access``, written by the hub config. The token goes out only over a connection that
root (or the caller itself) accepted (:mod:`.listeners`): a student listening on the hub's port
while the hub is down gets nothing.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ..paths import ClassroomPaths
from . import listeners
from .errors import ClassroomError, NotFound

PAGE_LIMIT = 200
PAGINATION = "application/jupyterhub-pagination+json"


class HubError(ClassroomError):
    """The hub refused a request or did not answer."""

    status = 502

    def __init__(self, message: str, *, hub_status: int | None = None, code: str = "hub_error"):
        super().__init__(message, code=code)
        self.hub_status = hub_status


class HubClient:
    """The hub's REST API at ``api_url`` (e.g. ``http://127.0.0.1:8081/hub/api``)."""

    def __init__(self, api_url: str, token: str, *, timeout: float = 30.0, hub_url: str = ""):
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.hub_url = hub_url
        self._opener = listeners.opener()

    @classmethod
    def from_state(cls, paths: ClassroomPaths) -> HubClient:
        """The client the hub config left for root in ``paths.hub_access`` (state/hub.json)."""
        try:
            data = json.loads(paths.hub_access.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ClassroomError(
                f"{paths.hub_access} is missing: is the hub installed? Run the installer.",
                code="no_hub",
                status=500,
            ) from None
        except PermissionError:
            raise ClassroomError(
                f"{paths.hub_access} is readable by root only: run this as root (sudo).",
                code="not_root",
                status=403,
            ) from None
        except ValueError as exc:
            raise ClassroomError(
                f"{paths.hub_access} is not valid JSON ({exc}): re-run the installer.",
                code="no_hub",
                status=500,
            ) from None
        return cls(data["api_url"], data["token"], hub_url=data.get("hub_url", ""))

    # ---- transport -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        accept: str = "application/json",
        ok_missing: bool = False,
        timeout: float | None = None,
    ) -> Any:
        """Send one request; returns the decoded JSON (or None for an empty answer).

        A 404 raises :class:`NotFound` unless ``ok_missing`` (then None is returned).
        """
        url = self.api_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        req.add_header("Accept", accept)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(req, timeout=timeout or self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            message = _hub_message(exc)
            if exc.code == 404:
                if ok_missing:
                    return None
                raise NotFound(f"The hub does not know it: {message}") from None
            raise HubError(
                f"The hub refused {method} {path} ({exc.code}): {message}", hub_status=exc.code
            ) from None
        except TimeoutError:
            raise HubError(
                f"The hub did not answer {method} {path} within {timeout or self.timeout:.0f} s.",
                code="hub_timeout",
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HubError(
                f"The hub at {self.api_url} does not answer ({reason}): is it running?",
                code="hub_unreachable",
            ) from None
        if not raw:
            return None
        return json.loads(raw)

    # ---- users ---------------------------------------------------------------------------

    def list_users(self, page_limit: int = PAGE_LIMIT, state: str | None = None) -> list[dict]:
        """Every hub user model (paged, ``page_limit`` per request).

        ``state="active"`` lists only users with a running or pending server (cheap).
        """
        users: list[dict] = []
        offset = 0
        while True:
            params: dict[str, Any] = {"offset": offset, "limit": page_limit}
            if state:
                params["state"] = state
            page = self.request("GET", "/users", params=params, accept=PAGINATION)
            if isinstance(page, list):  # a hub without pagination support
                return page
            items = page.get("items", [])
            users.extend(items)
            nxt = (page.get("_pagination") or {}).get("next")
            if not nxt or not items:
                return users
            offset = nxt.get("offset", offset + len(items))

    def count_users(self) -> int:
        """How many users the hub has (one small request)."""
        page = self.request("GET", "/users", params={"offset": 0, "limit": 1}, accept=PAGINATION)
        if isinstance(page, list):
            return len(self.list_users())
        return int((page.get("_pagination") or {}).get("total", 0))

    def get_user(self, name: str) -> dict | None:
        """The hub user model of ``name``, or None."""
        return self.request("GET", f"/users/{_q(name)}", ok_missing=True)

    def add_users(self, names: list[str], admin: bool = False) -> list[dict]:
        """Create many hub users in ONE request (names that exist already are skipped)."""
        if not names:
            return []
        # The hub commits each new user on its own (tens of ms each on a busy host): give a
        # large class the time it needs instead of giving up while the hub is still working.
        timeout = max(self.timeout, 60.0 + 0.5 * len(names))
        try:
            return self.request(
                "POST", "/users", {"usernames": list(names), "admin": admin}, timeout=timeout
            ) or []
        except HubError as exc:
            if exc.hub_status == 409:  # all of them exist already
                return []
            raise

    def delete_user(self, name: str) -> bool:
        """Delete the hub user (the hub stops its server first). False if there was none."""
        try:
            self.request("DELETE", f"/users/{_q(name)}")
        except NotFound:
            return False
        return True

    def set_admin(self, name: str, admin: bool) -> dict:
        """Set the user's admin flag (a teacher is a hub admin)."""
        return self.request("PATCH", f"/users/{_q(name)}", {"admin": admin})

    def start_server(self, name: str) -> None:
        """Ask the hub to start the user's default server (it may still be starting on return)."""
        self.request("POST", f"/users/{_q(name)}/server", {})

    def stop_server(self, name: str) -> None:
        """Ask the hub to stop the user's default server."""
        self.request("DELETE", f"/users/{_q(name)}/server")

    # ---- groups (a class is a hub group, see classes.py) ----------------------------------

    def list_groups(self, page_limit: int = PAGE_LIMIT) -> list[dict]:
        """Every hub group model (``name``, ``users``, ``properties``), paged."""
        groups: list[dict] = []
        offset = 0
        while True:
            page = self.request("GET", "/groups", params={"offset": offset, "limit": page_limit},
                                accept=PAGINATION)
            if isinstance(page, list):
                return page
            items = page.get("items", [])
            groups.extend(items)
            nxt = (page.get("_pagination") or {}).get("next")
            if not nxt or not items:
                return groups
            offset = nxt.get("offset", offset + len(items))

    def get_group(self, name: str) -> dict | None:
        """The hub group model of ``name``, or None."""
        return self.request("GET", f"/groups/{_q(name)}", ok_missing=True)

    def create_group(self, name: str, users: list[str] | None = None) -> bool:
        """Create the group (with ``users``); False if it existed already (nothing changed)."""
        try:
            self.request("POST", f"/groups/{_q(name)}", {"users": list(users or [])})
        except HubError as exc:
            if exc.hub_status == 409:
                return False
            raise
        return True

    def set_group_properties(self, name: str, properties: dict[str, Any]) -> dict:
        """Replace the group's ``properties`` (free-form JSON the hub keeps for us)."""
        return self.request("PUT", f"/groups/{_q(name)}/properties", properties)

    def add_group_members(self, name: str, users: list[str]) -> dict | None:
        """Add ``users`` (hub users) to the group; members already in it stay."""
        if not users:
            return None
        return self.request("POST", f"/groups/{_q(name)}/users", {"users": list(users)})

    def remove_group_members(self, name: str, users: list[str]) -> dict | None:
        """Remove ``users`` from the group (names not in it are ignored by the hub)."""
        if not users:
            return None
        return self.request("DELETE", f"/groups/{_q(name)}/users", {"users": list(users)})

    def delete_group(self, name: str) -> bool:
        """Delete the group (its users stay). False if there was none."""
        try:
            self.request("DELETE", f"/groups/{_q(name)}")
        except NotFound:
            return False
        return True

    def whoami(self) -> dict:
        """The model of the token's owner (a service or a user)."""
        return self.request("GET", "/user")


def server_running(model: dict) -> bool:
    """True if the user model shows a running (or starting) default server."""
    if model.get("server"):
        return True
    default = (model.get("servers") or {}).get("")
    return bool(default and (default.get("ready") or default.get("pending") == "spawn"))


def _q(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def _hub_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read().decode("utf-8", "replace")
    except OSError:
        return exc.reason or ""
    try:
        return json.loads(body).get("message") or body
    except (ValueError, AttributeError):
        return body.strip()[:500] or str(exc.reason)
