"""The single-user server extension: ``/classroom/api/...`` (whoami, the admin forwarder, and
the students' snippets and templates). Registered by ``setup_route_handlers`` in ``routes.py``."""
