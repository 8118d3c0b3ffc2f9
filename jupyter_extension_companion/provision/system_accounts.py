"""Students' system accounts: useradd, chpasswd, usermod -L/-U, archive + userdel.

Only accounts with a uid from 1000 to 60000 are ever changed; the OS's own accounts are
refused before any command runs. State is read by parsing ``/etc/passwd`` and ``/etc/shadow``
once (no command per user), so listing a class of 1000 takes milliseconds.

Students own their homes and are untrusted: root never follows a path inside a home.
``~/notebooks`` is made on file descriptors (:func:`make_notebooks_folder`); a removal first
locks the account and ends its processes, then archives and deletes (:meth:`SystemAccounts.delete`).

Split by job: ``account_files`` (``Account``, parsing, full-name check, ``login_disabled``),
``account_processes`` (ending a student's processes), ``notebooks_folder`` (``~/notebooks`` on
file descriptors, ``prepare_spawn``); this module keeps ``SystemAccounts`` and the home archive.
Import every name from here.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tarfile
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from ..paths import ClassroomPaths
from .account_files import (
    HOME_MODE,
    NOTEBOOKS_MODE,
    SHELL,
    Account,
    NoHome,
    _gecos_problem,
    _lines,
    _shadow_fields,
    check_full_name,
    login_disabled,
)
from .account_processes import _end_processes, _pids_of, _signal_all
from .commands import run
from .errors import ClassroomError, CommandFailed, NotFound
from .first_login import forget_initial_password
from .notebooks_folder import make_notebooks_folder, prepare_spawn
from .usernames import check_username

log = logging.getLogger(__name__)

__all__ = [
    "HOME_MODE",
    "NOTEBOOKS_MODE",
    "SHELL",
    "TAR_RETRIES",
    "Account",
    "NoHome",
    "SystemAccounts",
    "_end_processes",
    "_gecos_problem",
    "_pids_of",
    "_signal_all",
    "check_full_name",
    "login_disabled",
    "make_notebooks_folder",
    "prepare_spawn",
]


class SystemAccounts:
    """The host's user accounts for students (run as root)."""

    def __init__(
        self,
        paths: ClassroomPaths,
        *,
        passwd_file: Path = Path("/etc/passwd"),
        shadow_file: Path = Path("/etc/shadow"),
    ):
        self.paths = paths
        self.passwd_file = passwd_file
        self.shadow_file = shadow_file
        self._parsed: tuple[tuple, dict[str, Account]] | None = None

    # ---- reading -------------------------------------------------------------------------

    def _file_ids(self) -> tuple:
        ids: list[tuple[int, int, int] | None] = []
        for path in (self.passwd_file, self.shadow_file):
            try:
                st = path.stat()
            except OSError:
                ids.append(None)
                continue
            ids.append((st.st_ino, st.st_mtime_ns, st.st_size))
        return tuple(ids)

    def read_all(self) -> dict[str, Account]:
        """Every account of the host (name -> Account), from one read of passwd and shadow.

        The parse is reused while neither file changed (same inode, time and size: the shadow
        tools replace the files on every change), so listing a class costs two ``stat`` calls.
        """
        ids = self._file_ids()
        parsed = self._parsed
        if parsed is not None and parsed[0] == ids and None not in ids:
            return dict(parsed[1])
        accounts = self._parse()
        self._parsed = (ids, accounts)
        return dict(accounts)

    def _parse(self) -> dict[str, Account]:
        shadow: dict[str, str] = {}
        try:
            for line in _lines(self.shadow_file.read_text(encoding="utf-8", errors="replace")):
                parts = line.split(":")
                if len(parts) >= 2:
                    shadow[parts[0]] = parts[1]
        except (PermissionError, FileNotFoundError):
            pass
        accounts: dict[str, Account] = {}
        for line in _lines(self.passwd_file.read_text(encoding="utf-8", errors="replace")):
            parts = line.split(":")
            if len(parts) < 7 or not parts[2].isdigit() or not parts[3].isdigit():
                continue
            name = parts[0]
            hashed = shadow.get(name)
            # "!" alone (useradd's default) means "no password yet", not "locked by a teacher"
            has_password = None if hashed is None else hashed.lstrip("!") not in ("", "*")
            accounts[name] = Account(
                name=name,
                uid=int(parts[2]),
                gid=int(parts[3]),
                full_name=parts[4].split(",")[0],
                home=parts[5],
                shell=parts[6],
                locked=None if hashed is None else bool(has_password and hashed.startswith("!")),
                has_password=has_password,
            )
        return accounts

    def uids(self) -> dict[str, int]:
        """name -> uid of every account (for username checks)."""
        return {a.name: a.uid for a in self.read_all().values()}

    def get(self, name: str) -> Account | None:
        """The account called ``name``, or None."""
        return self.read_all().get(name)

    def is_student_home(self, account: Account) -> bool:
        """True if the account's home lies directly in the classroom's home root."""
        # plain string work: this runs for every account on each class listing
        root = str(self.paths.home_root).rstrip("/") + "/"
        rest = account.home.rstrip("/")[len(root):]
        return account.home.startswith(root) and rest not in ("", ".", "..") and "/" not in rest

    def _managed(self, name: str) -> Account:
        account = self.get(name)
        if account is None:
            raise NotFound(f"There is no system account {name!r}.")
        if account.is_system:
            raise ClassroomError(
                f"{name!r} is a system account (uid {account.uid}); the classroom never changes it.",
                code="system_account",
            )
        return account

    # ---- creating ------------------------------------------------------------------------

    def create(self, name: str, full_name: str | None = None) -> bool:
        """Create the account with a home in the home root and ``~/notebooks``.

        Returns False ("nothing to change") if an account of that name exists (its
        ``~/notebooks`` is made if missing). The new account has no usable password yet.
        """
        existing = self.get(name)
        if existing is not None:
            if existing.is_system:
                self._managed(name)  # raises
            self.ensure_notebooks(name)
            return False
        check_username(name, accounts={})
        check_full_name(full_name)
        self.create_many([(name, full_name)])
        return True

    def create_many(
        self, entries: list[tuple[str, str | None]], progress=None
    ) -> dict[str, ClassroomError | None]:
        """``useradd`` each (name, full_name) not yet present; per name: None (made) or the error.

        Callers validate the names first; this runs one ``useradd`` per name and makes
        ``~/notebooks``. ``progress(message, fraction)`` is called after each account.
        """
        self.paths.home_root.mkdir(parents=True, exist_ok=True)
        results: dict[str, ClassroomError | None] = {}
        for i, (name, full_name) in enumerate(entries):
            argv = [
                "useradd", "--create-home", "--user-group",
                "--home-dir", str(self.paths.home_of(name)),
                "--shell", SHELL,
            ]
            if full_name:
                argv += ["--comment", full_name]
            argv += ["--", name]
            try:
                run(argv)
                results[name] = None
            except ClassroomError as exc:
                results[name] = exc
            if progress:
                progress(f"account {name}", (i + 1) / len(entries))
        accounts = self.read_all()  # once, not per account
        for name, error in results.items():
            if error is None:
                try:
                    self._make_notebooks(accounts[name])
                except (OSError, KeyError, ClassroomError) as exc:
                    results[name] = ClassroomError(
                        f"The account {name!r} was made but not its notebooks folder ({exc}).",
                        code="notebooks_failed", status=500)
        return results

    def _make_notebooks(self, account: Account) -> None:
        make_notebooks_folder(account.home, account.uid, account.gid,
                              self.paths.notebooks_folder, home_mode=HOME_MODE)

    def ensure_notebooks(self, name: str) -> bool:
        """Make ``~/notebooks`` owned by the user if missing. Returns True if it was made.

        Never follows a symlink the student put in their home (see
        :func:`make_notebooks_folder`); an account without a home folder is left alone.
        """
        account = self._managed(name)
        try:
            return make_notebooks_folder(account.home, account.uid, account.gid,
                                         self.paths.notebooks_folder)
        except NoHome:
            return False  # no home at all: not ours to invent

    # ---- passwords and locking -----------------------------------------------------------

    def set_passwords(self, passwords: Mapping[str, str]) -> None:
        """Set many passwords with ONE ``chpasswd`` run (the input never reaches a log).

        A locked account stays locked (its new password takes effect when it is unlocked).
        """
        if not passwords:
            return
        accounts = self.read_all()
        for name, password in passwords.items():
            account = accounts.get(name)
            if account is None:
                raise NotFound(f"There is no system account {name!r}.")
            if account.is_system:
                raise ClassroomError(
                    f"{name!r} is a system account; the classroom never changes it.",
                    code="system_account",
                )
            if "\n" in password or "\r" in password:
                raise ClassroomError("A password contains a line break.", code="bad_password")
        lines = "".join(f"{name}:{password}\n" for name, password in passwords.items())
        run(["chpasswd"], input=lines, secret_input=True)
        relock = [n for n in passwords if accounts[n].locked]
        for name in relock:
            run(["usermod", "--lock", "--", name])
        for name in passwords:  # a kept generated password is stale now
            forget_initial_password(self.paths, name)

    def lock(self, name: str) -> bool:
        """Lock the password (``usermod -L``). False if it was already locked."""
        account = self._managed(name)
        if account.locked:
            return False
        run(["usermod", "--lock", "--", name])
        if not self._managed(name).locked:
            raise ClassroomError(f"Locking {name!r} did not take effect.", code="command_failed",
                                 status=500)
        return True

    def unlock(self, name: str) -> bool:
        """Unlock the password (``usermod -U``). False if it was not locked."""
        account = self._managed(name)
        if not account.locked:
            return False
        if not account.has_password:
            raise ClassroomError(
                f"{name!r} has no password, so unlocking would open it without one: "
                "set a password first.",
                code="no_password",
            )
        run(["usermod", "--unlock", "--", name])
        return True

    # ---- removing ------------------------------------------------------------------------

    def archive_home(self, name: str) -> Path | None:
        """Pack the home into ``archive/NAME-<UTC time>.tar.gz`` (0600) and check it reads back.

        Returns the archive's path, or None if the account has no home folder. tar stores
        symlinks as links (never follows them). Its exit status 1 ("a file changed while it
        was read": the student is still writing) is retried and, if it persists, accepted as a
        warning: the archive is complete and is read back before anything is deleted. Any other
        failure raises and leaves nothing behind.
        """
        account = self._managed(name)
        home = Path(account.home)
        if not _is_real_dir(home):
            return None
        archive_dir = self.paths.archive
        archive_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(archive_dir, 0o700)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = archive_dir / f"{name}-{stamp}.tar.gz"
        n = 1
        while target.exists():
            n += 1
            target = archive_dir / f"{name}-{stamp}-{n}.tar.gz"
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            _tar_home(tmp, home)
            _verify_archive(tmp)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return target

    def lock_out(self, name: str) -> Callable[[], None]:
        """Stop every new login of the account before it is removed; returns the undo.

        Locks the password (``usermod --lock``) and expires the account (``--expiredate 1``,
        which also stops key logins and the hub's PAM account check). The undo puts back the
        previous lock and expiry, for a removal that fails before anything was deleted.
        """
        account = self._managed(name)
        fields = _shadow_fields(name, self.shadow_file)
        was_locked = fields is not None and fields[1].startswith("!")
        expiry = fields[7] if fields is not None and len(fields) > 7 else ""
        run(["usermod", "--lock", "--expiredate", "1", "--", name])
        self._parsed = None

        def undo() -> None:
            argv = ["usermod", "--expiredate", expiry or "-1"]
            if not was_locked:
                argv.append("--unlock")
            run([*argv, "--", account.name], check=False)
            self._parsed = None

        return undo

    def end_processes(self, name: str, grace: float = 5.0) -> None:
        """End every process of the account (TERM, then KILL until none is left).

        Raises :class:`ClassroomError` if processes keep coming back (nothing is deleted then).
        """
        account = self._managed(name)
        _end_processes(account.uid, grace)

    def delete(self, name: str, *, archive: bool = True) -> tuple[bool, Path | None]:
        """Delete the account; its home is archived first (``archive=False`` only for rollback).

        Returns ``(changed, archive_path)``; ``(False, None)`` if no such account exists.
        The order cannot be broken by the student: the login is locked, their processes are
        ended, the home is archived and read back, and only then are the account and the home
        deleted. If a step before the deletion fails, the login is unlocked again and nothing
        is deleted.
        """
        if self.get(name) is None:
            return False, None
        self.check_removable(name)
        undo = self.lock_out(name)
        try:
            self.end_processes(name)
            archive_path = self.archive_home(name) if archive else None
        except BaseException:
            undo()
            raise
        self.delete_locked(name)
        return True, archive_path

    def check_removable(self, name: str) -> Account:
        """The account, if the classroom may delete it (a student's home in the home root)."""
        account = self._managed(name)
        if not self.is_student_home(account):
            raise ClassroomError(
                f"{name!r} has its home at {account.home}, outside {self.paths.home_root}; the "
                "classroom removes only homes it manages: keep the account, or remove it by hand.",
                code="foreign_home",
            )
        return account

    def delete_locked(self, name: str) -> None:
        """``userdel`` and remove the home: the last step of a removal, after :meth:`lock_out`,
        :meth:`end_processes` and :meth:`archive_home`."""
        account = self.check_removable(name)
        home = Path(account.home)
        _end_processes(account.uid, grace=0)  # userdel refuses while any is left
        run(["userdel", "--", name])
        self._parsed = None
        if _is_real_dir(home):
            # rmtree works on file descriptors (never follows a link); the home itself lies
            # directly in the root-owned home root (check_removable), so it cannot be swapped
            shutil.rmtree(home)


