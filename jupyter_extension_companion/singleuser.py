"""``classroom-singleuser``: JupyterHub's single-user server without the hub's own modules.

Issue 14 (memory per student). ``jupyterhub-singleuser`` imports, through ``jupyterhub.log``
and ``jupyterhub.scopes``, the hub's database layer (SQLAlchemy, Alembic, Mako, Pygments,
cryptography) that a single-user server never uses; and every Jupyter server imports
``jsonschema``, which builds an RFC 3987 grammar with Lark at import (``rfc3987_syntax``, an
optional dependency for the ``iri`` formats that no Jupyter schema uses). Together about 40 MB
per student's server (bench/class-storm).

Before starting ``jupyterhub.singleuser.main`` this puts stand-ins for those modules in
``sys.modules``:

- ``jupyterhub.orm``, ``jupyterhub.roles``, ``sqlalchemy``: empty stand-ins. The server binds
  them at import but never reads them (``jupyterhub.scopes`` needs them only with a hub
  database session).
- ``sqlalchemy.exc.SQLAlchemyError`` (``jupyterhub.utils`` catches it in hub-side retries) and
  ``jupyterhub.handlers.pages.HealthCheckHandler`` (``jupyterhub.log`` does not log the hub's
  health checks): placeholder classes.
- ``rfc3987_syntax``: absent, so ``jsonschema`` leaves out its ``iri`` format checks, as it
  does when that optional package is not installed.

If anything reads any other name of a stand-in (a newer JupyterHub), all stand-ins are dropped
and the real modules loaded: the server then works as ``jupyterhub-singleuser`` does, only
without the saving (``tests/unit/test_singleuser.py`` notices that).
"""

from __future__ import annotations

import importlib
import sys
import threading
import types
from typing import Any

_lock = threading.RLock()
_stand_ins: dict[str, types.ModuleType] = {}
#: modules that are left out (the importer sees ImportError and does without them)
ABSENT = ("rfc3987_syntax",)


class _StandIn(types.ModuleType):
    """A module the server imports but does not use; the real one is loaded on first use."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(load_real_modules(self.__name__), name)


class SQLAlchemyError(Exception):
    """Placeholder for ``sqlalchemy.exc.SQLAlchemyError`` (no database in a user's server)."""


class HealthCheckHandler:
    """Placeholder for the hub's health-check handler (a user's server has none)."""


def install_stand_ins() -> None:
    """Put the stand-ins in ``sys.modules`` (before anything imports ``jupyterhub``)."""
    with _lock:
        presets: dict[str, dict[str, Any]] = {
            "sqlalchemy": {},
            "sqlalchemy.exc": {"SQLAlchemyError": SQLAlchemyError},
            "jupyterhub.orm": {},
            "jupyterhub.roles": {},
            "jupyterhub.handlers.pages": {"HealthCheckHandler": HealthCheckHandler},
        }
        for name, attrs in presets.items():
            if name in sys.modules:
                continue  # already loaded for real: nothing to save
            module = _StandIn(name, "stand-in: jupyter_extension_companion.singleuser")
            module.__dict__.update(attrs)
            _stand_ins[name] = sys.modules[name] = module
        for name, stand_in in _stand_ins.items():  # ``import a.b`` then reads ``a.b``
            parent, _, child = name.rpartition(".")
            if parent in _stand_ins or parent == "jupyterhub":
                setattr(importlib.import_module(parent), child, stand_in)
        for name in ABSENT:
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def load_real_modules(name: str) -> types.ModuleType:
    """Drop every stand-in and import the real module ``name``."""
    with _lock:
        for stand_in, module in list(_stand_ins.items()):
            if sys.modules.get(stand_in) is module:
                del sys.modules[stand_in]
        _stand_ins.clear()
        return importlib.import_module(name)


def main() -> int:
    install_stand_ins()
    from jupyterhub.singleuser import main as singleuser_main

    return int(singleuser_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
