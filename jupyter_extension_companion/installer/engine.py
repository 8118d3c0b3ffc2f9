"""The step engine: runs idempotent steps, one screen line each, with a full log.

A :class:`Step` first *plans* (read-only: what would change, an empty list means "nothing to
change"), then *applies*. ``--dry-run`` only plans. A failing step prints the failing command's
output and how to resume (re-run the same command); every step is idempotent, so re-running
finishes what a broken run left.
"""

from __future__ import annotations

import datetime as _dt
import os
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..paths import ClassroomPaths
from ..provision.errors import ClassroomError, CommandFailed


class Context:
    """What every step sees: options, paths, the log, and a logged command runner."""

    def __init__(
        self,
        options: Any,
        paths: ClassroomPaths,
        *,
        out: IO[str] | None = None,
        log_path: Path | None = None,
        dry_run: bool = False,
    ) -> None:
        self.options = options
        self.paths = paths
        self.out = out or sys.stdout
        self.dry_run = dry_run
        self.log_path = log_path
        self._log: IO[str] | None = None
        # Facts found by one step for later ones (e.g. users adopted from a guide-built host).
        self.facts: dict[str, Any] = {}
        self._line_prefix = ""

    # -- log -------------------------------------------------------------------------------
    def open_log(self) -> None:
        """Open the install log (append). Never in a dry run: a dry run writes nothing."""
        if self.dry_run or self.log_path is None or self._log is not None:
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115
        os.chmod(self.log_path, 0o600)

    def close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log(self, message: str) -> None:
        if self._log is not None:
            stamp = _dt.datetime.now().isoformat(timespec="seconds")
            for line in message.rstrip("\n").splitlines() or [""]:
                self._log.write(f"{stamp} {line}\n")
            self._log.flush()

    # -- screen ----------------------------------------------------------------------------
    def say(self, line: str) -> None:
        """A full line on screen (and in the log)."""
        self.out.write(line + "\n")
        self.out.flush()
        self.log(line)

    def progress(self, message: str, fraction: float | None = None, log: bool = True) -> None:
        """Progress of the current step: logged; on a terminal it rewrites the step's line."""
        pct = f" {int(fraction * 100):3d}%" if fraction is not None else ""
        if log:
            self.log(f"  progress{pct}: {message}")
        if self._line_prefix and getattr(self.out, "isatty", lambda: False)():
            text = f"{self._line_prefix} …{pct} {message}"
            width = 100
            self.out.write("\r\033[K" + text[:width])
            self.out.flush()

    # -- commands --------------------------------------------------------------------------
    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout: float | None = None,
        check: bool = True,
        input: str | None = None,
        cwd: Path | None = None,
        inherit_env: bool = True,
    ) -> str:
        """Run a command (argv list), log it and its output; CommandFailed on failure.

        ``env`` adds to this process's environment, or replaces it with ``inherit_env=False``.
        """
        if self.dry_run:
            raise RuntimeError(f"dry run must not run commands: {list(argv)}")
        full_env = None
        if env is not None:
            full_env = dict(os.environ) if inherit_env else {}
            full_env.update(env)
        argv = [str(a) for a in argv]
        self.log("$ " + shlex.join(argv))
        # Like provision.commands.run (argv list, output merged), but each line goes to the log
        # as it comes, so `tail -f install.log` follows a long pip or apt run, and the step's
        # screen line shows the latest one.
        lines: list[str] = []
        proc = subprocess.Popen(  # noqa: S603 - argv list, no shell
            argv,
            stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=full_env,
            text=True,
            cwd=cwd,
        )
        if input is not None and proc.stdin is not None:
            proc.stdin.write(input)
            proc.stdin.close()
        watchdog = threading.Timer(timeout, proc.kill) if timeout is not None else None
        if watchdog is not None:
            watchdog.daemon = True
            watchdog.start()
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.append(line)
                self.log("  " + line.rstrip("\n"))
                if line.strip():
                    self.progress(line.strip()[:70], None, log=False)
            returncode = proc.wait()
        finally:
            if watchdog is not None:
                watchdog.cancel()
        if returncode < 0 and timeout is not None:
            lines.append(f"(stopped: no result after {timeout:.0f} s)\n")
        output = "".join(lines)
        if check and returncode != 0:
            self.log(f"(exit {returncode})")
            raise CommandFailed(argv, returncode, output)
        return output


