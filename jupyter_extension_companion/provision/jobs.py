"""Moved: ``Progress`` and ``no_progress`` live in ``changes.py``, the job registry in
``service/jobs.py``. This name only re-exports the two for branches written before the move
(f2, f3, f4 in flight on 2026-11-30); delete it once nothing imports ``provision.jobs``."""

from .changes import Progress, no_progress

__all__ = ["Progress", "no_progress"]
