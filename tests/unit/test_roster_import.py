"""Roster CSV: parsing as spreadsheets export it, the hostile roster, preview and apply."""

from __future__ import annotations

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.credentials import credentials_csv, credentials_html
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.roster import Credentials, Roster
from jupyter_extension_companion.provision.roster_apply import apply, apply_plan
from jupyter_extension_companion.provision.roster_import import (
    preview,
    rows_from_json,
    with_edits,
)
from jupyter_extension_companion.provision.roster_parse import decode_roster, rows_from_text

from .roster_fakes import FakeAccounts, FakeHub


@pytest.fixture
def roster(tmp_path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    hub = FakeHub(("teacher", "bob"), admins=("teacher",))
    accounts = FakeAccounts(paths)
    accounts.add_existing("teacher")
    accounts.add_existing("bob")
    accounts.add_existing("handmade")
    return Roster(hub, paths, accounts, actor="teacher")


@pytest.mark.parametrize(
    "text",
    [
        "username;full name;password\nanna;Anna Schmidt;Secret-123\n",
        "\ufeffusername,full name,password\r\nanna,Anna Schmidt,Secret-123\r\n",
        "Benutzername;Vollständiger Name;Passwort\nanna;Anna Schmidt;Secret-123\n",
        "User Name\tName\tPassword\nanna\tAnna Schmidt\tSecret-123\n",
        'USERNAME;FULL_NAME;PASSWORD\nanna;"Anna Schmidt";Secret-123\n\n;;\n',
    ],
)
def test_parse_variants(text):
    rows = rows_from_text(text)
    assert len(rows) == 1
    assert (rows[0].username, rows[0].full_name, rows[0].password) == (
        "anna", "Anna Schmidt", "Secret-123")


def test_parse_first_last_and_optional_columns():
    rows = rows_from_text("Vorname;Nachname\nJürgen;Müller\nAnna-Lena;\n")
    assert [(r.username, r.full_name, r.password) for r in rows] == [
        (None, "Jürgen Müller", None), (None, "Anna-Lena", None)]
    assert [r.line for r in rows] == [2, 3]
    rows = rows_from_text("username\nanna\nbob\n")
    assert [r.username for r in rows] == ["anna", "bob"]


def test_parse_comma_in_quoted_name():
    rows = rows_from_text('username,name\nanna,"Schmidt, Anna"\n')
    assert rows[0].full_name == "Schmidt, Anna"


@pytest.mark.parametrize("text", ["", "\n", "foo;bar\n1;2\n"])
def test_parse_refuses_no_header(text):
    with pytest.raises(ClassroomError):
        rows_from_text(text)


def test_decode_bytes():
    assert decode_roster("\ufeffname\nJürgen\n".encode()) == ("name\nJürgen\n", "utf-8-sig")
    assert decode_roster("name\nJürgen\n".encode("cp1252")) == ("name\nJürgen\n",
                                                                  "iso-8859-1")
    assert decode_roster("name\n„Jürgen“\n".encode("cp1252")) == ("name\n„Jürgen“\n",
                                                                    "windows-1252")
    assert decode_roster("name\nŠárka Žák\n".encode("iso-8859-15")) == (
        "name\nŠárka Žák\n", "iso-8859-15")


HOSTILE = """username;full name;password
anna;Anna Schmidt;
;Jürgen Müller;
Anna-Lena;;
anna;Anna Again;
rm -rf /;;
$(reboot);;
`id`;;
a|b;;
x&y;;
-rf;;
../etc;;
a/b;;
root;;
www-data;;
nobody;;
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa;;
 ;;
;;x-password-only
\tanna2;;
jürgen;;
bob;;
handmade;;
carl;Carl C;Shrt-12
dora;Dora: the explorer;
"""


def test_hostile_roster_preview_refuses_row_by_row(roster):
    before_accounts = dict(roster.accounts.accounts)
    before_hub = dict(roster.hub.users)
    plan = preview(HOSTILE, roster)
    by_line = {r.line: r for r in plan.rows}
    expect = {
        2: "create", 3: "create", 4: "refuse", 5: "refuse", 6: "refuse", 7: "refuse",
        8: "refuse", 9: "refuse", 10: "refuse", 11: "refuse", 12: "refuse", 13: "refuse",
        14: "refuse", 15: "refuse", 16: "refuse", 17: "refuse", 18: "refuse", 19: "refuse",
        20: "refuse", 21: "refuse", 22: "exists", 23: "create", 24: "refuse", 25: "refuse",
    }
    assert {line: r.action for line, r in by_line.items()} == expect
    for row in plan.rows:
        if row.action == "refuse":
            assert len(row.reason) > 15, row
    assert by_line[3].username == "juergen-mueller" and by_line[3].suggested == "juergen-mueller"
    assert "full name" in by_line[3].reason
    assert by_line[4].suggested == "anna-lena"
    assert "line 2" in by_line[5].reason  # duplicate
    assert "system account" in by_line[14].reason
    assert "33" in by_line[17].reason
    assert "spaces" in by_line[18].reason or "empty" in by_line[18].reason
    assert "neither" in by_line[19].reason
    assert by_line[21].suggested == "juergen"
    assert "added to the hub" in by_line[23].reason
    assert "short" in by_line[24].reason and ":" in by_line[25].reason
    assert plan.summary == {"total": 24, "create": 3, "exists": 1, "refuse": 20}
    assert by_line[2].input == {"username": "anna", "full_name": "Anna Schmidt",
                                "first_name": None, "last_name": None,
                                "password_given": False}
    # preview changed nothing
    assert roster.accounts.accounts == before_accounts and roster.hub.users == before_hub
    assert not [c for c in roster.hub.calls if c[0] != "list_users"]
    shown = str(plan.to_json())
    assert "x-password-only" not in shown and "Shrt-12" not in shown  # passwords never echoed


def test_suggestions_never_collide(roster):
    plan = preview("name\nAnna\nAnna\nanna\n", roster)
    assert [r.username for r in plan.rows] == ["anna", "anna2", "anna3"]
    # a made-distinct name says so
    assert "'anna' is taken" in plan.rows[1].reason and "taken" not in plan.rows[0].reason
    # a name the file asks for explicitly is never handed to another row
    plan = preview("username;name\n;Anna\nanna;Anna B\n", roster)
    assert [r.username for r in plan.rows] == ["anna2", "anna"]


def test_apply_creates_in_one_batch(roster):
    plan = preview("username;name;password\nanna;Anna;\ncarl;Carl;Given-123\nbob;;\n", roster)
    rows = plan.accepted()
    assert [r["username"] for r in rows] == ["anna", "carl", "bob"]
    assert rows[1]["password"] == "Given-123"
    progress = []
    result = apply(rows, roster, lambda m, f: progress.append(f))
    out = result.to_json()
    assert out["summary"] == {"total": 3, "ok": 3, "failed": 0}
    anna, carl, bob = out["results"]
    assert anna["ok"] and anna["generated"] and anna["password"]
    assert carl["password"] == "Given-123" and not carl["generated"]
    assert bob["ok"] and bob["password"] is None and "nothing to change" in bob["message"]
    assert [c for c in roster.accounts.calls if c[0] == "chpasswd"] == [
        ("chpasswd", ("anna", "carl"))]
    assert [c for c in roster.hub.calls if c[0] == "add_users"] == [
        ("add_users", ("anna", "carl"), False)]
    assert progress[-1] == 1.0
    assert anna["password"] not in roster.audit.path.read_text()


def test_apply_rechecks_edited_rows(roster):
    result = apply([{"username": "root"}, {"username": "x;y"}, {"username": "ok-one"}], roster)
    assert [r.ok for r in result.results] == [False, False, True]


def test_apply_refuses_malformed_rows(roster):
    with pytest.raises(ClassroomError):
        apply([{"name": "x"}], roster)
    with pytest.raises(ClassroomError):
        apply([{"username": "x", "password": 5}], roster)


def test_json_rows_and_edits_take_the_same_check(roster):
    rows = rows_from_json([{"username": "root"}, {"username": "ok-one", "class_name": "10a"}])
    plan = preview(rows, roster)
    assert [r.action for r in plan.rows] == ["refuse", "create"]
    assert plan.rows[1].class_name == "10a"
    with pytest.raises(ClassroomError, match="line 1"):
        apply_plan(plan, roster)
    assert not [c for c in roster.hub.calls if c[0] != "list_users"]  # nothing done
    fixed = preview(with_edits(rows, [{"line": 1, "username": "rooty"}]), roster)
    assert [r.action for r in fixed.rows] == ["create", "create"]
    result = apply_plan(fixed, roster)
    assert [r.ok for r in result.results] == [True, True]
    assert result.to_json()["results"][1]["class_name"] == "10a"
    for bad in ([{"line": 99, "username": "x"}], [{"line": "1", "username": "x"}], "x"):
        with pytest.raises(ClassroomError):
            with_edits(rows, bad)
    for bad in (None, [], [{"username": 1}], [{"username": "a", "class_name": 3}]):
        with pytest.raises(ClassroomError):
            rows_from_json(bad)


def test_preview_passwords_only_on_request(roster):
    plan = preview("username;password;Klasse\ncarl;Given-123;10a\n", roster)
    assert "Given-123" not in str(plan.to_json())
    shown = plan.to_json(passwords=True)
    assert shown["rows"][0]["password"] == "Given-123" and shown["classes"] == ["10a"]


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_credentials_csv_guards_formulas(cell):
    import csv
    import io

    creds = [Credentials("anna", "Pass-" + cell, False, cell),
             Credentials("bert", cell + "-Pass", False, "Bert")]
    text = credentials_csv(creds, login_url="=http://x", classes={"anna": "+10a"})
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[1] == ["anna", "'" + cell, "Pass-" + cell, "'+10a", "'=http://x"]
    assert rows[2] == ["bert", "Bert", "'" + cell + "-Pass", "", "'=http://x"]
    for row in rows[1:]:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row)


