"""``classroom demo``: a real JupyterHub on http://127.0.0.1:8000 with a teacher and two students."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..provision.errors import ClassroomError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom demo``."""
    p = subparsers.add_parser(
        "demo",
        help="start a demo hub from this environment (accounts demo-teacher, demo-student1/2; "
        "removed again on Ctrl-C)",
    )
    p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    p.add_argument("--workdir", type=Path, default=None,
                   help="folder for the hub's config and state (default: a new temp folder)")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo

    if os.geteuid() != 0:
        raise ClassroomError("The demo creates system accounts: run it as root (sudo).",
                             code="not_root", status=403)
    return run_demo(port=args.port, workdir=args.workdir)
