"""Hand out a notebook or folder to a class, and collect it back (issue 13).

**Hand out**: the teacher names a notebook or folder below their own ``~/notebooks`` (or a
notebook template, ``template:NAME``) and a class (a JupyterHub group of the same name) or
students. The source is read as root on file descriptors (the teacher is a user too: a symlink,
a special file or a file the teacher does not own is refused), within size and count limits,
and kept as a root-only copy in ``paths.handouts``. Every student gets it in
``~/notebooks/<assignment>/``, written with :mod:`.homefs` (``dir_fd``, ``O_NOFOLLOW``,
``O_EXCL``, ``fchown``): a student's existing file is never overwritten (the new copy gets a
suffix, ``name-2.ipynb``), a folder the student swapped for a symlink is refused and nothing is
written. The assignment is remembered in ``paths.assignments`` (root-only JSON); a student who
joins the class later gets it from the hub's pre-spawn hook (:func:`deliver_pending`).

**Collect**: copies of each student's ``~/notebooks/<assignment>/`` go to the teacher's
``~/notebooks/collected/<assignment>/<class>/<student>/`` (owned by the teacher, folders 0700),
with ``collected.json`` (time, files, missing students). Collecting again updates the copies;
a copy the teacher changed since is kept and the new one written beside it.

Every operation is safe to re-run and writes audit lines (``handout``, ``collect``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from . import homefs
from .atomic import write_text_atomic
from .audit import NOTHING_TO_CHANGE, OK
from .changes import Progress, no_progress
from .errors import ClassroomError, NotFound
from .system_accounts import Account, SystemAccounts, make_notebooks_folder

log = logging.getLogger(__name__)

ASSIGNMENT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
#: names an assignment may not have (they mean something else in ~/notebooks)
RESERVED = frozenset({"collected"})
COLLECTED = "collected"
TEMPLATE_PREFIX = "template:"
#: what one hand-out may hold
SOURCE_LIMITS = homefs.WalkLimits(max_files=200, max_bytes=50 * 1024 * 1024, max_depth=4)
#: what is collected from one student
COLLECT_LIMITS = homefs.WalkLimits(max_files=200, max_bytes=50 * 1024 * 1024, max_depth=4)
#: new names tried for a file the student has already (``name-2.ipynb`` ...)
MAX_SUFFIX = 50
#: students named in one request
MAX_STUDENTS = 2000


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- input -----------------------------------------------------------------------------------
def check_assignment(name: object) -> str:
    """The assignment name, or ClassroomError: a plain folder name (letters, digits, '.', '_',
    '-'; at most 64), not ``collected``."""
    if not isinstance(name, str) or not ASSIGNMENT_RE.fullmatch(name) or name.endswith(".") \
            or name in RESERVED or ".." in name:
        raise ClassroomError(
            f"{name!r} is not a usable assignment name: use letters, digits, '.', '_' and '-' "
            "(at most 64, not 'collected'), e.g. 'week3-sensors'.", code="bad_assignment")
    return name


def check_source(source: object) -> list[str]:
    """The segments of a path relative to the teacher's ``~/notebooks`` (no '..', no '/')."""
    if not isinstance(source, str) or not source.strip("/"):
        raise ClassroomError("Name the notebook or folder to hand out, relative to your "
                             "~/notebooks (e.g. 'week3/sensors.ipynb').", code="missing_field")
    if "\x00" in source or "\\" in source or source.startswith("/"):
        raise ClassroomError(f"{source!r} is not a path relative to ~/notebooks.",
                             code="bad_path")
    segments = source.rstrip("/").split("/")
    if any(seg in ("", ".", "..") for seg in segments) or len(segments) > 6:
        raise ClassroomError(f"{source!r} is not a plain path below ~/notebooks ('..', '.', "
                             "'//' and more than 6 levels are refused).", code="bad_path")
    return segments


