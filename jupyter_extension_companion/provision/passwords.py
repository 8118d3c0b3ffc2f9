"""Passwords a student can read off a slip and type: strong, no look-alike characters."""

from __future__ import annotations

import secrets
import string

from .errors import ClassroomError

# No 0/O/o, 1/l/I/i: the characters people misread on paper.
LOWER = "".join(c for c in string.ascii_lowercase if c not in "loi")
UPPER = "".join(c for c in string.ascii_uppercase if c not in "IO")
DIGITS = "23456789"
ALPHABET = LOWER + UPPER + DIGITS
GROUPS = 3
GROUP_LENGTH = 4
MIN_LENGTH = 8
MAX_LENGTH = 128


def generate_password(groups: int = GROUPS, group_length: int = GROUP_LENGTH) -> str:
    """A random password like ``Kx7p-9Ume-a3Qz`` (about 68 bits with the defaults).

    Always holds a lowercase letter, a capital and a digit, so that password rules of
    other systems the class may use accept it too.
    """
    while True:
        chars = [secrets.choice(ALPHABET) for _ in range(groups * group_length)]
        if (
            any(c in LOWER for c in chars)
            and any(c in UPPER for c in chars)
            and any(c in DIGITS for c in chars)
        ):
            break
    parts = ["".join(chars[i : i + group_length]) for i in range(0, len(chars), group_length)]
    return "-".join(parts)


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be set (a message saying what to do), or None if it can."""
    if len(password) < MIN_LENGTH:
        return f"The password is too short: use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password is too long: use at most {MAX_LENGTH} characters."
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        return "The password contains a line break or control character: remove it."
    if password != password.strip():
        return "The password starts or ends with a space: remove it."
    return None


def check_password(password: str) -> None:
    """Raise :class:`ClassroomError` unless ``password`` can be set."""
    problem = password_problem(password)
    if problem:
        raise ClassroomError(problem, code="bad_password")
