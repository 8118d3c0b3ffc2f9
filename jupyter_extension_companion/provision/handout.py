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

**Collect** and **return**: :mod:`.collect` (mixed into :class:`Lessons`). The assignment
names, results and store are in :mod:`.assignments`; reading and writing the files in
:mod:`.handout_files`. The names used before the split are importable from here as before.

Every operation is safe to re-run and writes audit lines (``handout``, ``collect``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .assignments import (  # noqa: F401 - importable from here as before the split
    ASSIGNMENT_RE,
    COLLECT_LIMITS,
    COLLECTED,
    MAX_STUDENTS,
    MAX_SUFFIX,
    RESERVED,
    SOURCE_LIMITS,
    TEMPLATE_PREFIX,
    AssignmentStore,
    CollectResult,
    FileResult,
    HandoutResult,
    SourceFile,
    StudentResult,
    _audit_outcome,
    _now,
    _version,
    check_assignment,
    check_source,
    default_assignment,
)
from .audit import NOTHING_TO_CHANGE, OK
from .changes import Progress, no_progress
from .collect import Collecting
from .errors import ClassroomError, NotFound
from .handout_files import (  # noqa: F401 - importable from here as before the split
    deliver,
    place_file,
    read_teacher_source,
    read_template_source,
)
from .system_accounts import Account, SystemAccounts

log = logging.getLogger(__name__)


# -- the operations --------------------------------------------------------------------------
class Lessons(Collecting):
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
                again: bool = False, locale: str | None = None,
                progress: Progress = no_progress) -> HandoutResult:
        """Hand ``source`` out to the students of ``classes`` and ``students``.

        ``source`` is a path below the teacher's ``~/notebooks`` or ``template:NAME`` (in the
        language of ``locale``, the teacher's UI language, where it is translated). Students
        who have this version already are left alone unless ``again`` (then only missing files
        are written: nothing is ever overwritten). The assignment and its targets are
        remembered, so students who join a class later get it when their server starts.
        """
        classes, students = list(classes or []), list(students or [])
        name = check_assignment(assignment or default_assignment(source))
        try:
            targets = self._targets(classes, students)
            if source.startswith(TEMPLATE_PREFIX):
                files = read_template_source(self.paths, source[len(TEMPLATE_PREFIX):], locale)
            else:
                files = read_teacher_source(self.paths, self._teacher(), source)
        except ClassroomError as e:
            self._audit("lesson.handout", name, "refused" if e.status < 500 else "failed",
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
        self._audit("lesson.handout", name, OK if result.changed else NOTHING_TO_CHANGE, source=source,
                    classes=classes, students=len(targets), counts=result.counts())
        for r in results:
            if r.outcome in ("refused", "failed"):
                self._audit("lesson.handout", f"{name}:{r.student}", r.outcome, reason=r.message)
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


    def _audit(self, action: str, target: str, outcome: str, **details: Any) -> None:
        if self.audit is None:
            return
        try:
            self.audit.record(self.audit_actor or "?", action, target, outcome, **details)
        except OSError:
            log.exception("could not write the audit log")



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

            AuditLog(paths.audit_log).record("hub (server start)", "lesson.deliver",
                                             f"{assignment}:{name}", _audit_outcome(result),
                                             reason=result.message)
        except OSError:
            pass
    return results



def state_paths(state: str, home_root: str, notebooks_folder: str) -> ClassroomPaths:
    """The paths the hub's pre-spawn hook uses (rendered into the hub config)."""
    return ClassroomPaths(state=Path(state), home_root=Path(home_root),
                          notebooks_folder=notebooks_folder)
