"""The service's roster routes with a real Roster over a fake hub and fake accounts: the file's
bytes in, the same plan as the CLI out, mapping, edits, apply, credentials."""

from __future__ import annotations

import csv
import io
import json
import types
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.roster import Roster
from jupyter_extension_companion.provision.roster_parse import MAX_BYTES

from .class_fakes import FakeUnix, GroupHub
from .roster_fakes import FakeAccounts
from .service_harness import running_service

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rosters"


@pytest.fixture
async def service(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    from jupyter_extension_companion.provision.classes import Classes

    hub = GroupHub(("teach",), admins=("teach",))
    accounts = FakeAccounts(paths)
    accounts.add_existing("teach")
    roster = Roster(hub, paths, accounts, actor="teach")
    unix = FakeUnix()
    async with running_service(paths, lambda: roster) as (ctx, call):
        ctx._classes = Classes(hub, paths, audit=roster.audit, unix=unix,
                               account_exists=lambda name: name in accounts.accounts)
        yield types.SimpleNamespace(call=call, roster=roster, ctx=ctx, paths=paths, tmp=tmp_path,
                                    accounts=accounts, hub=hub, unix=unix)


async def upload(service, name: str, token: str = "t-admin"):
    data = (FIXTURES / name).read_bytes()
    return await service.call("POST", f"/api/v1/roster/uploads?filename={name}", body=data,
                              token=token)


async def test_webuntis_bytes_preview_then_apply_with_credentials(service):
    code, body = await upload(service, "webuntis.csv")
    assert code == 200, body
    assert body["encoding"] == "iso-8859-1" and not body["mapping_needed"]
    assert [(r["username"], r["input"]["full_name"], r["class_name"], r["action"])
            for r in body["rows"]] == [
        ("juergen-mueller", "Jürgen Müller", "10a", "create"),
        ("bjoern-weiss", "Björn Weiß", "10a", "create"),
        ("lea-schmidt", "Lea Schmidt", "10b", "create"),
        ("zoe-celik", "Zoé Çelik", "10b", "create")]
    assert body["classes"] == ["10a", "10b"] and body["filename"] == "webuntis.csv"
    # nothing changed yet; another teacher's token cannot use the upload
    assert "juergen-mueller" not in service.accounts.accounts
    code, _ = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/apply",
                                 body={}, token="t-student")
    assert code == 403
    code, job = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/apply",
                                   body={})
    assert code == 202, job
    done = service.ctx.jobs.wait(job["job"], timeout=10)
    assert done["state"] == "done", done
    assert service.accounts.accounts["juergen-mueller"].full_name == "Jürgen Müller"
    assert [r["class_name"] for r in done["result"]["results"]] == ["10a", "10a", "10b", "10b"]
    # the classes: a hub group and a unix group each, with the students of the file
    assert service.hub.groups["10a"]["users"] == ["juergen-mueller", "bjoern-weiss"]
    assert service.hub.groups["10b"]["users"] == ["lea-schmidt", "zoe-celik"]
    assert service.unix.groups["10a"][1] == ["bjoern-weiss", "juergen-mueller"]
    assert done["result"]["class_errors"] == []
    # the upload is used up
    code, _ = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/apply",
                                 body={})
    assert code == 404
    code, sheet = await service.call(
        "GET", f"/api/v1/roster/imports/{job['job']}/credentials?language=de"
               "&login_url=https://hub.example/hub/login")
    assert code == 200 and sheet["count"] == 4
    assert sheet["filename"].startswith("zugangsdaten-10a-10b-") and sheet["filename"].endswith(
        ".csv")
    rows = list(csv.reader(io.StringIO(sheet["content"].lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Benutzername", "Name", "Passwort", "Klasse", "Anmeldeadresse"]
    assert rows[1][:2] == ["juergen-mueller", "Jürgen Müller"] and rows[1][3:] == [
        "10a", "https://hub.example/hub/login"]
    assert rows[1][2] == service.accounts.passwords["juergen-mueller"]
    code, page = await service.call(
        "GET", f"/api/v1/roster/imports/{job['job']}/credentials?format=html")
    assert code == 200 and page["content"].count('class="slip"') == 4
    assert page["filename"].endswith(".html")
    # only the teacher who ran the import
    code, _ = await service.call("GET", f"/api/v1/roster/imports/{job['job']}/credentials",
                                 token="t-student")
    assert code == 403


async def test_the_service_and_the_cli_give_the_same_preview(service, capsys, monkeypatch):
    from jupyter_extension_companion.cli import main as cli_main
    from jupyter_extension_companion.cli import users as cli_users

    monkeypatch.setattr(cli_users, "make_roster", lambda paths: service.roster)
    for name in ("webuntis.csv", "schild.csv", "iserv.csv", "moodle.csv",
                 "excel-unicode-tab.txt"):
        code, body = await upload(service, name)
        assert code == 200, body
        rc = cli_main.main(["--prefix", str(service.tmp),
                            "users", "import", str(FIXTURES / name), "--dry-run", "--json"])
        cli = json.loads(capsys.readouterr().out)
        assert rc in (0, 1)
        for row in body["rows"]:
            row.pop("password", None)  # the uploader's own preview shows the file's passwords
        assert cli["rows"] == body["rows"], name
        assert cli["encoding"] == body["encoding"] and cli["summary"] == body["summary"]


async def test_duplicates_made_distinct_and_shown(service):
    code, body = await upload(service, "schild.csv")
    assert code == 200
    lea = [r for r in body["rows"] if r["input"]["full_name"] == "Lea Schmidt"]
    assert [(r["username"], r["class_name"]) for r in lea] == [
        ("lea-schmidt", "Q1"), ("lea-schmidt2", "Q2")]
    assert "'lea-schmidt' is taken" in lea[1]["reason"]
    assert [r["username"] for r in body["rows"][:2]] == ["aenne-groesse", "oemer-oeztuerk"]


async def test_mapping_step_then_remembered(service):
    code, body = await upload(service, "unknown-header.csv")
    assert code == 200 and body["mapping_needed"] and "rows" not in body
    assert body["columns"][0]["samples"] == ["Müller", "Weiß"]
    code, _ = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/apply",
                                 body={})
    assert code == 409
    code, bad = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/preview",
                                   body={"mapping": {"first_name": 9}})
    assert code == 400 and "column" in bad["message"]
    code, planned = await service.call(
        "POST", f"/api/v1/roster/uploads/{body['upload']}/preview",
        body={"mapping": {"last_name": 0, "first_name": 1, "class_name": 2}})
    assert code == 200, planned
    assert [r["username"] for r in planned["rows"]] == ["juergen-mueller", "bjoern-weiss"]
    assert service.paths.roster_mappings.exists()
    code, again = await upload(service, "unknown-header.csv")
    assert code == 200 and not again["mapping_needed"] and again["mapped_by_hand"]
    assert [r["class_name"] for r in again["rows"]] == ["10a", "10a"]


async def test_edits_go_through_the_same_check(service):
    data = b"username;Name;Passwort\nroot;Rudi Root;Sonne-Mond-42\nanna;Anna;\n"
    code, body = await service.call("POST", "/api/v1/roster/uploads", body=data)
    assert code == 200
    assert [r["action"] for r in body["rows"]] == ["refuse", "create"]
    uid = body["upload"]
    code, err = await service.call("POST", f"/api/v1/roster/uploads/{uid}/apply", body={})
    assert code == 400 and "line 2" in err["message"]
    code, body = await service.call("POST", f"/api/v1/roster/uploads/{uid}/preview",
                                    body={"edits": [{"line": 2, "username": "x;y"}]})
    assert code == 200 and body["rows"][0]["action"] == "refuse"
    code, body = await service.call("POST", f"/api/v1/roster/uploads/{uid}/preview",
                                    body={"edits": [{"line": 2, "username": "rudi"}]})
    assert [r["action"] for r in body["rows"]] == ["create", "create"]
    assert body["rows"][0]["password"] == "Sonne-Mond-42"  # the uploader sees the file's
    code, job = await service.call("POST", f"/api/v1/roster/uploads/{uid}/apply", body={})
    assert code == 202
    done = service.ctx.jobs.wait(job["job"], timeout=10)
    assert done["state"] == "done"
    assert service.accounts.passwords["rudi"] == "Sonne-Mond-42"  # kept server-side


async def test_bad_uploads_are_refused_with_a_message(service):
    code, err = await service.call("POST", "/api/v1/roster/uploads", body=b"PK\x03\x04zip")
    assert code == 400 and "CSV" in err["message"]
    code, err = await service.call("POST", "/api/v1/roster/uploads",
                                   body=b"x" * (MAX_BYTES + 1))
    assert code == 413 and "MB" in err["message"]
    code, err = await service.call("POST", "/api/v1/roster/uploads/nope/preview", body={})
    assert code == 404 and "upload the file again" in err["message"]
    assert service.ctx.uploads._uploads == {}  # refused uploads are not kept


async def test_json_routes_use_the_same_parser_and_check(service):
    code, body = await service.call("POST", "/api/v1/roster/preview",
                                    body={"csv": "Nachname;Vorname;Klasse\nMüller;Jürgen;10a\n"})
    assert code == 200 and body["rows"][0]["username"] == "juergen-mueller"
    code, err = await service.call("POST", "/api/v1/roster/apply",
                                   body={"rows": [{"username": "root"}, {"username": "ok"}]})
    assert code == 400 and "refused" in err["message"]
    assert "ok" not in service.accounts.accounts
    code, job = await service.call("POST", "/api/v1/roster/apply",
                                   body={"rows": [{"username": "ok", "class_name": "10a"}]})
    assert code == 202
    assert service.ctx.jobs.wait(job["job"], timeout=10)["state"] == "done"


async def test_credentials_sheet_of_given_rows(service):
    rows = [{"username": "anna", "password": "=Pass-1234", "full_name": "Änne", "class_name": "7b"},
            {"username": "kept", "password": None}, {"username": "bad", "password": "x", "ok": False}]
    code, sheet = await service.call("POST", "/api/v1/roster/credentials",
                                     body={"rows": rows, "language": "de"})
    assert code == 200 and sheet["count"] == 1
    assert sheet["filename"].startswith("zugangsdaten-7b-")
    assert sheet["content"].splitlines()[1] == "anna;Änne;'=Pass-1234;7b;"
    code, page = await service.call("POST", "/api/v1/roster/credentials",
                                    body={"rows": rows, "format": "html",
                                          "login_url": "https://hub.example/hub/login"})
    assert code == 200 and "https://hub.example/hub/login" in page["content"]
    for bad in ({"rows": "x"}, {"rows": [{"password": "x"}]}, {"rows": [], "format": "pdf"}):
        code, err = await service.call("POST", "/api/v1/roster/credentials", body=bad)
        assert code == 400 and err["message"]


async def test_class_labels_become_class_names_or_are_reported(service):
    data = ("Nachname;Vorname;Klasse\nGröße;Änne;Q1\nÖztürk;Ömer;Q1\nMeyer;Ben;!!\n"
            ).encode("utf-8-sig")
    code, body = await service.call("POST", "/api/v1/roster/uploads", body=data)
    assert code == 200 and body["classes"] == ["!!", "Q1"]
    code, job = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/apply",
                                   body={})
    done = service.ctx.jobs.wait(job["job"], timeout=10)
    assert done["state"] == "done", done
    assert service.hub.groups["q1"]["users"] == ["aenne-groesse", "oemer-oeztuerk"]
    assert [r["class_name"] for r in done["result"]["results"]] == ["q1", "q1", "!!"]
    (problem,) = done["result"]["class_errors"]
    assert "'!!' cannot be a class name" in problem and "ben-meyer" in problem
    assert "ben-meyer" in service.accounts.accounts  # the account is made all the same


