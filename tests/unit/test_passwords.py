"""Generated passwords: strong, readable, no look-alike characters."""

from __future__ import annotations

import pytest

from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.passwords import (
    ALPHABET,
    check_password,
    generate_password,
    password_problem,
)


def test_format_and_alphabet():
    seen = set()
    for _ in range(300):
        pw = generate_password()
        groups = pw.split("-")
        assert len(groups) == 3 and all(len(g) == 4 for g in groups)
        assert all(c in ALPHABET for g in groups for c in g)
        assert not set(pw) & set("0O1lIio")
        assert any(c.isdigit() for c in pw) and any(c.isupper() for c in pw)
        assert any(c.islower() for c in pw)
        seen.add(pw)
    assert len(seen) == 300  # random, not repeating


def test_entropy_is_enough():
    import math

    assert 12 * math.log2(len(ALPHABET)) > 64


@pytest.mark.parametrize("pw", ["short", "a\nb-very-long", "tab\there12", " leading12", "x" * 200])
def test_refused(pw):
    assert password_problem(pw)
    with pytest.raises(ClassroomError):
        check_password(pw)


def test_accepted():
    check_password("Start123")
    check_password(generate_password())
