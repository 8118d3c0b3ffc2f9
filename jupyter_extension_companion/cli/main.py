"""The ``classroom`` command: one subcommand module per noun, dispatched from here.

Each module in :data:`COMMANDS` exposes ``register(subparsers)``, which adds its parser and sets
``func(args) -> int`` on it. A refusal (:class:`ClassroomError`) ends the command with exit
status 1 and its one-line reason on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..paths import ClassroomPaths
from ..provision.audit import AuditLog, Auditor, cli_actor
from ..provision.errors import ClassroomError
from . import (
    broker,
    classes,
    culling,
    demo,
    doctor,
    jars,
    kernels,
    lesson,
    pylibs,
    trash,
    users,
)

# One line per subcommand module (engineers add theirs here).
COMMANDS = [
    users,
    classes,
    demo,
    jars,
    pylibs,
    kernels,
    doctor,
    broker,
    culling,
    trash,
    lesson,
]


def paths_from_args(args: argparse.Namespace) -> ClassroomPaths:
    """The host paths, below ``--prefix`` (or ``$CLASSROOM_PREFIX``) when given."""
    paths = ClassroomPaths()
    prefix = getattr(args, "prefix", None)
    return paths.with_prefix(Path(prefix)) if prefix else paths


# the arguments that name what a command acts on, for the audit line of a refusal
_NOUNS = {"users": "user", "jars": "jar", "pylibs": "pylib", "kernels": "kernel",
          "snippets": "snippet", "templates": "template"}  # as provision names its actions
_TARGETS = ("name", "file", "coords", "requirement", "kind", "notebook", "entries", "csv")


def _audit_refusal(args: argparse.Namespace, exc: ClassroomError) -> None:
    """One audit line for a refusal that no provision operation recorded (bad arguments, not
    root): action ``<noun>.<verb>`` from the command line, target its first named argument."""
    noun = _NOUNS.get(args.command, args.command)
    verb = getattr(args, f"{args.command}_command", None)
    action = f"{noun}.{verb}" if verb else str(noun)
    target = next((str(getattr(args, k)) for k in _TARGETS if getattr(args, k, None)), "")
    try:
        Auditor(AuditLog(args.paths.audit_log), args.actor).refused(action, target, exc)
    except OSError as e:
        if os.geteuid() == 0:  # a user without root cannot write the log (and needs no note)
            print(f"classroom: (not in the audit log: {e.strerror})", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="classroom",
        description="Manage a JupyterHub classroom: students, libraries, kernels (run as root).",
    )
    parser.add_argument(
        "--prefix",
        default=os.environ.get("CLASSROOM_PREFIX") or None,
        help="scratch prefix for every host path (tests); default: the real host paths "
        "(each can also be set with CLASSROOM_STATE, CLASSROOM_HOME_ROOT, ...)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``classroom`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.paths = paths_from_args(args)
    args.actor = cli_actor()
    try:
        return int(args.func(args) or 0)
    except ClassroomError as exc:
        _audit_refusal(args, exc)
        print(f"classroom: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("classroom: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
