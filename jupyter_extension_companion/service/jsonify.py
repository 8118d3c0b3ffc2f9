"""Turning provision results (dataclasses with or without ``to_json``) into JSON-ready dicts."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any


def to_json(obj: Any) -> Any:
    """``obj.to_json()`` if it has one, else dataclass fields, recursively; paths as strings."""
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj
