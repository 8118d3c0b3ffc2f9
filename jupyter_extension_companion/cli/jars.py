"""``classroom jars ...``: the class's shared Java libraries (run as root)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..provision.errors import ClassroomError
from ..provision.jars import JarStore
from ..provision.maven import MAVEN_CENTRAL
from .common import need_root, noun_parser, print_progress, print_trash, report


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom jars`` and its subcommands."""
    sub = noun_parser(subparsers, "jars", "shared Java libraries (/opt/jupyterhub-libs/java)")

    p = sub.add_parser("list", help="the shared jars: size, SHA-256, Maven coordinates, kernels")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("add", help="add a jar by Maven coordinates (checksum verified)")
    p.add_argument(
        "coords", help="group:artifact:version, e.g. org.apache.commons:commons-csv:1.10.0"
    )
    p.add_argument("--with-deps", action="store_true", help="also the runtime dependencies")
    p.add_argument(
        "--repo", default=MAVEN_CENTRAL, help=f"repository URL (default {MAVEN_CENTRAL})"
    )
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("upload", help="add a .jar file from this machine")
    p.add_argument("file", type=Path)
    p.add_argument("--name", help="file name in the shared folder (default: the file's name)")
    p.set_defaults(func=cmd_upload)

    p = sub.add_parser("remove", help="move a shared jar to the trash")
    p.add_argument("file")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("restore", help="bring a jar back from the trash")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)


def _store(args: argparse.Namespace) -> JarStore:
    return JarStore(args.paths, actor=args.actor)


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    jars = store.list()
    if args.json:
        print(json.dumps({"jars": [j.to_json() for j in jars], "trash": store.trashed()}, indent=1))
        return 0
    if not jars:
        print(f"No shared jars in {store.folder}")
    for j in jars:
        kernels = ",".join(j.kernels) or "-"
        print(f"{j.file:40} {j.size:>10} {j.sha256[:12]} {j.coords or '-':50} {kernels}")
    print_trash(store.trashed(), "jars")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    need_root()
    changes = _store(args).add_maven(
        args.coords, repository=args.repo, with_dependencies=args.with_deps, progress=print_progress
    )
    report(changes)
    return 0


def cmd_upload(args: argparse.Namespace) -> int:
    need_root()
    try:
        data = args.file.read_bytes()
    except OSError as e:
        raise ClassroomError(f"cannot read {args.file}: {e.strerror}") from e
    change = _store(args).add_upload(args.name or args.file.name, data)
    report([change])
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    need_root()
    report([_store(args).remove(args.file)])
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    need_root()
    report([_store(args).restore(args.file)])
    return 0
