"""The hub's proxy class: JupyterHub's ``ConfigurableHTTPProxy`` that sends its token only to a
proxy API run by root.

JupyterHub sends ``CONFIGPROXY_AUTH_TOKEN`` with every proxy API request (routes on every spawn,
the periodic route check, the restart after a proxy crash). While the proxy is down another
account could answer on its API port; this class checks the listener first
(:func:`.provision.listeners.verify_listener`) and refuses to send otherwise. The generated
hub config selects it (``c.JupyterHub.proxy_class``).
"""

from __future__ import annotations

from typing import Any

from jupyterhub.proxy import ConfigurableHTTPProxy

from .provision import listeners


class VerifiedProxy(ConfigurableHTTPProxy):
    """``ConfigurableHTTPProxy`` whose API requests go only to a listener run by root."""

    async def api_request(self, path: str, method: str = "GET", body: Any = None,
                          client: Any = None) -> Any:
        listeners.verify_listener(self.api_url, "proxy API")
        return await super().api_request(path, method=method, body=body, client=client)
