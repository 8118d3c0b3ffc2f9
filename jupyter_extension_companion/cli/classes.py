"""``classroom classes ...``: classes (hub group + unix group) from the host's shell (root).

The same provision code as the sidebar: :mod:`..provision.classes` (membership, rename) and
:mod:`..provision.class_actions` (every student of a class at once).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from ..provision.atomic import write_text_atomic
from ..provision.class_actions import ClassActions, ClassResult
from ..provision.classes import ClassChange, Classes
from ..provision.errors import ClassroomError
from . import users as users_cli


def make_classes(paths: ClassroomPaths) -> Classes:
    """The classes on this host, acting as ``$SUDO_USER (cli)`` (tests replace this)."""
    roster = users_cli.make_roster(paths)
    return Classes(roster.hub, paths, audit=roster.audit, actor=roster.actor)


def make_actions(paths: ClassroomPaths) -> ClassActions:
    return ClassActions(make_classes(paths), users_cli.make_roster(paths))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom classes`` and its subcommands."""
    parser = subparsers.add_parser("classes", help="classes: a hub group and a unix group each")
    sub = parser.add_subparsers(dest="classes_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("list", help="every class and its students")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("create", help="create a class (e.g. 10a); safe to repeat")
    p.add_argument("name")
    p.set_defaults(func=cmd_create)

    p = sub.add_parser("add", help="put students into a class")
    p.add_argument("name")
    p.add_argument("users", nargs="+", metavar="USER")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove-member", help="take students out of a class (accounts stay)")
    p.add_argument("name")
    p.add_argument("users", nargs="+", metavar="USER")
    p.set_defaults(func=cmd_remove_member)

    p = sub.add_parser("move", help="move students from one class to another")
    p.add_argument("source", metavar="FROM")
    p.add_argument("target", metavar="TO")
    p.add_argument("users", nargs="+", metavar="USER")
    p.set_defaults(func=cmd_move)

    for verb, text in (("rename", "rename a class (members stay)"),
                       ("promote", "next school year: e.g. promote 10a 11a (same as rename)")):
        p = sub.add_parser(verb, help=text)
        p.add_argument("old")
        p.add_argument("new")
        p.set_defaults(func=cmd_rename)

    p = sub.add_parser("passwords", help="new passwords for every student of a class")
    p.add_argument("name")
    p.add_argument("--lang", choices=("en", "de"), default="en", help="words on the slips")
    p.add_argument("--qr", action="store_true", help="a QR code of the login URL on each slip")
    p.add_argument("--out", type=Path, metavar="PATH",
                   help="credentials CSV (default ./credentials-CLASS-<time>.csv)")
    p.add_argument("--html", type=Path, metavar="PATH", help="also write printable slips")
    p.set_defaults(func=cmd_passwords)

    for action, text in (("disable", "lock every student's login, stop servers (an exam)"),
                         ("enable", "unlock every student's login"),
                         ("start", "start every student's server"),
                         ("stop", "stop every student's server")):
        p = sub.add_parser(action, help=text)
        p.add_argument("name")
        p.set_defaults(func=cmd_each, action=action)

    p = sub.add_parser("sync", help="re-import a school export: shows per student new / "
                       "unchanged / moved / gone / ambiguous; --apply carries it out")
    p.add_argument("file", type=Path, metavar="FILE", help="the export (CSV) with a class column")
    p.add_argument("--class", dest="default_class", metavar="NAME",
                   help="the class of rows without a class column value")
    p.add_argument("--apply", action="store_true", help="carry the plan out (default: only show)")
    p.add_argument("--remove", nargs="+", default=[], metavar="USER",
                   help="students no longer listed to archive and remove (with --apply)")
    p.add_argument("--credentials-out", type=Path, metavar="PATH",
                   help="credentials CSV of the new students (default ./credentials-<time>.csv)")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("export", help="pack a class (homes, list without passwords) into one "
                       "archive")
    p.add_argument("name")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("remove", help="remove a class: its students in no other class are "
                       "removed (each home archived first), the others only leave it")
    p.add_argument("name")
    p.add_argument("--keep-students", action="store_true",
                   help="delete only the class (hub group, unix group); every account stays")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_remove)


def _change(change: ClassChange) -> int:
    print(f"{change.name}: {change.message}")
    return 0


def _progress(message: str, fraction: float | None) -> None:
    percent = f"{fraction * 100:3.0f}%" if fraction is not None else "    "
    print(f"[{percent}] {message}", file=sys.stderr, flush=True)


def _result(result: ClassResult) -> int:
    for m in result.members:
        extra = f" (archive: {m.archive})" if m.archive else ""
        print(f"{m.name}: {'ok' if m.ok else 'FAILED'} - {m.message}{extra}")
    print(result.summary)
    return 1 if result.failed else 0


