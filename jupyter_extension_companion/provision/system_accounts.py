"""Students' system accounts: useradd, chpasswd, usermod -L/-U, archive + userdel.

Only accounts with a uid from 1000 to 60000 are ever changed; the OS's own accounts are
refused before any command runs. State is read by parsing ``/etc/passwd`` and ``/etc/shadow``
once (no command per user), so listing a class of 1000 takes milliseconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import tarfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..paths import ClassroomPaths
from .commands import run
from .errors import ClassroomError, NotFound
from .first_login import forget_initial_password
from .usernames import check_username, is_system_uid

SHELL = "/bin/bash"
HOME_MODE = 0o700
NOTEBOOKS_MODE = 0o755


@dataclass(frozen=True)
class Account:
    """One system account as read from /etc/passwd and /etc/shadow."""

    name: str
    uid: int
    gid: int
    full_name: str
    home: str
    shell: str
    # None when /etc/shadow has no line for it (or could not be read).
    locked: bool | None
    has_password: bool | None

    @property
    def is_system(self) -> bool:
        return is_system_uid(self.uid)


def _gecos_problem(full_name: str) -> str | None:
    if ":" in full_name or any(ord(c) < 32 for c in full_name):
        return "The full name contains ':' or a line break: remove it."
    if len(full_name) > 100:
        return "The full name is longer than 100 characters: shorten it."
    return None


def check_full_name(full_name: str | None) -> None:
    """Raise :class:`ClassroomError` unless ``full_name`` can be stored in /etc/passwd."""
    if full_name:
        problem = _gecos_problem(full_name)
        if problem:
            raise ClassroomError(problem, code="bad_full_name")


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
            for line in self.shadow_file.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split(":")
                if len(parts) >= 2:
                    shadow[parts[0]] = parts[1]
        except (PermissionError, FileNotFoundError):
            pass
        accounts: dict[str, Account] = {}
        for line in self.passwd_file.read_text(encoding="utf-8", errors="replace").splitlines():
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
                except (OSError, KeyError) as exc:
                    results[name] = ClassroomError(
                        f"The account {name!r} was made but not its notebooks folder ({exc}).",
                        code="notebooks_failed", status=500)
        return results

    def _make_notebooks(self, account: Account) -> None:
        home = Path(account.home)
        os.chmod(home, HOME_MODE)
        nb = home / self.paths.notebooks_folder
        nb.mkdir(mode=NOTEBOOKS_MODE, exist_ok=True)
        os.chown(nb, account.uid, account.gid)

    def ensure_notebooks(self, name: str) -> bool:
        """Make ``~/notebooks`` owned by the user if missing. Returns True if it was made."""
        account = self._managed(name)
        nb = Path(account.home) / self.paths.notebooks_folder
        if nb.is_dir():
            return False
        if not Path(account.home).is_dir():
            return False  # no home at all: not ours to invent
        nb.mkdir(mode=NOTEBOOKS_MODE)
        os.chown(nb, account.uid, account.gid)
        return True

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

        Returns the archive's path, or None if the account has no home folder.
        """
        account = self._managed(name)
        home = Path(account.home)
        if not home.is_dir():
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
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        try:
            run(["tar", "--create", "--gzip", "--file", str(tmp), "--directory",
                 str(home.parent), "--", home.name])
            _verify_archive(tmp)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return target

    def delete(self, name: str, *, archive: bool = True) -> tuple[bool, Path | None]:
        """Delete the account; its home is archived first (``archive=False`` only for rollback).

        Returns ``(changed, archive_path)``; ``(False, None)`` if no such account exists.
        The home is removed only after the archive was written and read back.
        """
        account = self.get(name)
        if account is None:
            return False, None
        account = self._managed(name)
        home = Path(account.home)
        if not self.is_student_home(account):
            raise ClassroomError(
                f"{name!r} has its home at {home}, outside {self.paths.home_root}; the classroom "
                "removes only homes it manages: keep the account, or remove it by hand.",
                code="foreign_home",
            )
        archive_path = self.archive_home(name) if archive else None
        _end_processes(account.uid)
        run(["userdel", "--", name])
        if home.is_dir():
            shutil.rmtree(home)
        return True, archive_path


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


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                continue
    return pids


def _end_processes(uid: int, grace: float = 5.0) -> None:
    """End the leftover processes of a student being removed (userdel refuses otherwise)."""
    if is_system_uid(uid):
        return
    pids = _pids_of(uid)
    if not pids:
        return
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _pids_of(uid):
        time.sleep(0.1)
    for pid in _pids_of(uid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def login_disabled(name: str, shadow_file: Path = Path("/etc/shadow")) -> bool:
    """True if ``name``'s password was locked by ``disable`` (a real hash behind a ``!``).

    For the hub's pre-spawn hook: a disabled student's login cookie stays valid until it
    expires, so the hub must also refuse to start their server.
    """
    try:
        text = shadow_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) >= 2 and parts[0] == name:
            hashed = parts[1]
            return hashed.startswith("!") and hashed.lstrip("!") not in ("", "*")
    return False
