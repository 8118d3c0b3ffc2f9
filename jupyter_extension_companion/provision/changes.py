"""What every provision operation reports: one :class:`Change` type and the :data:`Progress`
callback of long operations.

A long operation accepts ``progress: Progress`` and calls ``progress("Creating anna", 0.4)`` as
it goes (``fraction`` None when unknown). The CLI passes a callback that prints; the service runs
the operation as a job (``service/jobs.py``) whose progress the sidebar polls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

Progress = Callable[[str, "float | None"], None]


def no_progress(message: str, fraction: float | None = None) -> None:
    """A :data:`Progress` callback that ignores everything."""


@dataclass
class Change:
    """One outcome: ``changed`` False means "nothing to change" (the operation was a no-op).

    ``path``: where the change landed (a file, a folder, the trash entry); ``restart``: the
    kernelspec names whose running kernels must restart to see it; ``archive``: the archive of a
    removed student's home.
    """

    name: str
    action: str
    changed: bool
    message: str
    path: str | None = None
    restart: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    archive: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
