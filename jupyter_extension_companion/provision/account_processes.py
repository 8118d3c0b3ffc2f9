"""Ending a removed student's processes: found by uid in ``/proc/PID/status``, TERM, then STOP +
KILL until none is left (see :meth:`.system_accounts.SystemAccounts.end_processes`)."""

from __future__ import annotations

import os
import signal
import time

from .errors import ClassroomError
from .usernames import is_system_uid


def _pids_of(uid: int) -> list[int]:
    """Every process with ``uid`` as its real, effective, saved or file-system uid.

    Read from ``/proc/PID/status``, not the owner of ``/proc/PID``: a process that made itself
    non-dumpable shows ``/proc/PID`` as root's.
    """
    pids = []
    me = os.getpid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if str(uid) in line.split()[1:]:
                            pids.append(int(entry.name))
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return pids


def _signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _end_processes(uid: int, grace: float = 5.0, kill_for: float = 10.0) -> None:
    """End the processes of a student being removed: TERM, ``grace`` seconds, then KILL (and
    STOP first, so a process that forks cannot outrun the kills) until none is left."""
    if is_system_uid(uid):
        return
    pids = _pids_of(uid)
    if not pids:
        return
    if grace > 0:
        _signal_all(pids, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and _pids_of(uid):
            time.sleep(0.1)
    deadline = time.monotonic() + kill_for
    while pids := _pids_of(uid):
        if time.monotonic() > deadline:
            raise ClassroomError(
                f"Processes of uid {uid} keep running ({len(pids)} left, e.g. pid {pids[0]}): "
                "nothing was deleted; end them by hand and try again.",
                code="processes_left", status=500)
        _signal_all(pids, signal.SIGSTOP)
        _signal_all(pids, signal.SIGKILL)
        time.sleep(0.05)

