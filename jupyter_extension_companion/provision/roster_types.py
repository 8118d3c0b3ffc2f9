"""The roster's value types: a student as listed, the credentials shown once, a batch entry and
its outcome (see :mod:`.roster` for the contract)."""

from __future__ import annotations

import builtins
from dataclasses import asdict, dataclass, field
from typing import Any

NOTHING = "nothing to change"


@dataclass
class Student:
    name: str
    full_name: str
    teacher: bool
    locked: bool
    system_account: bool
    hub_user: bool
    server_running: bool
    last_activity: str | None
    home: str
    #: the classes (hub groups marked as classes, see classes.py) the student is in, sorted
    classes: builtins.list[str] = field(default_factory=builtins.list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Credentials:
    name: str
    password: str | None
    generated: bool
    full_name: str | None = None
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class NewStudent:
    """One student to add: a valid username, optionally a full name and a password."""

    name: str
    full_name: str | None = None
    password: str | None = None


@dataclass
class AddResult:
    """The outcome of adding one student (``password`` only when ok; shown once)."""

    username: str
    full_name: str | None
    ok: bool
    password: str | None
    generated: bool
    message: str
    changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def credentials(self) -> Credentials:
        return Credentials(self.username, self.password, self.generated, self.full_name,
                           self.message)
