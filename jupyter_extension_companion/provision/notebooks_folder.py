"""``~/notebooks`` made on file descriptors in a home the student owns (never through a path the
student controls), and the hub's pre-spawn hook ``prepare_spawn``."""

from __future__ import annotations

import errno
import os
import pwd
from pathlib import Path

from .account_files import NOTEBOOKS_MODE, NoHome, login_disabled
from .errors import ClassroomError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def make_notebooks_folder(
    home: str | Path, uid: int, gid: int, folder: str = "notebooks", *,
    home_mode: int | None = None,
) -> bool:
    """Make ``HOME/FOLDER`` owned by ``uid:gid`` without following any path the student controls.

    Runs as root in a home the student owns, so every step works on file descriptors: the home
    is opened with ``O_NOFOLLOW|O_DIRECTORY``, the folder is made with ``mkdir(dir_fd=)``, the new
    folder is opened again with ``O_NOFOLLOW|O_DIRECTORY`` and changed with ``fchown``/``fchmod``.
    A student who swaps the new folder for a symlink (to ``/etc/shadow``, say) gets an error,
    never a chown of the link's target. Returns False ("nothing to change") if ``FOLDER``
    exists already (whatever it is: it is the student's); ``home_mode`` also sets the home's mode.
    Raises :class:`NoHome` if the home is missing, :class:`ClassroomError` if it is not a folder
    owned by the user (or root) or the new folder was replaced while it was made.
    """
    if not folder or "/" in folder or folder in (".", ".."):
        raise ClassroomError(f"{folder!r} is not a folder name.", code="bad_folder")
    try:
        home_fd = os.open(home, _DIR_FLAGS)
    except FileNotFoundError:
        raise NoHome(f"The home folder {home} does not exist.", code="no_home",
                     status=500) from None
    except OSError as exc:
        raise ClassroomError(f"The home {home} is not a folder ({exc.strerror}): fix it by hand.",
                             code="bad_home", status=500) from None
    try:
        st = os.fstat(home_fd)
        if st.st_uid not in (uid, 0):
            raise ClassroomError(
                f"The home {home} belongs to uid {st.st_uid}, not to uid {uid}: fix it by hand.",
                code="bad_home", status=500)
        if home_mode is not None:
            os.fchmod(home_fd, home_mode)
        try:
            os.mkdir(folder, NOTEBOOKS_MODE, dir_fd=home_fd)
        except FileExistsError:
            return False
        try:
            fd = os.open(folder, _DIR_FLAGS, dir_fd=home_fd)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT):
                raise
            raise ClassroomError(
                f"{home}/{folder} was replaced while it was being made: try again.",
                code="notebooks_raced", status=500) from None
        try:
            os.fchown(fd, uid, gid)
            os.fchmod(fd, NOTEBOOKS_MODE)
        finally:
            os.close(fd)
        return True
    finally:
        os.close(home_fd)


def prepare_spawn(name: str, folder: str = "notebooks", *,
                  shadow_file: Path = Path("/etc/shadow")) -> bool:
    """The hub's pre-spawn hook: refuse a disabled student, make ``~/FOLDER`` (owned by them).

    A disabled student's login cookie stays valid until it expires, so the hub must refuse to
    start their server here too. Returns True if the folder was made.
    """
    if login_disabled(name, shadow_file):
        raise ClassroomError("This account is disabled: ask your teacher to enable it.",
                             code="disabled", status=403)
    user = pwd.getpwnam(name)
    return make_notebooks_folder(user.pw_dir, user.pw_uid, user.pw_gid, folder)
