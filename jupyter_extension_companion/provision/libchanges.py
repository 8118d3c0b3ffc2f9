"""The result of one change to shared libraries or kernels (jars, Python libs, kernelspecs)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Change:
    """One outcome: ``changed`` False means "nothing to change" (the operation was a no-op).

    ``restart`` lists kernelspec names whose running kernels must be restarted to see the change.
    """

    name: str
    action: str
    changed: bool
    message: str
    path: str | None = None
    restart: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