class StepFailed(ClassroomError):
    """A step failed for a reason that is not a command (e.g. a check)."""


class StepSkipped(Exception):  # noqa: N818 - reads as the outcome it is
    """Raised by :meth:`Step.plan` when the step does not apply to this host (says why)."""


@dataclass
class Step:
    """One idempotent installer step. Subclasses override :meth:`plan` and :meth:`apply`."""

    title: str = ""

    def plan(self, ctx: Context) -> list[str]:
        """What would change (read-only). An empty list means nothing to change."""
        raise NotImplementedError

    def apply(self, ctx: Context, changes: list[str]) -> str:
        """Make the changes; return a short summary for the step's line."""
        raise NotImplementedError


@dataclass
class StepOutcome:
    title: str
    status: str  # "done" | "unchanged" | "planned" | "skipped" | "failed"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class RunReport:
    outcomes: list[StepOutcome] = field(default_factory=list)
    ok: bool = True

    @property
    def changed(self) -> bool:
        return any(o.status == "done" for o in self.outcomes)


def _short(changes: list[str], limit: int = 3) -> str:
    shown = "; ".join(changes[:limit])
    if len(changes) > limit:
        shown += f"; and {len(changes) - limit} more"
    return shown


def run_steps(ctx: Context, steps: Sequence[Step], resume_hint: str) -> RunReport:
    """Run ``steps`` in order. Stops at the first failure (later steps need earlier ones)."""
    report = RunReport()
    n = len(steps)
    for i, step in enumerate(steps, 1):
        prefix = f"[{i:>2}/{n}] {step.title}"
        ctx._line_prefix = prefix
        ctx.log(f"== {prefix}")
        started = time.monotonic()
        try:
            try:
                changes = step.plan(ctx)
            except StepSkipped as skip:
                outcome = StepOutcome(step.title, "skipped", str(skip))
                changes = None
            if changes is None:
                pass
            elif not changes:
                outcome = StepOutcome(step.title, "unchanged", "nothing to change")
            elif ctx.dry_run:
                outcome = StepOutcome(step.title, "planned", "would " + _short(changes, 6))
            else:
                for change in changes:
                    ctx.log(f"  change: {change}")
                detail = step.apply(ctx, changes)
                outcome = StepOutcome(step.title, "done", detail or _short(changes))
        except (ClassroomError, OSError) as e:
            elapsed = time.monotonic() - started
            report.outcomes.append(StepOutcome(step.title, "failed", str(e), elapsed))
            report.ok = False
            _clear_line(ctx)
            ctx.say(f"{prefix} … FAILED ({elapsed:.0f} s)")
            if isinstance(e, CommandFailed):
                ctx.say("  the command " + shlex.join(e.argv) + f" failed (exit {e.returncode}):")
                for line in e.output.rstrip().splitlines()[-40:]:
                    ctx.say("  | " + line)
            else:
                ctx.say(f"  {e}")
            if ctx.log_path is not None and not ctx.dry_run:
                ctx.say(f"  full log: {ctx.log_path}")
            ctx.say(f"  Fix the cause and re-run the same command to resume: {resume_hint}")
            ctx._line_prefix = ""
            return report
        outcome.seconds = time.monotonic() - started
        report.outcomes.append(outcome)
        _clear_line(ctx)
        label = {"unchanged": "nothing to change", "planned": outcome.detail,
                 "skipped": f"skipped: {outcome.detail}"}.get(
            outcome.status, f"done ({outcome.detail})" if outcome.detail else "done"
        )
        timing = f" [{outcome.seconds:.0f} s]" if outcome.seconds >= 2 else ""
        ctx.say(f"{prefix} … {label}{timing}")
    ctx._line_prefix = ""
    return report


def _clear_line(ctx: Context) -> None:
    if getattr(ctx.out, "isatty", lambda: False)():
        ctx.out.write("\r\033[K")
