"""The assignments of hand-out and collect (issue 13): names, results, and the store.

An assignment name is a plain folder name below a student's ``~/notebooks``. The assignments
handed out are remembered in ``paths.assignments`` (root-only JSON, :class:`AssignmentStore`)
with a root-only copy of their files in ``paths.handouts``, so students who join a class later
get them from the hub's pre-spawn hook (:func:`.handout.deliver_pending`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..paths import ClassroomPaths
from . import homefs
from .atomic import write_text_atomic
from .audit import NOTHING_TO_CHANGE, OK
from .errors import ClassroomError

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


def _audit_outcome(result: StudentResult) -> str:
    return {"handed_out": OK, "unchanged": NOTHING_TO_CHANGE}.get(result.outcome,
                                                                    result.outcome)

