"""Passwords of :class:`~.roster.Roster`: one student's (given or generated) and new generated
passwords for many students with ONE ``chpasswd``."""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from .audit import OK
from .errors import ClassroomError, NotFound
from .passwords import generate_password, password_problem
from .roster_base import RosterBase
from .roster_types import Credentials
from .usernames import USERNAME_RE, check_username


class RosterPasswords(RosterBase):
    """``set_password``/``new_passwords`` of :class:`~.roster.Roster`."""

    def set_password(self, name: str, password: str | None = None) -> Credentials:
        """Set a new password (generated if None). A disabled student stays disabled."""
        check_username(name)
        generated = password is None
        if password is None:
            password = generate_password()
        elif (problem := password_problem(password)) is not None:
            raise self._refused("set_password", name, ClassroomError(problem, code="bad_password"))
        account = self.accounts.get(name)
        if account is None:
            raise self._refused("set_password", name, NotFound(
                f"There is no system account {name!r}: add the student first."))
        try:
            self.accounts.set_passwords({name: password})
        except ClassroomError as exc:
            self._refused("set_password", name, exc)
            raise
        self.audit.record(self.actor, "user.set_password", name, OK, generated=generated)
        return Credentials(name, password, generated, account.full_name or None, "password set")

    def new_passwords(self, names: Iterable[str]) -> builtins.list[Credentials]:
        """Generate a new password for each of ``names`` with ONE ``chpasswd``; one sheet.

        Every name is checked before anything changes (a student twice, an unknown name, a
        system account or the acting teacher's own account refuse the whole call). Disabled
        students stay disabled. Returns the credentials in the order given.
        """
        wanted = builtins.list(names)
        if not wanted:
            raise ClassroomError("Choose at least one student.", code="missing_field")
        accounts = self.accounts.read_all()
        seen: set[str] = set()
        for name in wanted:
            if not isinstance(name, str) or not USERNAME_RE.fullmatch(name):
                raise ClassroomError(f"{name!r} is not a username.", code="invalid_username")
            if name in seen:
                raise ClassroomError(f"{name!r} is listed twice: name each student once.",
                                     code="duplicate")
            seen.add(name)
            account = accounts.get(name)
            if account is None or account.is_system:
                raise self._refused("set_password", name, NotFound(
                    f"There is no student account {name!r}: nothing was changed."))
            if name == self.actor:
                raise self._refused("set_password", name, ClassroomError(
                    "Your own password is not changed with the class: leave yourself out "
                    "(nothing was changed).", code="self", status=409))
        passwords = {name: generate_password() for name in wanted}
        try:
            self.accounts.set_passwords(passwords)
        except ClassroomError as exc:
            for name in wanted:
                self._refused("set_password", name, exc)
            raise
        for name in wanted:
            self.audit.record(self.actor, "user.set_password", name, OK, generated=True)
        return [Credentials(name, passwords[name], True, accounts[name].full_name or None,
                            "password set") for name in wanted]
