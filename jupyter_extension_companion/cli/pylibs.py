"""``classroom pylibs ...``: Python packages for everyone (run as root)."""

from __future__ import annotations

import argparse
import json

from ..provision.pylibs import SharedPythonLibs
from .common import need_root, noun_parser, print_progress, print_trash, report


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom pylibs`` and its subcommands."""
    sub = noun_parser(subparsers, "pylibs", "shared Python packages (/opt/jupyterhub-libs/python)")
    p = sub.add_parser("list", help="installed packages and their versions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser(
        "install", help="pip install --target the shared folder (NAME or NAME==VERSION)"
    )
    p.add_argument("requirement")
    p.set_defaults(func=cmd_install)
    p = sub.add_parser("remove", help="remove a package from the shared folder")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser("restore", help="bring a removed package back from the trash")
    p.add_argument("name")
    p.set_defaults(func=cmd_restore)


def cmd_list(args: argparse.Namespace) -> int:
    libs = SharedPythonLibs(args.paths, actor=args.actor)
    items = libs.list()
    if args.json:
        print(json.dumps({"packages": [p.to_json() for p in items], "trash": libs.trashed()},
                         indent=1))
        return 0
    if not items:
        print(f"No shared Python packages in {libs.folder}")
    for p in items:
        print(f"{p.name}=={p.version}")
    print_trash(libs.trashed(), "pylibs")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    need_root()
    change = SharedPythonLibs(args.paths, actor=args.actor).install(args.requirement, progress=print_progress)
    report([change])
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    need_root()
    report([SharedPythonLibs(args.paths, actor=args.actor).remove(args.name)])
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    need_root()
    report([SharedPythonLibs(args.paths, actor=args.actor).restore(args.name)])
    return 0
