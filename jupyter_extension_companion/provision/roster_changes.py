"""Changing students of :class:`~.roster.Roster`: disable/enable the login, remove (home archived
first), the teacher flag, and starting/stopping a student's server."""

from __future__ import annotations

from pathlib import Path

from .changes import Change
from .errors import ClassroomError, NotFound
from .hub_api import server_running
from .roster_base import RosterBase
from .usernames import check_username


class RosterChanges(RosterBase):
    """``disable``, ``enable``, ``remove``, ``set_teacher``, ``start_server``, ``stop_server``."""

    def disable(self, name: str) -> Change:
        """Lock the student's password and stop their server."""
        student = self._existing(name, "disable")
        self._not_self(name, "disable")
        changed = False
        if student.system_account:
            changed |= self.accounts.lock(name)
        if student.server_running:
            self._stop_and_wait(name)
            changed = True
        return self._done(name, "disable", changed, "login disabled, server stopped")

    def enable(self, name: str) -> Change:
        """Unlock the student's password."""
        student = self._existing(name, "enable")
        changed = self.accounts.unlock(name) if student.system_account else False
        return self._done(name, "enable", changed, "login enabled")

    def remove(self, name: str, keep_account: bool = False) -> Change:
        """Remove the student in an order they cannot break; the home is archived first.

        Lock the login, stop the server, end the student's processes, archive the home (read
        back) and only then delete the hub user and the system account. If a step before the
        deletions fails, the login is unlocked again and nothing is deleted; re-running finishes
        a removal that failed in its last steps. ``keep_account`` keeps the system account and
        its home (only the server and the hub user go).
        """
        check_username(name)
        self._not_self(name, "remove")
        model = self.hub.get_user(name)
        account = self.accounts.get(name)
        remove_account = account is not None and not keep_account
        if account is not None and remove_account and not self.accounts.is_student_home(account):
            message = (
                f"{name!r} has its home at {account.home}, outside {self.paths.home_root}: "
                "use keep_account, or remove the account by hand."
            )
            raise self._refused("remove", name, ClassroomError(message, code="foreign_home"))
        changed = False
        archive: Path | None = None
        try:
            undo = self.accounts.lock_out(name) if remove_account else None
            try:
                if model is not None and (server_running(model) or model.get("pending")):
                    self._stop_and_wait(name)
                if remove_account:
                    self.accounts.end_processes(name)
                    archive = self.accounts.archive_home(name)
            except BaseException:
                if undo is not None:
                    undo()
                raise
            if model is not None:
                self._delete_hub_user(name)
                changed = True
            if remove_account:
                self.accounts.delete_locked(name)
                changed = True
        except ClassroomError as exc:
            self._hub_cache.invalidate()
            self._refused("remove", name, exc)
            raise
        if not changed:
            return self._done(name, "remove", False, "")
        message = "removed from the hub" + (
            "; account kept" if keep_account and account else
            f"; home archived to {archive}" if archive else "; account deleted" if account else ""
        )
        change = self._done(name, "remove", True, message, archive=str(archive) if archive else None)
        return change

    def set_teacher(self, name: str, teacher: bool) -> Change:
        """Make the student a teacher (hub admin) or take it back."""
        check_username(name)
        if not teacher:
            self._not_self(name, "revoke_teacher")
        model = self.hub.get_user(name)
        if model is None:
            raise self._refused("set_teacher", name,
                                NotFound(f"{name!r} is not a hub user: add them first."))
        if bool(model.get("admin")) == teacher:
            return self._done(name, "set_teacher", False, "", teacher=teacher)
        self.hub.set_admin(name, teacher)
        return self._done(name, "set_teacher", True,
                          "is a teacher now" if teacher else "is no longer a teacher",
                          teacher=teacher)

    def start_server(self, name: str) -> Change:
        """Ask the hub to start the student's server."""
        check_username(name)
        model = self._hub_model(name, "start_server")
        if server_running(model):
            return self._done(name, "start_server", False, "")
        self.hub.start_server(name)
        return self._done(name, "start_server", True, "server starting")

    def stop_server(self, name: str) -> Change:
        """Stop the student's server and wait until it is gone."""
        check_username(name)
        model = self._hub_model(name, "stop_server")
        if not server_running(model) and not model.get("pending"):
            return self._done(name, "stop_server", False, "")
        self._stop_and_wait(name)
        return self._done(name, "stop_server", True, "server stopped")
