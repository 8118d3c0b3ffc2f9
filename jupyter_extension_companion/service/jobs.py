"""The service's long operations: an in-memory job registry.

The service runs a provision operation that takes a :data:`~..provision.changes.Progress`
callback through :class:`JobRegistry`, which records the progress so the sidebar can poll
``GET /api/v1/jobs/{id}``.

Results are kept in memory only (they may hold passwords shown once) and dropped
``keep_seconds`` (15 min) after the job ends.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..provision.changes import Progress
from ..provision.errors import ClassroomError, NotFound

log = logging.getLogger(__name__)


@dataclass
class Job:
    id: str
    kind: str
    owner: str
    state: str = "running"
    progress: list[dict[str, Any]] = field(default_factory=list)
    result: Any = None
    error: dict[str, str] | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "state": self.state,
            "progress": list(self.progress),
            "result": self.result,
            "error": self.error,
        }


class JobRegistry:
    """Runs long operations in threads and keeps their state for polling."""

    def __init__(self, keep_seconds: float = 15 * 60, max_running: int = 4):
        self.keep_seconds = keep_seconds
        self.max_running = max_running
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, fn: Callable[[Progress], Any], kind: str, owner: str) -> str:
        """Run ``fn(progress)`` in a thread; return the job id at once.

        A :class:`ClassroomError` raised by ``fn`` ends the job as ``failed`` with its message
        and code; any other exception as ``failed`` with code ``internal``.
        """
        self._expire()
        with self._lock:
            running = sum(1 for j in self._jobs.values() if j.state == "running")
            if running >= self.max_running:
                raise ClassroomError(
                    f"{running} long operations are already running; wait for one to finish.",
                    code="busy",
                    status=409,
                )
            job = Job(id=secrets.token_hex(8), kind=kind, owner=owner)
            self._jobs[job.id] = job

        def progress(message: str, fraction: float | None = None) -> None:
            entry = {"message": message, "fraction": fraction, "time": time.time()}
            with self._lock:
                job.progress.append(entry)

        def target() -> None:
            try:
                result = fn(progress)
            except ClassroomError as e:
                self._finish(job, "failed", error={"message": e.message, "code": e.code})
            except Exception as e:  # noqa: BLE001 - reported to the caller, logged here
                log.exception("job %s (%s) failed", job.id, kind)
                self._finish(job, "failed", error={"message": str(e), "code": "internal"})
            else:
                self._finish(job, "done", result=result)

        threading.Thread(target=target, name=f"job-{kind}-{job.id}", daemon=True).start()
        return job.id

    def _finish(self, job: Job, state: str, result: Any = None, error: Any = None) -> None:
        with self._lock:
            job.result = result
            job.error = error
            job.finished = time.time()
            job.state = state

    def get(self, job_id: str) -> dict[str, Any]:
        """The job's state as JSON-ready dict; NotFound if unknown or expired."""
        self._expire()
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFound(f"No job {job_id!r} (results are kept for 15 minutes).")
            return job.to_json()

    def owner_of(self, job_id: str) -> str:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise NotFound(f"No job {job_id!r} (results are kept for 15 minutes).")
            return job.owner

    def wait(self, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Block until the job ends (tests, CLI); returns its state."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.get(job_id)
            if state["state"] != "running" or time.monotonic() > deadline:
                return state
            time.sleep(0.05)

    def _expire(self) -> None:
        now = time.time()
        with self._lock:
            for job_id in [
                j.id
                for j in self._jobs.values()
                if j.finished is not None and now - j.finished > self.keep_seconds
            ]:
                del self._jobs[job_id]
