"""The one exception type a teacher ever sees."""

from __future__ import annotations


class ClassroomError(Exception):
    """A refusal or failure, with a message that says what happened and what to do.

    ``status`` is the HTTP status the service answers with; ``code`` a stable machine-readable
    reason (used by the UI and by tests).
    """

    status = 400
    audited = False  # set once the audit log holds this refusal (provision/audit.py)

    def __init__(self, message: str, *, code: str = "invalid", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status


class NotFound(ClassroomError):
    status = 404

    def __init__(self, message: str, *, code: str = "not_found"):
        super().__init__(message, code=code)


class CommandFailed(ClassroomError):
    """A host command failed; ``output`` holds what it printed (shown, never hidden)."""

    status = 500

    def __init__(self, argv: list[str], returncode: int, output: str):
        self.argv = argv
        self.returncode = returncode
        self.output = output
        super().__init__(
            f"{argv[0]} failed (exit {returncode}): {output.strip()[-2000:]}", code="command_failed"
        )
