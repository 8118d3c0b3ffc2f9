"""``classroom doctor``: check a running classroom host and say what to fix.

The checks are :func:`..provision.health.diagnose` (the same ones as the installer's final
check): the hub's API, the proxy, the classroom service (each only after its listener was found
to be run by root; no token is sent), that students cannot take those ports while the hub is
down, every kernel students get (started as a throwaway with a smoke cell), the shared jars as
an unprivileged user would see them, the permissions of the shared library folders, free disk
space, the systemd unit, and whether passwords would cross the network over plain http.
Exit status 1 if anything is broken.
"""

from __future__ import annotations

import argparse
import sys

from ..provision.health import diagnose


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom doctor``."""
    p = subparsers.add_parser("doctor", help="check this classroom host and say what to fix")
    p.add_argument("--no-kernels", action="store_true", help="skip starting the kernels")
    p.add_argument("--timeout", type=float, default=120, help="seconds per kernel test")
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    findings = diagnose(args.paths, kernels=not args.no_kernels, timeout=args.timeout)
    for f in findings:
        print(f.line())
    broken = [f for f in findings if f.level == "fail"]
    warned = [f for f in findings if f.level == "warn"]
    if broken:
        print(f"{len(broken)} problem(s) to fix, {len(warned)} warning(s).", file=sys.stderr)
        return 1
    print(f"All good ({len(warned)} warning(s)).")
    return 0