def default_assignment(source: str) -> str:
    """The assignment name a source suggests: its last segment without ``.ipynb``."""
    if source.startswith(TEMPLATE_PREFIX):
        return source[len(TEMPLATE_PREFIX):]
    last = source.rstrip("/").rsplit("/", 1)[-1]
    return last[:-len(".ipynb")] if last.endswith(".ipynb") else last


# -- results ---------------------------------------------------------------------------------
@dataclass
class FileResult:
    """What happened to one file for one student."""

    #: the file's path in the assignment
    path: str
    #: ``written``, ``suffixed`` (the student had a different file of that name: kept, the new
    #: copy is ``written_as``), ``unchanged`` (the student has it already)
    outcome: str
    written_as: str


@dataclass
class StudentResult:
    """The hand-out (or collect) for one student."""

    student: str
    #: hand-out: ``handed_out``, ``unchanged``, ``refused``, ``failed``;
    #: collect: ``collected``, ``missing``, ``refused``, ``failed``
    outcome: str
    message: str = ""
    files: list[FileResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class HandoutResult:
    """The hand-out of one assignment: per student what happened."""

    assignment: str
    source: str
    classes: list[str]
    files: list[str]
    students: list[StudentResult]

    @property
    def changed(self) -> bool:
        return any(s.outcome == "handed_out" for s in self.students)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.students:
            out[s.outcome] = out.get(s.outcome, 0) + 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "counts": self.counts()}


@dataclass
class CollectResult:
    """The collect of one assignment from one class (or list of students)."""

    assignment: str
    label: str
    #: the teacher's folder, relative to their ``~/notebooks``
    folder: str
    time: str
    students: list[StudentResult]
    missing: list[str]

    @property
    def changed(self) -> bool:
        return any(f.outcome != "unchanged" for s in self.students for f in s.files)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- the source ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceFile:
    """One file of a hand-out: path in the assignment, bytes, and for a template its kernel
    language (filled per student with the class broker)."""

    path: str
    data: bytes
    template_language: str = ""


def _version(files: Iterable[SourceFile]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.path):
        h.update(f.path.encode() + b"\0" + hashlib.sha256(f.data).digest())
    return h.hexdigest()[:16]


def read_teacher_source(paths: ClassroomPaths, teacher: Account, source: str) -> list[SourceFile]:
    """The files of ``source`` (a notebook or folder below the teacher's ``~/notebooks``), read
    as root without following any symlink; only regular files the teacher owns."""
    segments = check_source(source)
    limits = SOURCE_LIMITS
    with homefs.opened(homefs.open_home(teacher.home, teacher.uid, teacher.name)) as home_fd, \
            homefs.opened(homefs.open_dir(paths.notebooks_folder, home_fd,
                                          f"~{teacher.name}/{paths.notebooks_folder}")) as nb_fd:
        opened: list[int] = []
        try:
            dir_fd = nb_fd
            for i, seg in enumerate(segments[:-1]):
                dir_fd = homefs.open_dir(seg, dir_fd, f"The folder {'/'.join(segments[:i + 1])!r}")
                opened.append(dir_fd)
            last = segments[-1]
            try:
                fd = os.open(last, homefs.DIR_FLAGS, dir_fd=dir_fd)
            except FileNotFoundError:
                raise NotFound(f"There is no {source!r} in your ~/notebooks.") from None
            except OSError:
                found = homefs.read_owned(dir_fd, last, teacher.uid, limits.max_bytes,
                                          repr(source))
                return [SourceFile(path=last, data=found.data)]
            with homefs.opened(fd):
                if os.fstat(fd).st_uid != teacher.uid:
                    raise homefs.refused(f"{source!r} is not your folder.")
                walk = homefs.walk_files(fd, teacher.uid, limits, repr(source))
        finally:
            for fd_ in opened:
                os.close(fd_)
    if not walk.files:
        raise ClassroomError(f"{source!r} holds no files to hand out (symlinks, hidden files "
                             "and files you do not own are left out).", code="empty_source")
    return [SourceFile(path=f.path, data=f.data) for f in walk.files]


