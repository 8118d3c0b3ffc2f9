"""The hub-managed ``idle-culler`` service: runs ``jupyterhub_idle_culler`` with the teacher's
server idle timeout and starts it again when that setting changes.

``python -m jupyter_extension_companion.service.culler CULLING_JSON``: the hub starts this with
the service's token in the environment (``JUPYTERHUB_API_TOKEN``, ``JUPYTERHUB_API_URL``), which
the idle culler reads. Every few seconds the settings file is read again; when the timeout
changed, the running culler is stopped and a new one started. With a timeout of 0 no culler runs.
On SIGTERM (hub stop) the culler is stopped too.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from ..provision.culling import read_timeouts_file

POLL_SECONDS = 5.0


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def supervise(settings: Path, poll: float = POLL_SECONDS) -> int:
    """Run the idle culler for ``settings`` until SIGTERM; returns the exit status."""
    proc: subprocess.Popen[bytes] | None = None
    argv: list[str] | None = None
    stopping = False

    def on_term(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    try:
        while not stopping:
            wanted = read_timeouts_file(settings).culler_argv(sys.executable)
            if wanted != argv or (proc is not None and proc.poll() is not None):
                if proc is not None and proc.poll() is not None and wanted == argv:
                    print(f"idle culler exited ({proc.returncode}); starting it again",
                          file=sys.stderr, flush=True)
                    time.sleep(poll)  # no busy loop when it cannot start
                _stop(proc)
                proc = None
                argv = wanted
                if argv is not None:
                    print("idle culler:", " ".join(argv[3:]), file=sys.stderr, flush=True)
                    proc = subprocess.Popen(argv)  # noqa: S603 - argv list, our own Python
                else:
                    print("idle culler: servers are never culled (timeout 0)", file=sys.stderr,
                          flush=True)
            time.sleep(poll)
    finally:
        _stop(proc)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m jupyter_extension_companion.service.culler CULLING_JSON",
              file=sys.stderr)
        return 2
    return supervise(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
