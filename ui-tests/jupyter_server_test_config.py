"""A plain JupyterLab (no hub) for the Galata specs that use Galata's own fixtures.

Started by playwright.config.js (webServer) with the Python of the dev venv; the Classroom
extension must show its "needs JupyterHub" sidebar here instead of failing.
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821
configure_jupyter_server(c)
c.ServerApp.port = int(os.environ["CLASSROOM_UI_LAB_PORT"])
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.allow_root = True