async def test_the_same_export_again_creates_nobody(service):
    """Issue 12: a second import of the same export (no username column) matches the
    students made by the first, by full name within their class, instead of proposing
    juergen-mueller2, ...; two students of the same name are never guessed between."""
    code, body = await upload(service, "webuntis.csv")
    code, job = await service.call("POST", f"/api/v1/roster/uploads/{body['upload']}/apply",
                                   body={})
    assert service.ctx.jobs.wait(job["job"], timeout=10)["state"] == "done"
    code, body = await upload(service, "webuntis.csv")
    assert code == 200, body
    assert [(r["username"], r["action"]) for r in body["rows"]] == [
        ("juergen-mueller", "exists"), ("bjoern-weiss", "exists"),
        ("lea-schmidt", "exists"), ("zoe-celik", "exists")]
    assert body["rows"][0]["reason"].startswith("matched by full name in 10a")
    assert body["summary"]["create"] == 0
    # a second Lea Schmidt (in no class): the one in 10b is meant; both in 10b: refused
    service.roster.add("lea-schmidt2", full_name="Lea Schmidt")
    code, body = await upload(service, "webuntis.csv")
    lea = [r for r in body["rows"] if r["input"]["full_name"] == "Lea Schmidt"][0]
    assert lea["action"] == "exists" and lea["username"] == "lea-schmidt"  # the one in 10b
    service.ctx._classes.add_members("10b", ["lea-schmidt2"])  # two of them in 10b now
    code, body = await upload(service, "webuntis.csv")
    lea = [r for r in body["rows"] if r["input"]["full_name"] == "Lea Schmidt"][0]
    assert lea["action"] == "refuse" and "lea-schmidt, lea-schmidt2" in lea["reason"]


async def test_a_namesake_in_a_class_the_file_does_not_name_is_not_matched(service):
    """A row with a class matches students of the file's classes only: Lea Schmidt of 10b is
    not the Lea Schmidt of 7c whom the export does not list."""
    service.roster.add("lea-s", full_name="Lea Schmidt")
    service.ctx._classes.ensure_class("7c")
    service.ctx._classes.add_members("7c", ["lea-s"])
    code, body = await upload(service, "webuntis.csv")
    lea = [r for r in body["rows"] if r["input"]["full_name"] == "Lea Schmidt"][0]
    assert (lea["username"], lea["action"]) == ("lea-schmidt", "create")
