"""Keep this server's hub token away from the user's kernels and terminals (issue 8, item 6).

JupyterHub hands the single-user server its API token in ``$JUPYTERHUB_API_TOKEN``; every child
the server starts (kernels, terminals, language servers) would inherit it. A teacher's server
token carries the classroom service's scope, so code the teacher runs (a student's notebook
opened to grade it, say) could reach the service, which acts as root. So, when the extension
loads (after JupyterHub's own ``HubOAuth`` has been made to read the token):

- the token is kept in this module for the forwarder and removed from ``os.environ`` (also the
  old name ``JPY_API_TOKEN``): kernels, terminals and anything else started later get none;
- the server process is marked not dumpable (``prctl(PR_SET_DUMPABLE, 0)``): its
  ``/proc/<pid>/environ`` and memory, which still hold the token JupyterHub started it with,
  are then closed to the user's other processes (a kernel reading its parent's environment).
  Kernels ``exec`` a new program and are dumpable as usual.
"""

from __future__ import annotations

import ctypes
import logging
import os
from typing import Any

log = logging.getLogger("jupyter_extension_companion.server")

HIDDEN_VARIABLES = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN")
PR_SET_DUMPABLE = 4
_token: str | None = None


def server_token() -> str | None:
    """This server's hub token (kept here once :func:`hide_from_children` ran)."""
    return _token if _token is not None else os.environ.get("JUPYTERHUB_API_TOKEN")


def _not_dumpable() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _hub_auths(server_app: Any) -> list[Any]:
    """JupyterHub's ``hub_auth`` objects of the server (made now if they were not yet)."""
    owners: list[Any] = [getattr(server_app, "identity_provider", None),
                         getattr(server_app, "starter_app", None)]
    manager = getattr(server_app, "extension_manager", None)
    if manager is not None:
        for apps in manager.extension_apps.values():
            owners.extend(apps)
    found: list[Any] = []
    for owner in owners:
        has_trait = getattr(owner, "has_trait", None)
        if callable(has_trait) and has_trait("hub_auth"):
            hub_auth = owner.hub_auth
            if hub_auth is not None and all(hub_auth is not f for f in found):
                found.append(hub_auth)
    return found


def hide_from_children(server_app: Any) -> bool:
    """Take the hub token out of the environment children inherit; True if it was there."""
    global _token
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not token or not os.environ.get("JUPYTERHUB_USER"):
        return False  # not started by a hub: nothing to hide
    # JupyterHub's HubOAuth objects (the identity provider's, and the single-user app's own,
    # which reports activity) read $JUPYTERHUB_API_TOKEN lazily: make them read it now.
    for hub_auth in _hub_auths(server_app):
        if not hub_auth.api_token:
            hub_auth.api_token = token
    _token = token
    for name in HIDDEN_VARIABLES:
        os.environ.pop(name, None)
    if not _not_dumpable():
        log.warning("could not mark the server not dumpable: kernels may read the hub token "
                    "from /proc/%s/environ", os.getpid())
    return True
