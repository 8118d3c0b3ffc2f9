"""A hand-out's files: read from the teacher's ``~/notebooks`` (or a notebook template) as
root, and written into a student's ``~/notebooks/<assignment>/`` without overwriting anything
(see :mod:`.handout`).
"""

from __future__ import annotations

import json
import os

from ..paths import ClassroomPaths
from . import homefs
from .assignments import (
    MAX_SUFFIX,
    SOURCE_LIMITS,
    FileResult,
    SourceFile,
    StudentResult,
    check_source,
)
from .errors import ClassroomError, NotFound
from .system_accounts import Account, make_notebooks_folder


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


def read_template_source(paths: ClassroomPaths, name: str,
                         locale: str | None = None) -> list[SourceFile]:
    """A notebook template (class or shipped) as a hand-out of one file, ``NAME.ipynb``; its
    German version for a German ``locale`` where it has one."""
    from .templates import class_templates_dir, get_template, template_search_path

    found = get_template(name, template_search_path([class_templates_dir(paths)]), locale)
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


