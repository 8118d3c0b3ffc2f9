"""Test system users: the name prefix ``clt`` + random letters, and a cleanup that removes
only the names a test made (never any other account)."""

from __future__ import annotations

import pwd
import secrets
import string
import subprocess
from collections.abc import Iterable

PREFIX = "clt"


def system_user_prefix() -> str:
    """A fresh prefix for one test run's users: ``clt`` + 5 random lowercase letters."""
    return PREFIX + "".join(secrets.choice(string.ascii_lowercase) for _ in range(5))


def remove_test_users(names: Iterable[str]) -> None:
    """``userdel -r`` each name that starts with ``clt`` and exists with a uid >= 1000."""
    for name in names:
        if not name.startswith(PREFIX):
            continue
        try:
            uid = pwd.getpwnam(name).pw_uid
        except KeyError:
            continue
        if uid < 1000:
            continue
        subprocess.run(["pkill", "-KILL", "-u", name], check=False)  # noqa: S603,S607
        subprocess.run(["userdel", "-r", "--", name], check=False,  # noqa: S603,S607
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
