"""``classroom classes ...`` on fakes: output, exit status, sync dry run and apply."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jupyter_extension_companion.cli import classes as cli_classes
from jupyter_extension_companion.cli import main as cli_main
from jupyter_extension_companion.cli import users as cli_users
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.classes import Classes
from jupyter_extension_companion.provision.roster import Roster

from .class_fakes import FakeUnix, GroupHub
from .roster_fakes import FakeAccounts


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    paths = ClassroomPaths().with_prefix(tmp_path / "root")
    hub = GroupHub(("teacher", "anna", "ben"), admins=("teacher",))
    accounts = FakeAccounts(paths)
    for n in ("teacher", "anna", "ben"):
        accounts.add_existing(n)
    roster = Roster(hub, paths, accounts, actor="root (cli)")  # type: ignore[arg-type]
    classes = Classes(hub, paths, audit=roster.audit, actor="root (cli)",  # type: ignore[arg-type]
                      unix=FakeUnix(), account_exists=lambda n: n in accounts.accounts)
    monkeypatch.setattr(cli_users, "make_roster", lambda p: roster)
    monkeypatch.setattr(cli_classes, "make_classes", lambda p: classes)
    monkeypatch.chdir(tmp_path)
    return roster, classes, accounts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_add_list_and_bad_name(world, capsys) -> None:  # noqa: ANN001
    assert run(capsys, "classes", "create", "10a")[0] == 0
    assert run(capsys, "classes", "add", "10a", "anna", "ben")[0] == 0
    code, out, _ = run(capsys, "classes", "list")
    assert code == 0 and "10a: 2 students" in out and "anna ben" in out
    code, _, err = run(capsys, "classes", "create", "10A")
    assert code == 1 and "Suggested name: 10a" in err
    code, out, _ = run(capsys, "users", "list")
    assert "10a" in out


def test_passwords_write_a_0600_sheet(world, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    run(capsys, "classes", "create", "10a")
    run(capsys, "classes", "add", "10a", "anna")
    code, out, _ = run(capsys, "classes", "passwords", "10a", "--lang", "de", "--qr",
                       "--out", "c.csv", "--html", "s.html")
    assert code == 0, out
    assert stat.S_IMODE(os.stat(tmp_path / "c.csv").st_mode) == 0o600
    assert "Klasse" in (tmp_path / "s.html").read_text()


def test_sync_shows_the_plan_and_applies_only_with_apply(world, capsys,  # noqa: ANN001
                                                         tmp_path: Path) -> None:
    roster, classes, accounts = world
    run(capsys, "classes", "create", "10a")
    run(capsys, "classes", "add", "10a", "anna", "ben")
    (tmp_path / "export.csv").write_text("username;full name\nanna;Anna A\nnew1;Neu Eins\n")
    code, out, _ = run(capsys, "classes", "sync", "export.csv", "--class", "10a")
    assert code == 0 and "nothing changed" in out
    assert "gone" in out and "ben" in out and "new" in out
    assert "new1" not in accounts.accounts
    code, out, _ = run(capsys, "classes", "sync", "export.csv", "--class", "10a", "--apply",
                       "--remove", "ben")
    assert code == 0, out
    assert "new1" in accounts.accounts and "ben" not in accounts.accounts
