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


def flat_records(items: list[Any]) -> list[Any]:
    """Many flat records (e.g. the class list) as dicts, fast.

    ``dataclasses.asdict`` deep-copies every value: for a class of 1000 students that alone
    costs tens of milliseconds. Records whose fields are all plain JSON values are read
    shallowly; anything else goes through :func:`to_json`.
    """
    out: list[Any] = []
    names_of: dict[type, list[str]] = {}
    plain = (str, int, float, bool, type(None))
    for item in items:
        cls = type(item)
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            names = names_of.get(cls)
            if names is None:
                names = names_of[cls] = [f.name for f in dataclasses.fields(item)]
            record = {n: getattr(item, n) for n in names}
            if all(isinstance(v, plain) or (type(v) is list and all(isinstance(x, plain)
                                                                      for x in v))
                   for v in record.values()):
                record = {k: list(v) if type(v) is list else v for k, v in record.items()}
                out.append(record)
                continue
        out.append(to_json(item))
    return out
