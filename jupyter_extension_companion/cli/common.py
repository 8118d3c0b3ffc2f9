"""What every ``classroom`` subcommand shares: the root check and how results are printed."""

from __future__ import annotations

import argparse
import os

from ..provision.changes import Change
from ..provision.errors import ClassroomError


def print_progress(message: str, fraction: float | None = None) -> None:
    """The CLI's progress callback: one line per step."""
    pct = f"{fraction * 100:3.0f}% " if fraction is not None else "     "
    print(f"  {pct}{message}", flush=True)


def need_root() -> None:
    """Refuse (403) unless this runs as root."""
    if os.geteuid() != 0:
        raise ClassroomError("This needs root: run it with sudo.", code="not_root", status=403)


def report(changes: list[Change]) -> None:
    """Print one line per change and the kernels to restart (provision wrote the audit lines)."""
    restart: list[str] = []
    for c in changes:
        print(c.message)
        restart += [k for k in c.restart if k not in restart]
    if restart:
        print(
            f"Restart running kernels of: {', '.join(restart)} (Kernel → Restart in each notebook)"
        )


def print_trash(names: list[str], noun: str) -> None:
    """One line naming what ``classroom NOUN restore NAME`` can bring back (nothing if empty)."""
    if names:
        print(f"In the trash (classroom {noun} restore NAME): {', '.join(names)}")


def noun_parser(
    subparsers: argparse._SubParsersAction, noun: str, help: str
) -> argparse._SubParsersAction:
    """Add ``classroom NOUN`` and return its (required) ACTION subparsers; the chosen action is
    ``args.<noun>_command``."""
    parser = subparsers.add_parser(noun, help=help)
    sub = parser.add_subparsers(dest=f"{noun}_command", metavar="ACTION")
    sub.required = True
    return sub