def read_template_source(paths: ClassroomPaths, name: str) -> list[SourceFile]:
    """A notebook template (class or shipped) as a hand-out of one file, ``NAME.ipynb``."""
    from .templates import class_templates_dir, get_template, template_search_path

    found = get_template(name, template_search_path([class_templates_dir(paths)]))
    data = json.dumps(found["notebook"], indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    return [SourceFile(path=f"{name}.ipynb", data=data,
                       template_language=str(found["template"].get("language") or "python"))]


def _filled(file: SourceFile, student: str, assignment: str, paths: ClassroomPaths) -> bytes:
    """A template's notebook with the class broker and the student's topic and client id."""
    if not file.template_language:
        return file.data
    from .broker import read_class_broker
    from .snippets import fill

    broker = read_class_broker(paths)
    values = {"host": broker.host, "port": broker.port, "tls": broker.tls,
              "topic_prefix": broker.topic_prefix.replace("{username}", student),
              "client_id": f"{student}-{assignment}", "username": broker.username,
              "password": broker.password}
    notebook = json.loads(file.data)
    for cell in notebook.get("cells", []):
        src = cell.get("source", "")
        src = src if isinstance(src, str) else "".join(src)
        cell["source"] = fill(src, values, file.template_language,
                              code=cell.get("cell_type") == "code")
    return json.dumps(notebook, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"


# -- writing into a student's folder ---------------------------------------------------------
def _suffixed(name: str, n: int) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name}-{n}"
    return f"{stem}-{n}.{ext}"


def _same(dir_fd: int, name: str, uid: int, data: bytes) -> bool | None:
    """True/False: ``name`` is (not) the student's regular file with exactly ``data``;
    None: there is nothing of that name."""
    try:
        found = homefs.read_owned(dir_fd, name, uid, len(data), name)
    except NotFound:
        return None
    except ClassroomError:
        return False  # a symlink, a FIFO, someone else's or larger: not ours, never followed
    return found.data == data


def place_file(dir_fd: int, name: str, data: bytes, uid: int, gid: int) -> tuple[str, str]:
    """Write ``name`` below ``dir_fd`` unless the student has it; never overwrite.

    Returns ``(outcome, written_as)``: ``written``; ``unchanged`` (the same content is there,
    also under a suffixed name); ``suffixed`` (a different file of that name is kept, the new
    copy is ``name-N``).
    """
    for n in range(1, MAX_SUFFIX + 1):
        candidate = name if n == 1 else _suffixed(name, n)
        try:
            homefs.create_file(dir_fd, candidate, data, uid, gid)
            return ("written" if n == 1 else "suffixed"), candidate
        except FileExistsError:
            pass
        if _same(dir_fd, candidate, uid, data):
            return "unchanged", candidate
    raise ClassroomError(f"{name!r} and {MAX_SUFFIX - 1} suffixed names exist already: nothing "
                         "written.", code="name_taken", status=409)


def deliver(paths: ClassroomPaths, account: Account, assignment: str,
            files: list[SourceFile]) -> StudentResult:
    """Write the hand-out into ``~STUDENT/notebooks/<assignment>/`` (see the module doc); never
    raises for the student's doing: a refusal or failure is the result's outcome."""
    result = StudentResult(student=account.name, outcome="unchanged")
    try:
        _deliver(paths, account, assignment, files, result)
    except ClassroomError as e:
        result.outcome = "refused" if e.status < 500 else "failed"
        result.message = e.message
    except OSError as e:
        result.outcome = "failed"
        result.message = f"{e.strerror or e}"
    else:
        if any(f.outcome != "unchanged" for f in result.files):
            result.outcome = "handed_out"
    return result


def _deliver(paths: ClassroomPaths, account: Account, assignment: str,
             files: list[SourceFile], result: StudentResult) -> None:
    uid, gid = account.uid, account.gid
    folder = paths.notebooks_folder
    make_notebooks_folder(account.home, uid, gid, folder)  # never through a symlink
    where = f"~{account.name}/{folder}"
    with homefs.opened(homefs.open_home(account.home, uid, account.name)) as home_fd, \
            homefs.opened(homefs.open_dir(folder, home_fd, where)) as nb_fd:
        if os.fstat(nb_fd).st_uid != uid:
            raise homefs.refused(f"{where} does not belong to {account.name!r}.")
        a_fd, _ = homefs.ensure_dir(nb_fd, assignment, uid, gid, what=f"{where}/{assignment}")
        with homefs.opened(a_fd):
            for file in sorted(files, key=lambda f: f.path):
                data = _filled(file, account.name, assignment, paths)
                segments = file.path.split("/")
                opened: list[int] = []
                try:
                    dir_fd = a_fd
                    for i, seg in enumerate(segments[:-1]):
                        dir_fd, _ = homefs.ensure_dir(
                            dir_fd, seg, uid, gid,
                            what=f"{where}/{assignment}/{'/'.join(segments[:i + 1])}")
                        opened.append(dir_fd)
                    outcome, written = place_file(dir_fd, segments[-1], data, uid, gid)
                finally:
                    for fd in opened:
                        os.close(fd)
                prefix = "/".join(segments[:-1])
                result.files.append(FileResult(
                    path=file.path, outcome=outcome,
                    written_as=f"{prefix}/{written}" if prefix else written))


# -- the remembered assignments --------------------------------------------------------------
class AssignmentStore:
    """``paths.assignments`` (root-only JSON) and the hand-outs' copies in ``paths.handouts``.

    Read-modify-write under an exclusive ``flock`` (the service and the hub's pre-spawn hook
    both record deliveries); the file is replaced atomically.
    """

    def __init__(self, paths: ClassroomPaths):
        self.paths = paths

    def read(self) -> dict[str, Any]:
        """``{name: {source, teacher, classes, students, files, version, created, updated,
        delivered: {student: {version, time}}}}``."""
        try:
            data = json.loads(self.paths.assignments.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as e:
            raise ClassroomError(f"{self.paths.assignments} is damaged ({e}): restore it or "
                                 "remove it (assignments are then forgotten).",
                                 code="bad_state", status=500) from None
        assignments = data.get("assignments") if isinstance(data, dict) else None
        return assignments if isinstance(assignments, dict) else {}

    @contextmanager
    def editing(self) -> Iterator[dict[str, Any]]:
        """The assignments, for changing in place; written back when the block ends."""
        self.paths.state.mkdir(parents=True, exist_ok=True)
        lock = self.paths.assignments.with_name(self.paths.assignments.name + ".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            assignments = self.read()
            yield assignments
            write_text_atomic(self.paths.assignments,
                              json.dumps({"assignments": assignments}, indent=1,
                                         ensure_ascii=False) + "\n", mode=0o600)
        finally:
            os.close(fd)

    def save_files(self, name: str, files: list[SourceFile]) -> None:
        """Keep the hand-out's files (root-only) for students who get it later."""
        root = self.paths.handouts
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        new = root / f".{name}.new"
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir(mode=0o700)
        for f in files:
            target = new / f.path
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            target.write_bytes(f.data)
        (new / ".handout.json").write_text(json.dumps(
            {f.path: f.template_language for f in files if f.template_language}))
        old = root / f".{name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if (root / name).exists():
            os.rename(root / name, old)
        os.rename(new, root / name)
        shutil.rmtree(old, ignore_errors=True)

    def load_files(self, name: str, listed: list[str]) -> list[SourceFile]:
        """The kept files of hand-out ``name`` (root's own folder)."""
        folder = self.paths.handouts / check_assignment(name)
        try:
            languages = json.loads((folder / ".handout.json").read_text())
        except (OSError, ValueError):
            languages = {}
        return [SourceFile(path=p, data=(folder / p).read_bytes(),
                           template_language=str(languages.get(p, ""))) for p in listed]


# -- the operations --------------------------------------------------------------------------
class Lessons:
    """Hand-out and collect for the teacher ``actor`` (see the module doc).

    ``hub`` is a :class:`~.hub_api.HubClient` (classes are its groups), ``accounts`` a
    :class:`SystemAccounts`, ``audit`` an :class:`~.audit.AuditLog` or None.
    """

    def __init__(self, paths: ClassroomPaths, hub: Any, *, accounts: SystemAccounts | None = None,
                 audit: Any = None, actor: str = "", audit_actor: str = ""):
        self.paths = paths
        #: who the audit lines name (the CLI: ``root (cli)``); the teacher by default
        self.audit_actor = audit_actor or actor
        self.hub = hub
        self.accounts = accounts or SystemAccounts(paths)
        self.audit = audit
        self.actor = actor
        self.store = AssignmentStore(paths)

    # ---- who ---------------------------------------------------------------------------
    def class_members(self, name: str) -> list[str]:
        """The members of class ``name`` (the hub group of that name)."""
        if not isinstance(name, str) or not name:
            raise ClassroomError("Name the class.", code="missing_field")
        group = self.hub.get_group(name)
        if group is None:
            raise NotFound(f"There is no class {name!r} (a hub group of that name).")
        return sorted(str(u) for u in group.get("users") or [])

    def _targets(self, classes: list[str], students: list[str]) -> list[tuple[str, str]]:
        """(student, label) for every student of ``classes`` and ``students`` (validated)."""
        if not isinstance(classes, list) or not isinstance(students, list) or \
                not all(isinstance(x, str) for x in [*classes, *students]):
            raise ClassroomError("'classes' and 'students' must be lists of names.",
                                 code="bad_field")
        if not classes and not students:
            raise ClassroomError("Name a class or students.", code="missing_field")
        if len(students) > MAX_STUDENTS:
            raise ClassroomError(f"At most {MAX_STUDENTS} students at once.", code="too_large")
        accounts = self.accounts.read_all()
        unknown = [s for s in students if s not in accounts]
        if unknown:
            raise NotFound(f"There is no account {', '.join(map(repr, unknown[:5]))}: check the "
                           "names.")
        out: dict[str, str] = {}
        for cls in classes:
            for member in self.class_members(cls):
                out.setdefault(member, cls)
        for s in students:
            out.setdefault(s, "students")
        return sorted(out.items())

    def _teacher(self) -> Account:
        account = self.accounts.get(self.actor)
        if account is None:
            raise ClassroomError(f"{self.actor!r} has no account on this host, so there is no "
                                 "~/notebooks to hand out from or collect into.",
                                 code="no_account", status=403)
        return account

    def _student_account(self, name: str) -> Account | str:
        account = self.accounts.get(name)
        if account is None:
            return "has no account on this host"
        if account.is_system or not self.accounts.is_student_home(account):
            return f"is not a student account (home outside {self.paths.home_root})"
        if name == self.actor:
            return "is you"
        return account

    # ---- hand out ------------------------------------------------------------------------
    def handout(self, source: str, *, assignment: str | None = None,
                classes: list[str] | None = None, students: list[str] | None = None,
                again: bool = False, progress: Progress = no_progress) -> HandoutResult:
        """Hand ``source`` out to the students of ``classes`` and ``students``.

        ``source`` is a path below the teacher's ``~/notebooks`` or ``template:NAME``. Students
        who have this version already are left alone unless ``again`` (then only missing files
        are written: nothing is ever overwritten). The assignment and its targets are
        remembered, so students who join a class later get it when their server starts.
        """
        classes, students = list(classes or []), list(students or [])
        name = check_assignment(assignment or default_assignment(source))
        try:
            targets = self._targets(classes, students)
            if source.startswith(TEMPLATE_PREFIX):
                files = read_template_source(self.paths, source[len(TEMPLATE_PREFIX):])
            else:
                files = read_teacher_source(self.paths, self._teacher(), source)
        except ClassroomError as e:
            self._audit("handout", name, "refused" if e.status < 500 else "failed",
                        code=e.code, reason=e.message, source=source)
            raise
        version = _version(files)
        progress(f"{len(files)} file(s) read from {source}", 0.0)
        self.store.save_files(name, files)
        with self.store.editing() as assignments:
            entry = assignments.get(name) or {"created": _now(), "delivered": {}}
            entry.update(source=source, teacher=self.actor, version=version,
                         files=[f.path for f in files], updated=_now(),
                         classes=sorted(set(entry.get("classes", [])) | set(classes)),
                         students=sorted(set(entry.get("students", [])) | set(students)))
            assignments[name] = entry
            delivered = dict(entry.get("delivered") or {})
        results: list[StudentResult] = []
        for i, (student, _label) in enumerate(targets):
            account = self._student_account(student)
            if isinstance(account, str):
                results.append(StudentResult(student=student, outcome="refused",
                                             message=f"{student!r} {account}."))
            elif not again and (delivered.get(student) or {}).get("version") == version:
                results.append(StudentResult(student=student, outcome="unchanged",
                                             message="has this hand-out already"))
            else:
                results.append(deliver(self.paths, account, name, files))
            progress(f"{student}: {results[-1].outcome}", (i + 1) / len(targets))
        self._record(name, version, results)
        result = HandoutResult(assignment=name, source=source, classes=classes,
                               files=[f.path for f in files], students=results)
        self._audit("handout", name, OK if result.changed else NOTHING_TO_CHANGE, source=source,
                    classes=classes, students=len(targets), counts=result.counts())
        for r in results:
            if r.outcome in ("refused", "failed"):
                self._audit("handout", f"{name}:{r.student}", r.outcome, reason=r.message)
        return result

    def _record(self, name: str, version: str, results: list[StudentResult]) -> None:
        ok = [r.student for r in results if r.outcome in ("handed_out", "unchanged")]
        if not ok:
            return
        with self.store.editing() as assignments:
            entry = assignments.get(name)
            if entry is None or entry.get("version") != version:
                return  # handed out anew meanwhile
            delivered = entry.setdefault("delivered", {})
            for student in ok:
                delivered[student] = {"version": version, "time": _now()}

    def assignments(self) -> list[dict[str, Any]]:
        """The remembered assignments (newest first), without the per-student details."""
        out = []
        for name, entry in self.store.read().items():
            out.append({"name": name, "source": entry.get("source"),
                        "teacher": entry.get("teacher"), "classes": entry.get("classes", []),
                        "students": entry.get("students", []), "files": entry.get("files", []),
                        "updated": entry.get("updated"),
                        "delivered": len(entry.get("delivered") or {})})
        return sorted(out, key=lambda a: str(a["updated"]), reverse=True)

    # ---- collect -------------------------------------------------------------------------
    def collect(self, assignment: str, *, class_name: str | None = None,
                students: list[str] | None = None,
                progress: Progress = no_progress) -> CollectResult:
        """Copy each student's ``~/notebooks/<assignment>/`` into the teacher's
        ``~/notebooks/collected/<assignment>/<class>/<student>/`` (see the module doc)."""
        name = check_assignment(assignment)
        try:
            targets = self._targets([class_name] if class_name else [], list(students or []))
            teacher = self._teacher()
        except ClassroomError as e:
            self._audit("collect", name, "refused" if e.status < 500 else "failed",
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
                    results.append(self._collect_one(account, name, dest, teacher, stamp))
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
        self._audit("collect", f"{name}:{label}", "ok", students=len(results), counts=counts)
        for r in results:
            if r.outcome in ("refused", "failed"):
                self._audit("collect", f"{name}:{r.student}", r.outcome, reason=r.message)
        return result

    # ---- return --------------------------------------------------------------------------
    def return_file(self, assignment: str, student: str, path: str) -> StudentResult:
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
            self._audit("return", target, "refused" if e.status < 500 else "failed",
                        code=e.code, reason=e.message, source=path)
            raise
        base = files[0].path
        stem, dot, ext = base.rpartition(".")
        returned = f"{stem}-returned.{ext}" if dot and stem else f"{base}-returned"
        result = deliver(self.paths, account, name,
                         [SourceFile(path=returned, data=files[0].data)])
        self._audit("return", target, _audit_outcome(result), source=path,
                    reason=result.message,
                    written_as=[f.written_as for f in result.files])
        return result

    def _collect_one(self, account: Account, name: str, dest: _TeacherFolder, teacher: Account,
                     stamp: str) -> StudentResult:
        result = StudentResult(student=account.name, outcome="collected")
        where = f"~{account.name}/{self.paths.notebooks_folder}/{name}"
        try:
            with homefs.opened(homefs.open_home(account.home, account.uid, account.name)) as h, \
                    homefs.opened(homefs.open_dir(self.paths.notebooks_folder, h, where)) as nb, \
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

    def _audit(self, action: str, target: str, outcome: str, **details: Any) -> None:
        if self.audit is None:
            return
        try:
            self.audit.record(self.audit_actor or "?", action, target, outcome, **details)
        except OSError:
            log.exception("could not write the audit log")


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


# -- the hub's pre-spawn hook ----------------------------------------------------------------
def deliver_pending(name: str, groups: list[str], paths: ClassroomPaths) -> list[StudentResult]:
    """Hand out what ``name`` has not got yet: every assignment for one of ``groups`` (the
    user's hub groups) or naming them, in a version they have not received. Called by the
    hub's pre-spawn hook; never raises (a failed delivery must not stop the server)."""
    try:
        return _deliver_pending(name, groups, paths)
    except Exception:  # noqa: BLE001 - logged; the student's server starts anyway
        log.exception("hand-outs for %s at server start failed", name)
        return []


def _deliver_pending(name: str, groups: list[str], paths: ClassroomPaths) -> list[StudentResult]:
    store = AssignmentStore(paths)
    pending = []
    for assignment, entry in store.read().items():
        targeted = name in (entry.get("students") or []) or \
            bool(set(groups) & set(entry.get("classes") or []))
        got = ((entry.get("delivered") or {}).get(name) or {}).get("version")
        if targeted and got != entry.get("version") and entry.get("teacher") != name:
            pending.append((assignment, entry))
    if not pending:
        return []
    accounts = SystemAccounts(paths)
    account = accounts.get(name)
    if account is None or account.is_system or not accounts.is_student_home(account):
        return []
    results = []
    for assignment, entry in pending:
        files = store.load_files(assignment, list(entry.get("files") or []))
        result = deliver(paths, account, assignment, files)
        results.append(result)
        if result.outcome in ("handed_out", "unchanged"):
            with store.editing() as assignments:
                current = assignments.get(assignment)
                if current is not None and current.get("version") == entry.get("version"):
                    current.setdefault("delivered", {})[name] = {
                        "version": entry.get("version"), "time": _now()}
        try:
            from .audit import AuditLog

            AuditLog(paths.audit_log).record("hub (server start)", "handout",
                                             f"{assignment}:{name}", _audit_outcome(result),
                                             reason=result.message)
        except OSError:
            pass
    return results


def _audit_outcome(result: StudentResult) -> str:
    return {"handed_out": OK, "unchanged": NOTHING_TO_CHANGE}.get(result.outcome,
                                                                    result.outcome)


def state_paths(state: str, home_root: str, notebooks_folder: str) -> ClassroomPaths:
    """The paths the hub's pre-spawn hook uses (rendered into the hub config)."""
    return ClassroomPaths(state=Path(state), home_root=Path(home_root),
                          notebooks_folder=notebooks_folder)