def cmd_list(args: argparse.Namespace) -> int:
    infos = make_classes(args.paths).list_classes()
    if args.json:
        print(json.dumps({"classes": [i.to_json() for i in infos]}, indent=2))
        return 0
    for info in infos:
        unix = "" if info.unix_group else "  (unix group missing: run create again)"
        print(f"{info.name}: {len(info.members)} students{unix}")
        if info.members:
            print("  " + " ".join(info.members))
    print(f"{len(infos)} classes")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    return _change(make_classes(args.paths).ensure_class(args.name))


def cmd_add(args: argparse.Namespace) -> int:
    return _change(make_classes(args.paths).add_members(args.name, args.users))


def cmd_remove_member(args: argparse.Namespace) -> int:
    return _change(make_classes(args.paths).remove_members(args.name, args.users))


def cmd_move(args: argparse.Namespace) -> int:
    return _change(make_classes(args.paths).move(args.users, args.source, args.target))


def cmd_rename(args: argparse.Namespace) -> int:
    return _change(make_classes(args.paths).rename_class(args.old, args.new))


def cmd_each(args: argparse.Namespace) -> int:
    actions = make_actions(args.paths)
    fn: Any = {"disable": actions.disable, "enable": actions.enable,
               "start": actions.start_servers, "stop": actions.stop_servers}[args.action]
    return _result(fn(args.name, _progress))


def cmd_passwords(args: argparse.Namespace) -> int:
    from ..provision.class_slips import sheet

    actions = make_actions(args.paths)
    result = actions.new_passwords(args.name, _progress)
    status = _result(result)
    if result.credentials:
        files = sheet(result.credentials, args.paths, args.name, lang=args.lang, qr=args.qr)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        out = args.out or Path(f"credentials-{args.name}-{stamp}.csv")
        write_text_atomic(out, files["csv"], mode=0o600)
        print(f"credentials of {len(result.credentials)} students written to {out.resolve()} "
              "(mode 0600): hand them out, then delete the file")
        if args.html:
            write_text_atomic(args.html, files["html"], mode=0o600)
            print(f"printable slips written to {args.html.resolve()}")
    return status


def cmd_remove(args: argparse.Namespace) -> int:
    if args.keep_students:
        return _change(make_classes(args.paths).delete_class(args.name))
    actions = make_actions(args.paths)
    info = actions.classes.get(args.name)
    if not args.yes:
        what = (f"class {args.name} and its {len(info.members)} students (those in no other "
                f"class are removed; each home is archived to {args.paths.archive} first)")
        if not sys.stdin.isatty():
            raise ClassroomError(f"This removes {what}: add --yes to confirm.", code="confirm")
        answer = input(f"Remove {what}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("nothing removed")
            return 1
    return _result(actions.remove_class(args.name, _progress))


def cmd_sync(args: argparse.Namespace) -> int:
    from ..provision.class_sync import apply_sync, plan_sync, rows_from_file
    from ..provision.credentials import credentials_csv

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ClassroomError(f"Cannot read {args.file}: {exc.strerror}.", code="no_file") from None
    rows = rows_from_file(data, args.default_class)
    roster = users_cli.make_roster(args.paths)
    classes = make_classes(args.paths)
    plan = plan_sync(rows, roster, classes)
    for item in plan.items:
        where = f"line {item.line:>4}" if item.line else "         "
        klass = item.class_to or ",".join(item.class_from)
        who = item.username or item.full_name or ""
        extra = f" [{', '.join(item.candidates)}]" if item.candidates else ""
        print(f"{where}  {item.status:<9} {klass:<10} {who}  ({item.reason}){extra}")
    print(", ".join(f"{n} {k}" for k, n in plan.summary.items() if n) or "nothing to do")
    if plan.new_classes:
        print(f"new classes: {', '.join(plan.new_classes)}")
    if not args.apply:
        print("nothing changed (add --apply to carry it out; --remove USER... for the ones "
              "no longer listed)")
        return 0
    result = apply_sync(rows, roster, classes, args.remove, _progress)
    for line in result.messages:
        print(line)
    for removed in result.removed:
        print(f"{removed['name']}: {removed['message']}")
    for failure in result.failed:
        print(f"FAILED {failure}")
    creds = [a.credentials() for a in result.added if a.ok and a.password]
    if creds:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        out = args.credentials_out or Path(f"credentials-{stamp}.csv")
        write_text_atomic(out, credentials_csv(creds), mode=0o600)
        print(f"credentials of {len(creds)} new students written to {out.resolve()} (mode 0600)")
    return 1 if result.failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    from ..provision.class_export import export_class

    roster = users_cli.make_roster(args.paths)
    classes = make_classes(args.paths)
    path = export_class(args.name, roster, classes, _progress)
    print(f"class {args.name} exported to {path} ({path.stat().st_size} bytes; root only)")
    return 0
