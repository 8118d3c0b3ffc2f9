"""``classroom trash ...``: what was removed from the shared jars, Python libraries and kernels,
and bringing it back (the same as ``classroom jars|pylibs|kernels restore NAME``)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from ..provision import trash
from .common import need_root, noun_parser, report


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom trash`` and its subcommands."""
    sub = noun_parser(subparsers, "trash", "removed jars, Python libraries and kernels")
    p = sub.add_parser("list", help="what can be restored, per kind")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("restore", help="bring one back: classroom trash restore KIND NAME")
    p.add_argument("kind", choices=list(trash.KINDS))
    p.add_argument("name")
    p.set_defaults(func=cmd_restore)


def cmd_list(args: argparse.Namespace) -> int:
    everything = trash.everything(args.paths)
    if args.json:
        print(json.dumps(everything, indent=1))
        return 0
    if not any(everything.values()):
        print("The trash is empty.")
    for kind, entries in everything.items():
        for e in entries:
            removed = datetime.fromtimestamp(e["removed"]).strftime("%Y-%m-%d %H:%M")
            print(f"{kind:8} {e['name']:40} removed {removed}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    need_root()
    report([trash.restore(args.paths, args.kind, args.name, actor=args.actor)])
    return 0
