"""The installer's school-defaults step (provision/school_defaults.py).

A new host gets the defaults (no news prompt, no Extension Manager for students, the owner of
an opened server shown); ``school.json`` is written so the sidebar shows what is in force. On a
re-run the teacher's choices (made in the sidebar) are kept unless ``--news-prompt``,
``--student-extension-manager`` or ``--show-server-owner`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..provision.school_defaults import (
    read_school_defaults,
    school_file,
    write_school_defaults,
)
from .engine import Context, Step

OPTIONS = ("news_prompt", "student_extension_manager", "show_server_owner")


def wanted_changes(ctx: Context) -> dict[str, bool]:
    """The school defaults the options ask for that differ from the host's."""
    current = read_school_defaults(ctx.paths)
    out: dict[str, bool] = {}
    for name in OPTIONS:
        value = getattr(ctx.options, name)
        if value is not None and value != getattr(current, name):
            out[name] = value
    if not school_file(ctx.paths.venv).exists():  # a new host: write what is in force
        out.setdefault("show_server_owner", current.show_server_owner)
        out.setdefault("student_extension_manager", current.student_extension_manager)
    return out


@dataclass
class SchoolDefaultsStep(Step):
    """No news prompt, no Extension Manager for students, whose server a teacher opened."""

    title: str = "School defaults"

    def plan(self, ctx: Context) -> list[str]:
        changes = wanted_changes(ctx)
        if not changes:
            return []
        said = ", ".join(f"{k.replace('_', ' ')} {'on' if v else 'off'}"
                         for k, v in sorted(changes.items()))
        return [f"set {said} ({school_file(ctx.paths.venv)})"]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        defaults, _ = write_school_defaults(ctx.paths, wanted_changes(ctx), actor="installer")
        return ", ".join(f"{k.replace('_', ' ')} {'on' if v else 'off'}"
                         for k, v in defaults.to_json().items())
