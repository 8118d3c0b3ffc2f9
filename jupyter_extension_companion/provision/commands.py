"""Running host commands: argv lists only, never a shell string."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Mapping, Sequence

from .errors import CommandFailed

log = logging.getLogger(__name__)


def run(
    argv: Sequence[str],
    *,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float | None = None,
    secret_input: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` and return the completed process (stdout and stderr merged).

    ``secret_input`` keeps ``input`` (e.g. ``chpasswd`` lines) out of the log.
    Raises :class:`CommandFailed` with the command's output when ``check`` and it fails.
    """
    argv = [str(a) for a in argv]
    log.debug("run %s%s", argv, " (with secret input)" if secret_input else "")
    proc = subprocess.run(  # noqa: S603 - argv list, no shell
        argv,
        input=input,
        env=dict(env) if env is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise CommandFailed(argv, proc.returncode, proc.stdout or "")
    return proc
