"""Host operations for a classroom: plain Python, no web framework.

The service, the ``classroom`` CLI and the installer all call this package; nothing else touches
the host. Every public operation validates its input before any command runs, is safe to re-run,
and raises :class:`~.errors.ClassroomError` with a message that says what to do.
"""
