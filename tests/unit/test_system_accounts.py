"""SystemAccounts' reading of /etc/passwd + /etc/shadow (from sample files, no root)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.system_accounts import Account, SystemAccounts

PASSWD = """root:x:0:0:root:/root:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
anna:x:1001:1001:Anna Schmidt,Room 1,,:/home/anna:/bin/bash
fresh:x:1002:1002::/home/fresh:/bin/bash
locked:x:1003:1003::/home/locked:/bin/bash
noshadow:x:1004:1004::/home/noshadow:/bin/bash
broken line
"""
SHADOW = """root:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
anna:$y$j9T$abc$def:20000:0:99999:7:::
fresh:!:20000:0:99999:7:::
locked:!$y$j9T$abc$def:20000:0:99999:7:::
"""


@pytest.fixture
def accounts(tmp_path):
    (tmp_path / "passwd").write_text(PASSWD)
    (tmp_path / "shadow").write_text(SHADOW)
    paths = replace(ClassroomPaths(), home_root=Path("/home"))
    return SystemAccounts(paths, passwd_file=tmp_path / "passwd",
                          shadow_file=tmp_path / "shadow")


def test_read_all(accounts):
    state = accounts.read_all()
    assert set(state) == {"root", "nobody", "anna", "fresh", "locked", "noshadow"}
    assert state["root"].is_system and state["nobody"].is_system and not state["anna"].is_system
    assert state["anna"].full_name == "Anna Schmidt"
    assert (state["anna"].locked, state["anna"].has_password) == (False, True)
    # useradd's "!" means "no password yet", not "disabled by the teacher"
    assert (state["fresh"].locked, state["fresh"].has_password) == (False, False)
    assert (state["locked"].locked, state["locked"].has_password) == (True, True)
    assert (state["noshadow"].locked, state["noshadow"].has_password) == (None, None)


@pytest.mark.parametrize("home, expected", [
    ("/home/x", True), ("/home/x/", True), ("/home/x/y", False), ("/home", False),
    ("/home/", False), ("/homex/y", False), ("/srv/x", False), ("/home/..", False),
])
def test_is_student_home(accounts, home, expected):
    account = Account("x", 1000, 1000, "", home, "/bin/bash", False, True)
    assert accounts.is_student_home(account) is expected


def test_parse_is_reused_until_a_file_changes(accounts, tmp_path):
    first = accounts.read_all()
    first.pop("anna")  # callers get their own copy
    assert "anna" in accounts.read_all()
    parsed = accounts._parsed
    accounts.read_all()
    assert accounts._parsed is parsed  # no new parse
    # the shadow tools replace the file: new inode
    new = tmp_path / "shadow.new"
    new.write_text(SHADOW.replace("anna:$y$", "anna:!$y$"))
    new.replace(tmp_path / "shadow")
    assert accounts.read_all()["anna"].locked is True


def test_login_disabled(tmp_path):
    from jupyter_extension_companion.provision.system_accounts import login_disabled

    (tmp_path / "shadow").write_text(SHADOW)
    shadow = tmp_path / "shadow"
    assert login_disabled("locked", shadow) is True
    assert login_disabled("anna", shadow) is False
    assert login_disabled("fresh", shadow) is False  # no password yet, not disabled
    assert login_disabled("ghost", shadow) is False
    assert login_disabled("anna", tmp_path / "missing") is False
