"""The hub's spawner: JupyterHub's ``LocalProcessSpawner`` that routes a student's traffic only
to a server run by that student.

``LocalProcessSpawner`` picks a free port (bind to port 0, close), starts the server on it, and
the hub then polls ``http://127.0.0.1:PORT/user/NAME/api``: *any* answer below 500, even a 404,
counts as "up", and the proxy route is added. Between the pick and the server's bind, anything
may take the port: a kernel (five random ports each), another student's server that picked the
same port (a 30-student storm picks hundreds), or a student waiting for it. The server then
fails to bind (``port_retries = 0``), but the hub may already have heard an answer from the
other listener: the route points at someone else's server, the student's requests (with their
cookies and tokens) go there and get a 404 (issue 14: one 404 on a kernel POST right after the
route was added).

:class:`VerifiedSpawner` returns from ``start`` only once a socket of the student's own uid
listens on the port (read from the kernel with :func:`.provision.listeners.listening_sockets`,
about 1 ms), so the hub's first poll finds the right server. When another account holds the
port, the server is stopped and started again on a new port (``start_attempts`` times). The
generated hub config selects it (``c.JupyterHub.spawner_class``).
"""

from __future__ import annotations

import asyncio
import pwd
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Float, Integer

from .provision import listeners


class PortTaken(RuntimeError):
    """Another account listens on the port the server was given."""


class VerifiedSpawner(LocalProcessSpawner):
    """``LocalProcessSpawner`` that hands out a server's address only when its user listens there."""

    start_attempts = Integer(3, config=True,
                             help="How often to start the server on a new port when another "
                                  "account holds the one it was given.")
    listen_poll_interval = Float(0.25, config=True,
                                 help="Seconds between two looks at the server's port.")

    async def start(self) -> Any:
        random_port = self.port == 0  # type: ignore[has-type]
        uid = pwd.getpwnam(self.user.name).pw_uid
        for attempt in range(1, self.start_attempts + 1):
            address = await super().start()
            port = int(address[1])
            outcome = await self._wait_listening(uid, port)
            if outcome != "taken":
                # "own", or the server exited / is slow: the hub's own checks report that
                return address
            self.log.warning("%s's server could not have port %d: another account listens "
                             "there (attempt %d of %d)", self.user.name, port, attempt,
                             self.start_attempts)
            await self.stop(now=True)
            if not random_port:
                break
            self.port = 0
        raise PortTaken(f"{self.user.name}'s server found its port taken by another account "
                        f"{self.start_attempts} times; try again.")

    async def _wait_listening(self, uid: int, port: int) -> str:
        """"own" once only ``uid`` listens on ``port``; "taken" when another account does and
        the server is gone; "exited" or "slow" otherwise (left to the hub's own checks)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.9 * min(self.start_timeout, self.http_timeout)
        while True:
            found = listeners.listening_sockets([port])
            foreign = [s for s in found if s.uid != uid]
            if found and not foreign:
                return "own"
            if await self.poll() is not None:
                return "taken" if foreign else "exited"
            if loop.time() > deadline:
                return "slow"
            await asyncio.sleep(self.listen_poll_interval)
