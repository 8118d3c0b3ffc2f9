"""``classroom users ...`` with a roster on fakes: output, exit status, credentials file."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

from jupyter_extension_companion.cli import main as cli_main
from jupyter_extension_companion.cli import users as cli_users
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.roster import Roster

from .roster_fakes import FakeAccounts, FakeHub


@pytest.fixture
def roster(tmp_path, monkeypatch):
    paths = ClassroomPaths().with_prefix(tmp_path / "root")
    hub = FakeHub(("teacher",), admins=("teacher",))
    accounts = FakeAccounts(paths)
    accounts.add_existing("teacher")
    r = Roster(hub, paths, accounts, actor="root (cli)")
    seen = {}

    def fake_make_roster(p):
        seen["paths"] = p
        return r

    monkeypatch.setattr(cli_users, "make_roster", fake_make_roster)
    monkeypatch.chdir(tmp_path)
    r.seen = seen
    return r


def run(capsys, *argv):
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_prefix_reaches_the_paths(roster, capsys, tmp_path):
    code, _, _ = run(capsys, "--prefix", str(tmp_path / "p"), "users", "list")
    assert code == 0
    assert roster.seen["paths"].state == tmp_path / "p" / "var/lib/jupyterhub-classroom"


def test_add_list_and_json(roster, capsys):
    code, out, err = run(capsys, "users", "add", "anna", "--full-name", "Anna Schmidt")
    assert code == 0 and "anna: created" in out
    password = out.split("password for anna: ")[1].split()[0]
    assert roster.accounts.passwords["anna"] == password
    code, out, _ = run(capsys, "users", "list")
    assert code == 0 and "Anna Schmidt" in out and "teacher" in out and "2 users" in out
    code, out, _ = run(capsys, "users", "list", "--json")
    data = json.loads(out)
    assert {u["name"] for u in data["users"]} == {"anna", "teacher"}
    assert password not in out


def test_refusal_is_one_line_and_nonzero(roster, capsys):
    code, out, err = run(capsys, "users", "add", "Jürgen")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("classroom: ") and "Suggested" in err
    code, _, err = run(capsys, "users", "add", "root")
    assert code == 1 and "system account" in err
    code, _, err = run(capsys, "users", "disable", "ghost")
    assert code == 1 and "no student" in err


def test_passwd_disable_enable_teacher_remove(roster, capsys, monkeypatch):
    run(capsys, "users", "add", "anna")
    monkeypatch.setattr("sys.stdin", io.StringIO("Given-1234\n"))
    code, out, _ = run(capsys, "users", "passwd", "anna", "--password-stdin")
    assert code == 0 and "Given-1234" in out
    assert roster.accounts.passwords["anna"] == "Given-1234"
    code, out, _ = run(capsys, "users", "passwd", "anna")
    assert code == 0 and "(generated; shown once)" in out
    assert run(capsys, "users", "disable", "anna")[1] == "anna: login disabled, server stopped\n"
    assert run(capsys, "users", "disable", "anna")[1] == "anna: nothing to change\n"
    assert run(capsys, "users", "enable", "anna")[0] == 0
    assert "teacher now" in run(capsys, "users", "teacher", "anna")[1]
    assert "no longer" in run(capsys, "users", "teacher", "anna", "--revoke")[1]
    code, _, err = run(capsys, "users", "remove", "anna")  # stdin is not a tty
    assert code == 1 and "--yes" in err and "anna" in roster.hub.users
    code, out, _ = run(capsys, "users", "remove", "anna", "--yes")
    assert code == 0 and "archived" in out and "anna" not in roster.hub.users


ROSTER = "username;full name;password\nanna;Anna A;\ncarl;Carl C;Given-123\nJürgen;;\n"


def test_import_dry_run_changes_nothing(roster, capsys, tmp_path):
    f = tmp_path / "class.csv"
    f.write_text(ROSTER)
    code, out, _ = run(capsys, "users", "import", str(f), "--dry-run")
    assert code == 1  # a row is refused
    assert "line    2  create  anna" in out and "refuse" in out and "juergen" in out
    assert "3 rows: 2 to create, 0 existing, 1 refused" in out
    assert "anna" not in roster.accounts.accounts
    assert not list(tmp_path.glob("credentials-*.csv"))


def test_import_refuses_all_unless_skip_refused(roster, capsys, tmp_path):
    f = tmp_path / "class.csv"
    f.write_text(ROSTER)
    code, out, err = run(capsys, "users", "import", str(f))
    assert code == 1 and "--skip-refused" in err and "anna" not in roster.accounts.accounts
    out_file = tmp_path / "creds.csv"
    code, out, err = run(capsys, "users", "import", str(f), "--skip-refused",
                         "--credentials-out", str(out_file),
                         "--credentials-html", str(tmp_path / "slips.html"))
    assert code == 1  # still says a row was refused
    assert "anna: ok" in out and "carl: ok" in out and str(out_file) in out
    assert "%]" in err  # progress lines
    assert stat.S_IMODE(os.stat(out_file).st_mode) == 0o600
    assert out_file.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    rows = list(csv.reader(out_file.open(encoding="utf-8-sig")))
    assert rows[0] == ["username", "full name", "password", "class", "login URL"]
    assert [r[0] for r in rows[1:]] == ["anna", "carl"] and rows[2][2] == "Given-123"
    assert rows[1][2] == roster.accounts.passwords["anna"]
    assert rows[1][2] not in out  # passwords go to the file only
    assert stat.S_IMODE(os.stat(tmp_path / "slips.html").st_mode) == 0o600


def test_import_clean_file_default_credentials_path(roster, capsys, tmp_path):
    f = tmp_path / "class.csv"
    f.write_text("Name\nAnna Schmidt\nBen Meyer\n", encoding="utf-8-sig")
    code, out, _ = run(capsys, "users", "import", str(f))
    assert code == 0, out
    written = list(tmp_path.glob("credentials-*.csv"))
    assert len(written) == 1 and str(written[0]) in out
    assert {"anna-schmidt", "ben-meyer"} <= set(roster.accounts.accounts)


def test_import_credentials_csv_has_no_formulas(roster, capsys, tmp_path):
    f = tmp_path / "class.csv"
    f.write_text("username;full name;password\nanna;=1+2;\nbert;@SUM(A1);-Given-1234\n")
    out_file = tmp_path / "creds.csv"
    code, out, _ = run(capsys, "users", "import", str(f), "--credentials-out", str(out_file))
    assert code == 0, out
    rows = list(csv.reader(out_file.open(encoding="utf-8-sig")))
    assert rows[1][:2] == ["anna", "'=1+2"]
    assert rows[2][:3] == ["bert", "'@SUM(A1)", "'-Given-1234"]
    assert roster.accounts.passwords["bert"] == "-Given-1234"  # only the sheet is guarded


def test_import_missing_file(roster, capsys, tmp_path):
    code, _, err = run(capsys, "users", "import", str(tmp_path / "nope.csv"))
    assert code == 1 and "Cannot read" in err


def test_real_make_roster_needs_the_hub_file(tmp_path, capsys, monkeypatch):
    paths = ClassroomPaths().with_prefix(tmp_path)
    if os.geteuid() != 0:
        with pytest.raises(Exception, match="root"):
            cli_users.make_roster(paths)
        return
    code, _, err = run(capsys, "--prefix", str(tmp_path), "users", "list")
    assert code == 1 and "is the hub installed" in err


@pytest.mark.parametrize("action", ["add", "passwd"])
def test_password_on_the_command_line_is_refused(roster, capsys, action):
    """``ps`` shows argv to every user: the old flag refuses, says what to use, changes nothing."""
    if action == "passwd":
        run(capsys, "users", "add", "anna")
    before = dict(roster.accounts.passwords)
    code, out, err = run(capsys, "users", action, "anna", "--password", "Secret-1234")
    assert code == 1 and out == ""
    assert "--password-stdin" in err and "--ask-password" in err and "ps" in err
    assert roster.accounts.passwords == before


def test_password_from_stdin_and_prompt(roster, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Piped-Pass-99\n"))
    code, out, _ = run(capsys, "users", "add", "anna", "--password-stdin")
    assert code == 0 and roster.accounts.passwords["anna"] == "Piped-Pass-99"
    assert "generated" not in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "users", "passwd", "anna", "--password-stdin")
    assert code == 1 and "no password line" in err
    assert roster.accounts.passwords["anna"] == "Piped-Pass-99"
    # the prompt: typed twice through getpass, never echoed
    answers = iter(["Typed-Pass-77", "Typed-Pass-77"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    code, out, _ = run(capsys, "users", "passwd", "anna", "--ask-password")
    assert code == 0 and roster.accounts.passwords["anna"] == "Typed-Pass-77"
    answers = iter(["One-Pass-1234", "Other-Pass-1234"])
    code, _, err = run(capsys, "users", "passwd", "anna", "--ask-password")
    assert code == 1 and "differ" in err and roster.accounts.passwords["anna"] == "Typed-Pass-77"


def test_import_unknown_header_asks_for_columns_then_remembers(roster, capsys, tmp_path):
    prefix = ("--prefix", str(tmp_path / "root"))  # the remembered mapping goes below it
    f = tmp_path / "liste.csv"
    f.write_bytes("Spalte A;Spalte B;Kl.\nMüller;Jürgen;7c\n".encode("iso-8859-1"))
    code, out, err = run(capsys, *prefix, "users", "import", str(f), "--dry-run")
    assert code == 1 and "not recognised" in err and "Jürgen" in err and "--column" in err
    code, out, err = run(capsys, *prefix, "users", "import", str(f), "--dry-run", "--column", "x=1")
    assert code == 1 and "Unknown field" in err
    code, out, _ = run(capsys, *prefix, "users", "import", str(f), "--dry-run", "--column",
                       "last_name=1", "--column", "first_name=2", "--column", "class_name=3")
    assert code == 0 and "juergen-mueller  [7c]" in out and "iso-8859-1" in out
    code, out, _ = run(capsys, *prefix, "users", "import", str(f), "--dry-run")  # remembered
    assert code == 0 and "juergen-mueller" in out
    assert "juergen-mueller" not in roster.accounts.accounts
    assert roster.seen["paths"].roster_mappings.exists()
