"""``classroom culling ...``: the idle timeouts for kernels and servers (provision/culling.py)."""

from __future__ import annotations

import argparse
import json

from ..provision.culling import IdleTimeouts, read_timeouts, write_timeouts
from .common import need_root, noun_parser, report


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom culling show|set``."""
    sub = noun_parser(subparsers, "culling", "idle timeouts: stop idle students' kernels and servers")
    p = sub.add_parser("show", help="the current idle timeouts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("set", help="change the idle timeouts (minutes; 0: never)")
    p.add_argument("--kernel-idle-minutes", type=int, metavar="MIN",
                   help="stop a kernel idle this long (lesson default 20)")
    p.add_argument("--server-idle-minutes", type=int, metavar="MIN",
                   help="stop a server idle this long (lesson default 60)")
    p.set_defaults(func=cmd_set)


def _minutes(seconds: int) -> str:
    if not seconds:
        return "never"
    return f"{seconds / 60:g} min"


def cmd_show(args: argparse.Namespace) -> int:
    t = read_timeouts(args.paths)
    if args.json:
        print(json.dumps(t.to_json(), indent=1))
    else:
        print(f"kernels idle: {_minutes(t.kernel_idle_seconds)}")
        print(f"servers idle: {_minutes(t.server_idle_seconds)}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    need_root()
    if args.kernel_idle_minutes is None and args.server_idle_minutes is None:
        print("classroom culling set: give --kernel-idle-minutes and/or --server-idle-minutes")
        return 2
    current = read_timeouts(args.paths)
    wanted = IdleTimeouts(
        kernel_idle_seconds=current.kernel_idle_seconds
        if args.kernel_idle_minutes is None else args.kernel_idle_minutes * 60,
        server_idle_seconds=current.server_idle_seconds
        if args.server_idle_minutes is None else args.server_idle_minutes * 60,
    )
    report([write_timeouts(args.paths, wanted, actor=args.actor)])
    return 0
