"""``classroom handout`` and ``classroom collect``: the lesson from the shell (run as root)."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ..provision.audit import AuditLog, cli_actor
from ..provision.errors import ClassroomError
from .common import need_root, print_progress


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom handout`` and ``classroom collect``."""
    p = subparsers.add_parser(
        "handout", help="hand out a notebook or folder of the teacher's ~/notebooks to a class",
        description="Every student gets a copy in ~/notebooks/ASSIGNMENT/ (never overwriting "
        "their files: a new copy gets a suffix). Students who join the class later get it "
        "when their server starts. Without SOURCE: list the handed-out assignments.")
    p.add_argument("source", nargs="?",
                   help="path below the teacher's ~/notebooks, or template:NAME")
    p.add_argument("--class", dest="classes", action="append", default=[], metavar="CLASS",
                   help="a class (hub group); repeat for more")
    p.add_argument("--student", dest="students", action="append", default=[],
                   metavar="NAME", help="a student; repeat for more")
    p.add_argument("--assignment", help="folder name in the students' ~/notebooks "
                   "(default: the source's name)")
    p.add_argument("--teacher", default=os.environ.get("SUDO_USER"),
                   help="whose ~/notebooks the source is in (default: $SUDO_USER)")
    p.add_argument("--again", action="store_true",
                   help="also to students who have it (only missing files are written)")
    p.add_argument("--language", metavar="LANG",
                   help="a template's language where it is translated (de; default: English)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_handout)

    p = subparsers.add_parser(
        "collect", help="collect an assignment into the teacher's ~/notebooks/collected/",
        description="Copies of each student's ~/notebooks/ASSIGNMENT/ go to the teacher's "
        "~/notebooks/collected/ASSIGNMENT/CLASS/STUDENT/; collecting again updates them.")
    p.add_argument("assignment")
    p.add_argument("--class", dest="class_name", metavar="CLASS")
    p.add_argument("--student", dest="students", action="append", default=[], metavar="NAME")
    p.add_argument("--teacher", default=os.environ.get("SUDO_USER"),
                   help="whose ~/notebooks/collected gets the copies (default: $SUDO_USER)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_collect)

    p = subparsers.add_parser(
        "return", help="give a student the teacher's annotated copy (as a new file)",
        description="Copies PATH (below the teacher's ~/notebooks) into the student's "
        "~/notebooks/ASSIGNMENT/ as NAME-returned.EXT; nothing of the student's is overwritten.")
    p.add_argument("assignment")
    p.add_argument("student")
    p.add_argument("path", help="e.g. collected/week1/5a/anna/ex.ipynb")
    p.add_argument("--teacher", default=os.environ.get("SUDO_USER"),
                   help="whose ~/notebooks PATH is in (default: $SUDO_USER)")
    p.set_defaults(func=cmd_return)


def _lessons(args: argparse.Namespace) -> Any:
    from ..provision.handout import Lessons
    from ..provision.hub_api import HubClient

    need_root()
    teacher = args.teacher
    if not teacher:
        raise ClassroomError("Name the teacher whose ~/notebooks to use: --teacher NAME.",
                             code="missing_field")
    return Lessons(args.paths, HubClient.from_state(args.paths),
                   audit=AuditLog(args.paths.audit_log), actor=teacher,
                   audit_actor=cli_actor())


def cmd_handout(args: argparse.Namespace) -> int:
    if not args.source:
        from ..provision.handout import Lessons

        items = Lessons(args.paths, None).assignments()
        if args.json:
            print(json.dumps({"assignments": items}, indent=1))
        elif not items:
            print("Nothing handed out yet.")
        for a in items if not args.json else []:
            to = ", ".join(a["classes"] + a["students"])
            print(f"{a['name']}: {a['source']} -> {to} ({a['delivered']} received)")
        return 0
    if not args.classes and not args.students:
        raise ClassroomError("Name a class (--class) or students (--student).",
                             code="missing_field")
    result = _lessons(args).handout(args.source, assignment=args.assignment,
                                    classes=args.classes, students=args.students,
                                    again=args.again, locale=args.language,
                                    progress=(lambda *a: None) if args.json else print_progress)
    if args.json:
        print(json.dumps(result.to_json(), indent=1))
        return 0
    for s in result.students:
        detail = "; ".join(f"{f.path} -> {f.written_as} ({f.outcome})" for f in s.files
                           if f.outcome != "unchanged")
        print(f"{s.student}: {s.outcome}" + (f" - {s.message}" if s.message else "")
              + (f" [{detail}]" if detail else ""))
    counts = ", ".join(f"{n} {k}" for k, n in sorted(result.counts().items()))
    print(f"{result.assignment}: {counts}")
    return 1 if any(s.outcome == "failed" for s in result.students) else 0


def cmd_collect(args: argparse.Namespace) -> int:
    if not args.class_name and not args.students:
        raise ClassroomError("Name a class (--class) or students (--student).",
                             code="missing_field")
    result = _lessons(args).collect(args.assignment, class_name=args.class_name,
                                    students=args.students,
                                    progress=(lambda *a: None) if args.json else print_progress)
    if args.json:
        print(json.dumps(result.to_json(), indent=1))
        return 0
    for s in result.students:
        print(f"{s.student}: {s.outcome}" + (f" ({len(s.files)} files)" if s.files else "")
              + (f" - {s.message}" if s.message else ""))
    print(f"-> ~{args.teacher}/{args.paths.notebooks_folder}/{result.folder}"
          + (f"; missing: {', '.join(result.missing)}" if result.missing else ""))
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    result = _lessons(args).return_file(args.assignment, args.student, args.path)
    written = ", ".join(f.written_as for f in result.files)
    print(f"{result.student}: {result.outcome}" + (f" -> {written}" if written else "")
          + (f" - {result.message}" if result.message else ""))
    return 0 if result.outcome in ("handed_out", "unchanged") else 1
