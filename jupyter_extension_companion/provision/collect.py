"""Collect an assignment from the students into the teacher's ``~/notebooks/collected/``,
and return an annotated copy to a student (issue 13; see :mod:`.handout`).

**Collect**: copies of each student's ``~/notebooks/<assignment>/`` go to the teacher's
``~/notebooks/collected/<assignment>/<class>/<student>/`` (owned by the teacher, folders 0700),
with ``collected.json`` (time, files, missing students). Collecting again updates the copies;
a copy the teacher changed since is kept and the new one written beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Protocol

from ..paths import ClassroomPaths
from . import homefs
from .assignments import (
    COLLECT_LIMITS,
    COLLECTED,
    CollectResult,
    FileResult,
    SourceFile,
    StudentResult,
    _audit_outcome,
    _now,
    check_assignment,
)
from .changes import Progress, no_progress
from .errors import ClassroomError, NotFound
from .handout_files import deliver, place_file, read_teacher_source
from .system_accounts import Account, SystemAccounts, make_notebooks_folder


class _Lessons(Protocol):
    """What :class:`Collecting` uses of :class:`~.handout.Lessons`."""

    paths: ClassroomPaths
    accounts: SystemAccounts

    def _targets(self, classes: list[str], students: list[str]) -> list[tuple[str, str]]: ...

    def _teacher(self) -> Account: ...

    def _student_account(self, name: str) -> Account | str: ...

    def _audit(self, action: str, target: str, outcome: str, **details: Any) -> None: ...


class Collecting:
    """Collect and return: the part of :class:`~.handout.Lessons` that takes work back."""

    # ---- collect -------------------------------------------------------------------------
    def collect(self: _Lessons, assignment: str, *, class_name: str | None = None,
                students: list[str] | None = None,
                progress: Progress = no_progress) -> CollectResult:
        """Copy each student's ``~/notebooks/<assignment>/`` into the teacher's
        ``~/notebooks/collected/<assignment>/<class>/<student>/`` (see the module doc)."""
        name = check_assignment(assignment)
        try:
            targets = self._targets([class_name] if class_name else [], list(students or []))
            teacher = self._teacher()
        except ClassroomError as e:
            self._audit("lesson.collect", name, "refused" if e.status < 500 else "failed",
                        code=e.code, reason=e.message)
            raise
        label = class_name or "students"
        stamp = _now()
        results: list[StudentResult] = []
        folder = f"{COLLECTED}/{name}/{label}"
        with _TeacherFolder(self.paths, teacher, [COLLECTED, name, label]) as dest:
            for i, (student, _) in enumerate(targets):
                account = self._student_account(student)
                if isinstance(account, str):
                    results.append(StudentResult(student=student, outcome="refused",
                                                 message=f"{student!r} {account}."))
                else:
                    results.append(_collect_one(self.paths, account, name, dest, teacher, stamp))
                progress(f"{student}: {results[-1].outcome}", (i + 1) / len(targets))
            missing = [r.student for r in results if r.outcome == "missing"]
            summary = {"assignment": name, "class": label, "time": stamp, "missing": missing,
                       "students": {r.student: {"outcome": r.outcome, "message": r.message,
                                                "files": [f.written_as for f in r.files]}
                                    for r in results}}
            homefs.replace_file(dest.fd, "collected.json",
                                (json.dumps(summary, indent=1) + "\n").encode(), teacher.uid,
                                teacher.gid, mode=0o600)
        result = CollectResult(assignment=name, label=label, folder=folder, time=stamp,
                               students=results, missing=missing)
        counts: dict[str, int] = {}
        for r in results:
            counts[r.outcome] = counts.get(r.outcome, 0) + 1
        self._audit("lesson.collect", f"{name}:{label}", "ok", students=len(results), counts=counts)
        for r in results:
            if r.outcome in ("refused", "failed"):
                self._audit("lesson.collect", f"{name}:{r.student}", r.outcome, reason=r.message)
        return result

    # ---- return --------------------------------------------------------------------------
    def return_file(self: _Lessons, assignment: str, student: str, path: str) -> StudentResult:
        """Give the teacher's annotated copy (``path`` below the teacher's ``~/notebooks``,
        e.g. ``collected/week1/5a/anna/ex.ipynb``) back to the student: a NEW file
        ``<name>-returned.<ext>`` in their ``~/notebooks/<assignment>/`` (suffixed again if
        that exists; nothing of the student's is overwritten)."""
        name = check_assignment(assignment)
        target = f"{name}:{student}"
        try:
            account = self._student_account(student) if isinstance(student, str) else \
                "is not a name"
            if isinstance(account, str):
                raise ClassroomError(f"{student!r} {account}.", code="not_a_student",
                                     status=403 if self.accounts.get(student) else 404)
            files = read_teacher_source(self.paths, self._teacher(), path)
            if len(files) != 1:
                raise ClassroomError(f"{path!r} is a folder: return one file.",
                                     code="not_a_file")
        except ClassroomError as e:
            self._audit("lesson.return", target, "refused" if e.status < 500 else "failed",
                        code=e.code, reason=e.message, source=path)
            raise
        base = files[0].path
        stem, dot, ext = base.rpartition(".")
        returned = f"{stem}-returned.{ext}" if dot and stem else f"{base}-returned"
        result = deliver(self.paths, account, name,
                         [SourceFile(path=returned, data=files[0].data)])
        self._audit("lesson.return", target, _audit_outcome(result), source=path,
                    reason=result.message,
                    written_as=[f.written_as for f in result.files])
        return result


class _TeacherFolder:
    """``~TEACHER/notebooks/<a>/<b>/...`` opened (made if missing) on descriptors, owned by the
    teacher, folders 0700 (the collected work is no student's business)."""

    def __init__(self, paths: ClassroomPaths, teacher: Account, segments: list[str]):
        self.paths, self.teacher, self.segments = paths, teacher, segments
        self.fd = -1
        self._fds: list[int] = []

    def __enter__(self) -> _TeacherFolder:
        t = self.teacher
        folder = self.paths.notebooks_folder
        make_notebooks_folder(t.home, t.uid, t.gid, folder)
        try:
            home_fd = homefs.open_home(t.home, t.uid, t.name)
            self._fds.append(home_fd)
            fd = homefs.open_dir(folder, home_fd, f"~{t.name}/{folder}")
            self._fds.append(fd)
            for i, seg in enumerate(self.segments):
                fd, _ = homefs.ensure_dir(fd, seg, t.uid, t.gid, mode=0o700,
                                          what=f"~{t.name}/{folder}/"
                                               + "/".join(self.segments[:i + 1]))
                self._fds.append(fd)
        except BaseException:
            self.__exit__()
            raise
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in reversed(self._fds):
            os.close(fd)
        self._fds = []


def _collect_one(paths: ClassroomPaths, account: Account, name: str, dest: _TeacherFolder,
                 teacher: Account, stamp: str) -> StudentResult:
    result = StudentResult(student=account.name, outcome="collected")
    where = f"~{account.name}/{paths.notebooks_folder}/{name}"
    try:
        with homefs.opened(homefs.open_home(account.home, account.uid, account.name)) as h, \
                homefs.opened(homefs.open_dir(paths.notebooks_folder, h, where)) as nb, \
                homefs.opened(homefs.open_dir(name, nb, where)) as a_fd:
            if os.fstat(a_fd).st_uid != account.uid:
                raise homefs.refused(f"{where} does not belong to {account.name!r}.")
            walk = homefs.walk_files(a_fd, account.uid, COLLECT_LIMITS, where)
    except NotFound:
        result.outcome, result.message = "missing", f"{where} does not exist"
        return result
    except ClassroomError as e:
        result.outcome = "refused" if e.status < 500 else "failed"
        result.message = e.message
        return result
    except OSError as e:
        result.outcome, result.message = "failed", f"{e.strerror or e}"
        return result
    result.skipped = walk.skipped
    try:
        _store_collected(dest.fd, account.name, walk.files, teacher, stamp, result)
    except (ClassroomError, OSError) as e:
        result.outcome = "failed"
        result.message = getattr(e, "message", None) or str(e)
    return result


MANIFEST = ".collected.json"


def _store_collected(parent_fd: int, student: str, files: list[homefs.FoundFile],
                     teacher: Account, stamp: str, result: StudentResult) -> None:
    """Write the student's files into ``parent/<student>/``; a copy the teacher changed since
    the last collect is kept (the new one goes beside it)."""
    uid, gid = teacher.uid, teacher.gid
    s_fd, _ = homefs.ensure_dir(parent_fd, student, uid, gid, mode=0o700, what=student)
    with homefs.opened(s_fd):
        try:
            manifest = json.loads(homefs.read_owned(s_fd, MANIFEST, uid, 1 << 20, MANIFEST).data)
            written: dict[str, str] = manifest.get("files") or {}
        except (ClassroomError, ValueError, AttributeError):
            written = {}
        new_manifest: dict[str, str] = dict(written)
        for f in files:
            segments = f.path.split("/")
            opened: list[int] = []
            try:
                dir_fd = s_fd
                for seg in segments[:-1]:
                    dir_fd, _ = homefs.ensure_dir(dir_fd, seg, uid, gid, mode=0o700, what=seg)
                    opened.append(dir_fd)
                outcome, as_name = _update_copy(dir_fd, segments[-1], f, written.get(f.path),
                                                uid, gid)
            finally:
                for fd in opened:
                    os.close(fd)
            prefix = "/".join(segments[:-1])
            rel = f"{prefix}/{as_name}" if prefix else as_name
            new_manifest[rel] = hashlib.sha256(f.data).hexdigest()
            result.files.append(FileResult(path=f.path, outcome=outcome, written_as=rel))
        homefs.replace_file(s_fd, MANIFEST, json.dumps(
            {"student": student, "time": stamp, "files": new_manifest}, indent=1).encode(),
            uid, gid, mode=0o600)


def _update_copy(dir_fd: int, name: str, f: homefs.FoundFile, last_hash: str | None,
                 uid: int, gid: int) -> tuple[str, str]:
    """``written`` / ``updated`` / ``unchanged`` / ``suffixed`` (the teacher changed the last
    copy: kept, the new one beside it)."""
    try:
        current = homefs.read_owned(dir_fd, name, uid, COLLECT_LIMITS.max_bytes, name).data
    except NotFound:
        homefs.create_file(dir_fd, name, f.data, uid, gid, mode=0o600, mtime_ns=f.mtime_ns)
        return "written", name
    except ClassroomError:
        current = None  # a symlink or special file the teacher put there: left alone
    if current == f.data:
        return "unchanged", name
    if current is not None and last_hash == hashlib.sha256(current).hexdigest():
        homefs.replace_file(dir_fd, name, f.data, uid, gid, mode=0o600, mtime_ns=f.mtime_ns)
        return "updated", name
    outcome, as_name = place_file(dir_fd, name, f.data, uid, gid)
    return ("unchanged" if outcome == "unchanged" else "suffixed"), as_name


