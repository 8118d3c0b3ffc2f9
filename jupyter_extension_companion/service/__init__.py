"""The classroom service: a hub-managed JupyterHub service (tornado) running as root.

``python -m jupyter_extension_companion.service`` serves ``/services/classroom/api/v1/...``.
Every request is authenticated against the hub (``base.ClassroomHandler.prepare``): the token's
owner must be a hub user with ``admin: true``; the acting name comes from the hub, never from the
request. Routes live in ``routes/<area>.py`` (``ROUTES: list[Route]``), collected in
``routes/__init__.py``; the OpenAPI document (``/api/v1/openapi.json``) is built from that table.
"""
