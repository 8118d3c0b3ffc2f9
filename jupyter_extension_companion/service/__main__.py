"""``python -m jupyter_extension_companion.service``: run the classroom service (hub-managed).

The hub starts it with JUPYTERHUB_SERVICE_URL (where to listen), JUPYTERHUB_SERVICE_PREFIX,
JUPYTERHUB_API_URL and JUPYTERHUB_API_TOKEN; paths come from the CLASSROOM_* variables.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from urllib.parse import urlsplit

from .app import DEFAULT_PREFIX, ServiceContext, make_app


async def serve() -> None:
    url = urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", DEFAULT_PREFIX)
    ctx = ServiceContext.from_env()
    app = make_app(ctx, prefix=prefix)
    server = app.listen(url.port or 80, address=url.hostname or "127.0.0.1", xheaders=True)
    logging.getLogger("jupyter_extension_companion.service").info(
        "classroom service listening on %s%s", url.geturl().rstrip("/"), prefix
    )
    # kept credentials sheets are shredded when they expire, even if nobody asks for them
    from tornado.ioloop import PeriodicCallback

    def sweep() -> None:
        try:
            ctx.credentials.sweep()
        except OSError:
            logging.getLogger("jupyter_extension_companion.service").exception(
                "could not sweep the kept credentials")

    sweep()
    sweeper = PeriodicCallback(sweep, 60_000)
    sweeper.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    sweeper.stop()
    server.stop()
    ctx.executor.shutdown(wait=False, cancel_futures=True)


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("CLASSROOM_LOG_LEVEL", "INFO"),
        format="[%(levelname)1.1s %(asctime)s classroom-service] %(message)s",
    )
    asyncio.run(serve())


if __name__ == "__main__":
    main()
