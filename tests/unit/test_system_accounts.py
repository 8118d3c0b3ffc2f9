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


# ---- the home archive's tar: exit 1 (a file changed while read) is retried, then a warning ----


def _fake_tar(monkeypatch, codes):
    import subprocess

    from jupyter_extension_companion.provision import system_accounts as sa

    calls = []

    def run(argv, check=True, **kw):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, codes.pop(0), "tar: x: file changed as we read it")

    monkeypatch.setattr(sa, "run", run)
    return sa, calls


def test_tar_exit_1_is_retried_then_accepted(tmp_path, monkeypatch):
    sa, calls = _fake_tar(monkeypatch, [1, 0])
    sa._tar_home(tmp_path / "a.tar.gz", tmp_path)
    assert len(calls) == 2 and "--warning=no-file-changed" in calls[0]
    sa, calls = _fake_tar(monkeypatch, [1, 1, 1])
    sa._tar_home(tmp_path / "b.tar.gz", tmp_path)  # complete, though a file kept changing
    assert len(calls) == sa.TAR_RETRIES


def test_tar_other_failures_raise(tmp_path, monkeypatch):
    from jupyter_extension_companion.provision.errors import CommandFailed

    sa, calls = _fake_tar(monkeypatch, [2])
    with pytest.raises(CommandFailed):
        sa._tar_home(tmp_path / "c.tar.gz", tmp_path)
    assert len(calls) == 1


def test_account_files_split_at_newline_only(tmp_path):
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n"
                      "eve:x:1001:1001:Eve,R1\u2028hidden\u0085,,:/home/eve:/bin/bash\n",
                      encoding="utf-8")
    shadow = tmp_path / "shadow"
    shadow.write_text("eve:!$6$abc:19000:0:99999:7:::\n", encoding="utf-8")
    accounts = SystemAccounts(ClassroomPaths().with_prefix(tmp_path), passwd_file=passwd,
                              shadow_file=shadow)
    eve = accounts.get("eve")
    assert eve is not None and eve.full_name == "Eve" and eve.home == "/home/eve" and eve.locked
    from jupyter_extension_companion.provision.system_accounts import login_disabled

    assert login_disabled("eve", shadow)


@pytest.mark.parametrize("name", ["Eve\u2028x", "Eve\u2029", "Eve\x85", "Eve\nx", "a:b", "E\x7f"])
def test_full_names_with_line_breaks_are_refused(name):
    from jupyter_extension_companion.provision.errors import ClassroomError
    from jupyter_extension_companion.provision.system_accounts import check_full_name

    with pytest.raises(ClassroomError):
        check_full_name(name)
