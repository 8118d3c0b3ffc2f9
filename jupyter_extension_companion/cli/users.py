"""``classroom users ...``: the class list from the host's shell (run as root)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from ..paths import ClassroomPaths
from ..provision.atomic import write_text_atomic
from ..provision.audit import AuditLog, cli_actor
from ..provision.changes import Change
from ..provision.credentials import (
    credentials_csv,
    credentials_filename,
    credentials_html,
    language_of,
)
from ..provision.errors import ClassroomError
from ..provision.hub_api import HubClient
from ..provision.roster import Credentials, Roster
from ..provision.roster_apply import apply_plan
from ..provision.roster_import import preview
from ..provision.roster_parse import FIELDS, MappingNeeded, RosterMappings, parse_roster
from ..provision.system_accounts import SystemAccounts


def make_roster(paths: ClassroomPaths) -> Roster:
    """The roster on this host, acting as ``$SUDO_USER (cli)`` (tests replace this function)."""
    if os.geteuid() != 0:
        raise ClassroomError("This needs root: run it with sudo.", code="not_root", status=403)
    return Roster(
        hub=HubClient.from_state(paths),
        paths=paths,
        accounts=SystemAccounts(paths),
        audit=AuditLog(paths.audit_log),
        actor=cli_actor(),
    )


def hub_url(paths: ClassroomPaths) -> str:
    """The address students open (from the hub access file), for the credential slips."""
    try:
        return json.loads(paths.hub_access.read_text(encoding="utf-8")).get("hub_url", "")
    except (OSError, ValueError):
        return ""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom users`` and its subcommands."""
    parser = subparsers.add_parser("users", help="students and teachers of the class")
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("list", help="the class: hub and system state")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("add", help="add one student (account, ~/notebooks, password, hub user)")
    p.add_argument("name")
    add_password_options(p)
    p.add_argument("--full-name", help="the student's full name")
    p.add_argument("--teacher", action="store_true", help="make them a teacher (hub admin)")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("import", help="add the students of a CSV roster")
    p.add_argument("file", type=Path, metavar="FILE",
                   help="CSV with a header row, as school software exports it (WebUntis, "
                   "SchILD, IServ, Moodle): username and/or names (Vorname, Nachname, ...), "
                   "optional password, class, ID; ';' ',' or tab; UTF-8, Windows-1252 or "
                   "ISO-8859-1")
    p.add_argument("--column", action="append", default=[], metavar="FIELD=N",
                   help="which column (1 = first) holds a field when the header is not "
                   f"recognised; fields: {', '.join(FIELDS)}; remembered for files with the "
                   "same header")
    p.add_argument("--dry-run", action="store_true", help="only say what would happen")
    p.add_argument("--json", action="store_true",
                   help="print the preview as JSON (the same as the sidebar's)")
    p.add_argument("--language", choices=("en", "de"),
                   help="language of the credentials sheet (German: ';' separated); "
                   "default from $LANG")
    p.add_argument("--skip-refused", action="store_true",
                   help="create the acceptable rows even if others are refused")
    p.add_argument("--credentials-out", type=Path, metavar="PATH",
                   help="where to write the credentials CSV (default ./credentials-<time>.csv)")
    p.add_argument("--credentials-html", type=Path, metavar="PATH",
                   help="also write a printable page with one slip per student")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("passwd", help="set a new password (generated unless given)")
    p.add_argument("name")
    add_password_options(p)
    p.set_defaults(func=cmd_passwd)

    for action, text in (("disable", "lock the login and stop the server"),
                         ("enable", "unlock the login"),
                         ("start", "start the student's server"),
                         ("stop", "stop the student's server")):
        p = sub.add_parser(action, help=text)
        p.add_argument("name")
        p.set_defaults(func=cmd_simple, action=action)

    p = sub.add_parser("remove", help="remove a student (the home is archived first)")
    p.add_argument("name")
    p.add_argument("--keep-account", action="store_true",
                   help="remove only the hub user; keep the system account and home")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("teacher", help="make a user a teacher (hub admin)")
    p.add_argument("name")
    p.add_argument("--revoke", action="store_true", help="take the teacher role away")
    p.set_defaults(func=cmd_teacher)


# ---- passwords: from a prompt or stdin, never from argv (every user sees argv in `ps`) ----