def _is_real_dir(path: Path) -> bool:
    """A directory that is not a symlink."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


TAR_RETRIES = 3


def _tar_home(target: Path, home: Path) -> None:
    """Write ``home`` to the gzip tar ``target`` (0600); see :meth:`SystemAccounts.archive_home`."""
    # --sparse: a student's 1 TB sparse file is archived by its data, not read as zeros
    argv = ["tar", "--create", "--gzip", "--sparse", "--file", str(target),
            "--warning=no-file-changed",
            "--directory", str(home.parent), "--", home.name]
    for attempt in range(1, TAR_RETRIES + 1):
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.close(fd)
        proc = run(argv, check=False)
        if proc.returncode == 0:
            return
        # GNU tar: 1 = "some files differ" (changed while being read); anything else is fatal
        if proc.returncode != 1:
            raise CommandFailed(argv, proc.returncode, proc.stdout or "")
        if attempt == TAR_RETRIES:
            log.warning("archive of %s: files changed while tar read them (%d tries); kept",
                        home, attempt)
            return


def _verify_archive(path: Path) -> None:
    """Read the whole archive back (every member's data); raise if it is damaged."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isfile():
                    f = tar.extractfile(member)
                    if f is not None:
                        while f.read(1 << 20):
                            pass
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ClassroomError(
            f"The archive {path} could not be read back ({exc}); nothing was deleted.",
            code="archive_failed",
            status=500,
        ) from exc