def test_credentials_sheet():
    creds = [Credentials("anna", "Ab3d-Ef4h-Jk5m", True, "Anna <Schmidt>"),
             Credentials("kept", None, False, "Kept")]
    text = credentials_csv(creds)
    assert text.startswith("\ufeff")
    assert text[1:].splitlines() == ["username,full name,password,class,login URL",
                                     "anna,Anna <Schmidt>,Ab3d-Ef4h-Jk5m,,"]
    german = credentials_csv(creds, login_url="https://hub.example/hub/login",
                             classes={"anna": "10a"}, language="de_DE")
    assert german[1:].splitlines() == [
        "Benutzername;Name;Passwort;Klasse;Anmeldeadresse",
        "anna;Anna <Schmidt>;Ab3d-Ef4h-Jk5m;10a;https://hub.example/hub/login"]
    page = credentials_html(creds, "https://hub.school.example")
    assert page.count('class="slip"') == 1
    assert "https://hub.school.example" in page and "Ab3d-Ef4h-Jk5m" in page
    assert "Anna &lt;Schmidt&gt;" in page and "<Schmidt>" not in page
    assert "Benutzername" in credentials_html(creds, "x", labels={"username": "Benutzername"})
    page = credentials_html(creds, "x", classes={"anna": "10a"}, language="de")
    assert "Klasse" in page and "10a" in page and "Drucken" in page and 'lang="de"' in page


def test_credentials_filename():
    from datetime import date

    from jupyter_extension_companion.provision.credentials import credentials_filename

    day = date(2026, 11, 30)
    assert credentials_filename(["10a", "10a", None], "de", day) == (
        "zugangsdaten-10a-2026-11-30.csv")
    assert credentials_filename([], "en", day, ext="html") == "credentials-2026-11-30.html"
    assert credentials_filename(["../x y", "Q1"], "en", day) == (
        "credentials-x_y-Q1-2026-11-30.csv")