PASSWORD_ARGV_REFUSED = (
    "--password is gone: a password on the command line is visible to every user of the host "
    "(ps, /proc). Use --ask-password to type it, or --password-stdin to pipe it in, e.g. "
    "`printf '%s\\n' \"$PW\" | classroom users passwd NAME --password-stdin`. Nothing was changed."
)


def add_password_options(parser: argparse.ArgumentParser) -> None:
    """``--ask-password`` / ``--password-stdin``; the old ``--password VALUE`` only refuses."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--ask-password", action="store_true",
                       help="type the password at a prompt (not shown; default: generated "
                       "and printed once)")
    group.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")
    # kept only to refuse with a clear message (argparse would say "unrecognized arguments")
    group.add_argument("--password", dest="password_argv", nargs="?", const="",
                       help=argparse.SUPPRESS)


def read_password(args: argparse.Namespace) -> str | None:
    """The password the options ask for (None: generate one); refuses ``--password VALUE``."""
    if getattr(args, "password_argv", None) is not None:
        raise ClassroomError(PASSWORD_ARGV_REFUSED, code="password_argv")
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line.strip("\r\n"):
            raise ClassroomError("--password-stdin: standard input has no password line; "
                                 "nothing was changed.", code="no_password")
        return line.rstrip("\r\n")
    if args.ask_password:
        if not sys.stdin.isatty():
            raise ClassroomError("--ask-password needs a terminal: use --password-stdin to "
                                 "pipe the password in.", code="no_tty")
        first = getpass.getpass("New password: ")
        if first != getpass.getpass("Type it again: "):
            raise ClassroomError("The two passwords differ; nothing was changed.",
                                 code="password_mismatch")
        return first
    return None


# ---- commands --------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    students = make_roster(args.paths).list()
    if args.json:
        print(json.dumps({"users": [s.to_json() for s in students]}, indent=2))
        return 0
    rows = [("NAME", "FULL NAME", "ROLE", "CLASSES", "LOGIN", "ACCOUNT", "SERVER",
             "LAST ACTIVITY")]
    for s in students:
        rows.append((
            s.name,
            s.full_name or "-",
            "teacher" if s.teacher else "student",
            ",".join(s.classes) or "-",
            "disabled" if s.locked else "enabled",
            "hub+system" if s.hub_user and s.system_account
            else "hub only" if s.hub_user else "system only",
            "running" if s.server_running else "-",
            (s.last_activity or "-")[:19].replace("T", " "),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    print(f"{len(students)} users")
    return 0


def _print_credentials(creds: Credentials) -> None:
    if creds.password:
        note = " (generated; shown once)" if creds.generated else ""
        print(f"password for {creds.name}: {creds.password}{note}")


def cmd_add(args: argparse.Namespace) -> int:
    password = read_password(args)
    creds = make_roster(args.paths).add(
        args.name, password=password, full_name=args.full_name, teacher=args.teacher
    )
    print(f"{args.name}: {creds.message}")
    _print_credentials(creds)
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    password = read_password(args)
    creds = make_roster(args.paths).set_password(args.name, password)
    _print_credentials(creds)
    return 0


def _print_change(change: Change) -> int:
    print(f"{change.name}: {change.message}")
    return 0


def cmd_simple(args: argparse.Namespace) -> int:
    roster = make_roster(args.paths)
    operation = {
        "disable": roster.disable,
        "enable": roster.enable,
        "start": roster.start_server,
        "stop": roster.stop_server,
    }[args.action]
    return _print_change(operation(args.name))


def cmd_remove(args: argparse.Namespace) -> int:
    roster = make_roster(args.paths)
    if not args.yes:
        what = ("the hub user (the account and home are kept)" if args.keep_account else
                f"the hub user and the account; the home is archived to {args.paths.archive}")
        if not sys.stdin.isatty():
            raise ClassroomError(f"Removing {args.name} deletes {what}: add --yes to confirm.",
                                 code="confirm")
        answer = input(f"Remove {args.name}? This deletes {what}. [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("nothing removed")
            return 1
    return _print_change(roster.remove(args.name, keep_account=args.keep_account))


def cmd_teacher(args: argparse.Namespace) -> int:
    return _print_change(make_roster(args.paths).set_teacher(args.name, not args.revoke))


def _column_mapping(values: list[str]) -> dict[str, int] | None:
    """``--column first_name=2`` options as a mapping (0-based), or None when none given."""
    if not values:
        return None
    mapping: dict[str, int] = {}
    for value in values:
        name, _, number = value.partition("=")
        if not number.strip().isdigit() or int(number) < 1:
            raise ClassroomError(f"--column {value!r}: write FIELD=N with N the column number "
                                 "(1 = first), e.g. --column first_name=2.", code="bad_mapping")
        mapping[name.strip()] = int(number) - 1
    return mapping


def _explain_mapping(needed: MappingNeeded) -> None:
    print(needed.to_json()["message"], file=sys.stderr)
    print(f"(read as {needed.encoding}, separated by {needed.delimiter!r})", file=sys.stderr)
    for c in needed.columns:
        samples = ", ".join(c.samples) or "-"
        print(f"  column {c.index + 1}: {c.title!r}  e.g. {samples}", file=sys.stderr)
    print(f"Say which is which, e.g. --column last_name=1 --column first_name=2 (fields: "
          f"{', '.join(FIELDS)}).", file=sys.stderr)


def _unused(path: Path) -> Path:
    """``path``, or ``name-2.csv``, ``name-3.csv``... if it exists (never overwrite a sheet)."""
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def cmd_import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ClassroomError(f"Cannot read {args.file}: {exc.strerror}.", code="no_file") from None
    mapping = _column_mapping(args.column)
    roster = make_roster(args.paths)
    parsed = parse_roster(data, mapping, RosterMappings(args.paths.roster_mappings))
    if isinstance(parsed, MappingNeeded):
        if args.json:
            print(json.dumps(parsed.to_json(), indent=2, ensure_ascii=False))
        _explain_mapping(parsed)
        return 1
    plan = preview(parsed.rows, roster)
    if args.json:
        print(json.dumps({"mapping_needed": False, **parsed.info(), **plan.to_json()},
                         indent=2, ensure_ascii=False))
    else:
        print(f"read as {parsed.encoding}, separated by {parsed.delimiter!r}")
    for row in plan.rows if not args.json else ():
        shown = row.username or row.input.get("username") or row.input.get("full_name") or ""
        klass = f"  [{row.class_name}]" if row.class_name else ""
        reason = f"  ({row.reason})" if row.reason else ""
        print(f"line {row.line:>4}  {row.action:<7} {shown}{klass}{reason}")
    s = plan.summary
    print(f"{s['total']} rows: {s['create']} to create, {s['exists']} existing, "
          f"{s['refuse']} refused", file=sys.stderr if args.json else sys.stdout)
    if s["refuse"] and not args.skip_refused:
        if args.dry_run:
            return 1
        raise ClassroomError(
            f"{s['refuse']} rows are refused (reasons above): fix them, or add --skip-refused "
            "to create the others.",
            code="refused_rows",
        )
    if args.dry_run:
        print("dry run: nothing changed", file=sys.stderr if args.json else sys.stdout)
        return 1 if s["refuse"] else 0
    if not plan.accepted():
        print("nothing to create")
        return 1 if s["refuse"] else 0

    def progress(message: str, fraction: float | None) -> None:
        percent = f"{fraction * 100:3.0f}%" if fraction is not None else "    "
        print(f"[{percent}] {message}", file=sys.stderr, flush=True)

    imported = apply_plan(plan, roster, progress, skip_refused=True)
    results = imported.results
    failed = [r for r in results if not r.ok]
    for r in results:
        print(f"{r.username}: {'ok' if r.ok else 'FAILED'} - {r.message}")
    creds = [r.credentials() for r in results if r.ok and r.password]
    if creds:
        language = language_of(args.language or os.environ.get("LANG"))
        classes = {name: c for name, c in imported.classes.items()
                   if any(cr.name == name for cr in creds)}
        url = hub_url(args.paths)
        out = args.credentials_out or _unused(Path(credentials_filename(classes.values(),
                                                                        language)))
        write_text_atomic(out, credentials_csv(creds, login_url=url, classes=classes,
                                               language=language), mode=0o600)
        print(f"credentials of {len(creds)} students written to {out.resolve()} (mode 0600): "
              "hand them out, then delete the file")
        if args.credentials_html:
            page = credentials_html(creds, url, classes=classes, language=language)
            write_text_atomic(args.credentials_html, page, mode=0o600)
            print(f"printable slips written to {args.credentials_html.resolve()}")
    ok = len(results) - len(failed)
    print(f"{ok} of {len(results)} rows done" + (f", {len(failed)} failed" if failed else ""))
    return 1 if failed or s["refuse"] else 0
