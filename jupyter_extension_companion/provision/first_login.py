"""The teacher's generated password, kept root-only until it is no longer needed.

The installer prints the password the moment it sets it and keeps a copy in
``{state}/first-login/NAME`` (folder 0700, file 0600), so that a later failure (a hub that does
not start, a closed terminal) never locks the teacher out: a re-run says where the copy is. The
copy is removed when the teacher first logs in (the hub's ``post_auth_hook``, see
:func:`first_login_hook`) or when a new password is set (``SystemAccounts.set_passwords``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic

FOLDER = "first-login"
log = logging.getLogger(__name__)


def _folder(state: ClassroomPaths | Path) -> Path:
    base = state.state if isinstance(state, ClassroomPaths) else Path(state)
    return base / FOLDER


def initial_password_path(state: ClassroomPaths | Path, username: str) -> Path:
    """Where the generated password of ``username`` is kept (whether or not it exists)."""
    return _folder(state) / username


def keep_initial_password(state: ClassroomPaths | Path, username: str, password: str) -> Path:
    """Keep ``password`` root-only until ``username`` first logs in; return the file."""
    folder = _folder(state)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = initial_password_path(state, username)
    write_text_atomic(path, password + "\n", mode=0o600)
    return path


def pending_initial_password(state: ClassroomPaths | Path, username: str) -> Path | None:
    """The kept password's file while ``username`` has not logged in yet, else None."""
    path = initial_password_path(state, username)
    return path if path.is_file() else None


def forget_initial_password(state: ClassroomPaths | Path, username: str) -> bool:
    """Remove the kept password of ``username``; True if there was one."""
    try:
        initial_password_path(state, username).unlink()
    except FileNotFoundError:
        return False
    return True


def first_login_hook(state: ClassroomPaths | Path) -> Callable[[Any, Any, Any], Any]:
    """A JupyterHub ``Authenticator.post_auth_hook`` that forgets the kept password at login."""

    def classroom_first_login(_authenticator: Any, _handler: Any, authentication: Any) -> Any:
        if isinstance(authentication, dict) and authentication.get("name"):
            try:
                if forget_initial_password(state, str(authentication["name"])):
                    log.info("first login of %s: removed the kept initial password",
                             authentication["name"])
            except OSError as e:  # a login never fails for this
                log.warning("could not remove the kept initial password: %s", e)
        return authentication

    return classroom_first_login
