"""Everything of a class in one archive the teacher can download (end of the school year).

``export_class`` writes ``state/archive/exports/CLASS-<UTC time>.tar.gz`` (0600, root only):

    CLASS/students.csv          username, full name, classes, ID: the list WITHOUT passwords
    CLASS/homes/NAME.tar.gz     each member's home, packed like a removal's archive
                                (:meth:`.system_accounts.SystemAccounts.archive_home`: tar
                                never follows a student's symlinks, read back before use)

Nothing is removed: the teacher downloads the export, then removes the class (or the
leavers). The per-student archives are made in the archive folder first and moved into the
export, so a failure leaves no half-written export behind.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tarfile
import time
from datetime import datetime, timezone
from pathlib import Path

from .changes import Progress, no_progress
from .class_sync import ExternalIds
from .classes import Classes
from .credentials import BOM, csv_cell
from .errors import ClassroomError, NotFound
from .roster import Roster

EXPORT_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}-\d{8}T\d{6}Z(?:-\d+)?\.tar\.gz")


def exports_dir(roster: Roster) -> Path:
    return roster.paths.archive / "exports"


def students_csv(roster: Roster, members: list[str], ids: dict[str, str]) -> str:
    """The class list without passwords (UTF-8 with BOM, spreadsheet-safe cells)."""
    students = {s.name: s for s in roster.list()}
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("username", "full name", "classes", "id"))
    for name in members:
        s = students.get(name)
        writer.writerow([csv_cell(v) for v in (
            name, s.full_name if s else "", " ".join(s.classes) if s else "", ids.get(name, ""))])
    return out.getvalue()


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def export_class(name: str, roster: Roster, classes: Classes,
                 progress: Progress = no_progress) -> Path:
    """Write the class's export (see the module docstring) and return its path."""
    info = classes.get(name)
    ids = ExternalIds(roster.paths).load()
    folder = exports_dir(roster)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{name}-{stamp}.tar.gz"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{name}-{stamp}-{n}.tar.gz"
    tmp = target.with_name(f".{target.name}.tmp")
    homes: list[tuple[str, Path]] = []
    try:
        for i, member in enumerate(info.members):
            progress(f"packing {member}'s home", 0.9 * i / max(len(info.members), 1))
            account = roster.accounts.get(member)
            if account is None or account.is_system or not roster.accounts.is_student_home(
                    account):
                continue
            archive = roster.accounts.archive_home(member)
            if archive is not None:
                homes.append((member, archive))
        progress("writing the export", 0.92)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add_bytes(tar, f"{name}/students.csv",
                       students_csv(roster, info.members, ids).encode("utf-8"))
            for member, archive in homes:
                tar.add(str(archive), arcname=f"{name}/homes/{member}.tar.gz", recursive=False)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        for _, archive in homes:
            archive.unlink(missing_ok=True)
    roster.audit.record(roster.actor, "class.export", name, "ok",
                        message=f"{len(homes)} homes, list without passwords",
                        export=str(target))
    progress("done", 1.0)
    return target


def open_export(roster: Roster, filename: str) -> tuple[int, int]:
    """An open file descriptor of an export and its size (no links followed)."""
    if not EXPORT_NAME_RE.fullmatch(filename):
        raise NotFound("There is no such export.")
    folder = exports_dir(roster)
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise NotFound("There is no such export.") from None
    try:
        fd = os.open(filename, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
    except (FileNotFoundError, OSError):
        raise NotFound("There is no such export.") from None
    finally:
        os.close(dir_fd)
    size = os.fstat(fd).st_size
    if size < 0:
        os.close(fd)
        raise ClassroomError("Unreadable export.", status=500)
    return fd, size
