"""JupyterLab Classroom: the lab extension's Python companion.

Sub-packages, one layer each: ``provision`` (host operations, plain Python), ``service`` (the
hub-managed REST service), ``server`` (the single-user server extension), ``installer`` (the
bootstrap's steps) and ``cli`` (the ``classroom`` command).
"""

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-classroom"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_extension_companion"}]


def _load_jupyter_server_extension(server_app) -> None:  # type: ignore[no-untyped-def]
    """Register the /classroom/api routes on the single-user (or plain) Jupyter server, keep
    the server's hub token away from its kernels and terminals (server/hub_token.py) and set the
    teacher's kernel culling (server/culling.py)."""
    from .server.culling import apply_kernel_culling
    from .server.hub_token import hide_from_children
    from .server.routes import setup_route_handlers
    from .server.school import install_page_config_hook

    setup_route_handlers(server_app.web_app)
    # school defaults in each Lab page (server/school.py)
    install_page_config_hook(server_app.web_app, getattr(server_app, "identity_provider", None))
    if hide_from_children(server_app):
        server_app.log.info("jupyterlab-classroom: the hub token is kept from kernels and "
                            "terminals")
    apply_kernel_culling(server_app)
    server_app.log.info("Registered jupyterlab-classroom server extension")
