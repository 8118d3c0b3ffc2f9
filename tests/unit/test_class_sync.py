"""Re-import as a sync (fakes): new / unchanged / moved / gone / ambiguous, applied."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.provision.class_sync import (
    ExternalIds,
    SyncRow,
    apply_sync,
    plan_sync,
    rows_from,
)
from jupyter_extension_companion.provision.classes import Classes
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.roster import Roster

from .class_fakes import FakeUnix, GroupHub
from .roster_fakes import FakeAccounts

PEOPLE = {"anna": "Anna Berg", "ben": "Ben Kurz", "cem": "Cem Yıldız", "lea": "Lea Schmidt",
          "lea2": "Lea Schmidt"}


def make(tmp_path: Path) -> tuple[Roster, Classes, GroupHub, FakeAccounts]:
    paths = ClassroomPaths().with_prefix(tmp_path)
    hub = GroupHub(tuple(PEOPLE))
    accounts = FakeAccounts(paths)
    for name, full in PEOPLE.items():
        accounts.add_existing(name)
        accounts.accounts[name] = accounts.accounts[name].__class__(
            **{**accounts.accounts[name].__dict__, "full_name": full})
    audit = AuditLog(paths.audit_log)
    roster = Roster(hub, paths, accounts, audit=audit, actor="t")  # type: ignore[arg-type]
    classes = Classes(hub, paths, audit=audit, actor="t", unix=FakeUnix(),  # type: ignore[arg-type]
                      account_exists=lambda n: n in accounts.accounts)
    classes.ensure_class("10a")
    classes.ensure_class("10b")
    classes.add_members("10a", ["anna", "ben", "lea", "lea2"])
    classes.add_members("10b", ["cem"])
    return roster, classes, hub, accounts


def rows(*spec: tuple[str, str]) -> list[SyncRow]:
    return [SyncRow(i + 2, klass, full) for i, (klass, full) in enumerate(spec)]


def by_status(plan) -> dict[str, list[str]]:  # noqa: ANN001
    out: dict[str, list[str]] = {}
    for item in plan.items:
        out.setdefault(item.status, []).append(item.username or item.full_name)
    return out


def test_one_moved_one_gone_and_a_new_one(tmp_path: Path) -> None:
    roster, classes, _, _ = make(tmp_path)
    plan = plan_sync(rows(("10A", "Anna  Berg"), ("10b", "ben kurz"), ("10a", "Dora Neu"),
                          ("10a", "Lea Schmidt")), roster, classes)
    status = by_status(plan)
    assert status["unchanged"] == ["anna"]
    assert status["moved"] == ["ben"]
    assert status["new"] == ["dora-neu"]
    assert status["ambiguous"] == ["Lea Schmidt"]  # two Lea Schmidts in 10a: never guessed
    assert sorted(status["gone"]) == ["cem", "lea", "lea2"]
    moved = next(i for i in plan.items if i.status == "moved")
    assert moved.class_from == ["10a"] and moved.class_to == "10b"


def test_apply_moves_creates_and_archives_only_the_chosen(tmp_path: Path) -> None:
    roster, classes, hub, accounts = make(tmp_path)
    spec = rows(("10a", "Anna Berg"), ("10b", "Ben Kurz"), ("10a", "Lea Schmidt"),
                ("10a", "Dora Neu"))
    with pytest.raises(ClassroomError):
        apply_sync(spec, roster, classes, remove=["anna"])  # still listed: refused
    assert "dora-neu" not in hub.users
    result = apply_sync(spec, roster, classes, remove=["cem"])
    assert [r["name"] for r in result.removed] == ["cem"] and result.removed[0]["archive"]
    assert "cem" not in accounts.accounts
    assert "lea" in accounts.accounts and "lea2" in accounts.accounts  # gone but not chosen
    assert classes.classes_of()["ben"] == ["10b"]
    assert classes.classes_of()["dora-neu"] == ["10a"]
    assert result.added[0].password
    again = plan_sync(spec, roster, classes)
    assert by_status(again).get("new") is None and by_status(again)["unchanged"] == [
        "anna", "ben", "dora-neu"]


def test_external_id_matches_across_a_name_change_and_is_stored_root_only(
        tmp_path: Path) -> None:
    roster, classes, _, _ = make(tmp_path)
    first = [SyncRow(2, "10a", "Anna Berg", external_id="S-17")]
    apply_sync(first, roster, classes)
    ids = ExternalIds(roster.paths)
    assert ids.load()["anna"] == "S-17"
    assert os.stat(ids.path).st_mode & 0o777 == 0o600
    renamed = [SyncRow(2, "10a", "Anna Berg-Ohm", external_id="S-17")]
    plan = plan_sync(renamed, roster, classes)
    assert by_status(plan)["unchanged"] == ["anna"]
    conflict = [SyncRow(2, "10a", "Anna Berg", username="ben", external_id="S-17")]
    assert by_status(plan_sync(conflict, roster, classes))["ambiguous"]
    assert json.loads(ids.path.read_text())["ids"] == {"anna": "S-17"}


def test_rows_from_adapts_parsed_rows() -> None:
    parsed = [{"line": 4, "class_name": "10 A", "first_name": "Jürgen", "last_name": "Müller",
               "external_id": 12}]
    row = rows_from(parsed)[0]
    assert (row.line, row.class_label, row.full_name, row.external_id) == (
        4, "10 A", "Jürgen Müller", "12")


def test_refused_rows(tmp_path: Path) -> None:
    roster, classes, _, _ = make(tmp_path)
    plan = plan_sync([SyncRow(2, None, "X Y"), SyncRow(3, "10a", None),
                      SyncRow(4, "!!", "Z")], roster, classes)
    assert [i.status for i in plan.items if i.line] == ["refused"] * 3


def fake_archives(roster: Any, accounts: Any) -> None:
    """A removed student's home "archived" as a small real tar.gz in the archive folder."""
    import tarfile

    def fake_archive(name: str) -> Path:
        target = Path(roster.paths.archive) / f"{name}-X.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(target, "w:gz") as tar:
            tar.addfile(tarfile.TarInfo(f"{name}/"))
        return target

    accounts.archive_home = fake_archive


async def test_service_sync_preview_apply_and_export_download(tmp_path: Path) -> None:
    import asyncio
    import io
    import tarfile

    from tornado.httpclient import AsyncHTTPClient

    from .service_harness import PREFIX, running_service

    roster, classes, hub, accounts = make(tmp_path)
    fake_archives(roster, accounts)
    csv_text = "Klasse;Vorname;Nachname\n10a;Anna;Berg\n10b;Ben;Kurz\n10a;Dora;Neu\n"
    async with running_service(roster.paths, lambda: roster) as (ctx, call):
        ctx._classes = classes
        rows = [{"class_name": "10a", "full_name": "Anna Berg"},
                {"class_name": "10b", "full_name": "Ben Kurz"},
                {"class_name": "10b", "full_name": "Cem Yıldız"},
                {"class_name": "10a", "full_name": "Dora Neu"}]
        status, body = await call("POST", "/api/v1/class-sync/preview", {"rows": rows})
        assert status == 200, body
        assert body["summary"]["moved"] == 1 and body["summary"]["new"] == 1
        assert {i["username"] for i in body["items"] if i["status"] == "gone"} == {"lea", "lea2"}
        status, body = await call("POST", "/api/v1/class-sync/preview",
                                  {"csv": csv_text, "class": "10a"})
        assert status == 200 and body["summary"]["new"] >= 1
        status, body = await call("POST", "/api/v1/class-sync/apply",
                                  {"rows": rows, "remove": ["lea"], "lang": "de"})
        assert status == 202, body
        loop = asyncio.get_running_loop()
        job = await loop.run_in_executor(None, lambda: ctx.jobs.wait(body["job"], 10))
        assert job["state"] == "done", job
        assert [r["name"] for r in job["result"]["removed"]] == ["lea"]
        assert "Klasse" in job["result"]["sheets"]["10a"]["html"]
        status, body = await call("POST", "/api/v1/classes/10b/export")
        assert status == 202, body
        job = await loop.run_in_executor(None, lambda: ctx.jobs.wait(body["job"], 10))
        assert job["state"] == "done", job
        name = job["result"]["export"]
        r = await AsyncHTTPClient().fetch(
            f"http://127.0.0.1:{call.port}{PREFIX.rstrip('/')}/api/v1/class-exports/{name}",
            headers={"Authorization": "token t-admin"}, raise_error=False)
        assert r.code == 200 and r.headers["Content-Type"] == "application/gzip"
        with tarfile.open(fileobj=io.BytesIO(r.body)) as tar:
            assert "10b/homes/ben.tar.gz" in tar.getnames()
        status, _ = await call("GET", "/api/v1/class-exports/..%2Fhub.json")
        assert status == 404


async def test_service_sync_from_a_roster_upload(tmp_path: Path) -> None:
    """The sidebar's way: the file uploaded to the roster import (parsed there, ISO-8859-1),
    then the sync plan and its apply by the upload's id; the new students' passwords come back
    as an import's rows, kept for the teacher and fetchable as the import's sheet again."""
    import asyncio

    from .service_harness import running_service

    roster, classes, hub, accounts = make(tmp_path)
    fake_archives(roster, accounts)
    data = ("Familienname;Vorname;Klassenbezeichnung;Geburtsdatum\r\n"
            "Berg;Anna;10a;01.01.2010\r\nKurz;Ben;10b;01.01.2010\r\n"
            "Müller;Jürgen;10a;01.01.2010\r\n")
    async with running_service(roster.paths, lambda: roster) as (ctx, call):
        ctx._classes = classes
        status, up = await call("POST", "/api/v1/roster/uploads",
                                body=data.encode("latin-1"))
        assert status == 200, up
        assert up["encoding"] in ("iso-8859-1", "latin-1", "cp1252", "windows-1252"), up
        status, plan = await call("POST", "/api/v1/class-sync/preview",
                                  {"upload": up["upload"]})
        assert status == 200, plan
        assert plan["summary"]["moved"] == 1 and plan["summary"]["new"] == 1, plan
        gone = {i["username"] for i in plan["items"] if i["status"] == "gone"}
        assert gone == {"cem", "lea", "lea2"}
        new = next(i for i in plan["items"] if i["status"] == "new")
        assert new["full_name"] == "Jürgen Müller"
        # someone else's (or an expired) upload: 404, nothing planned
        status, _ = await call("POST", "/api/v1/class-sync/preview", {"upload": "nope"})
        assert status == 404
        with pytest.raises(NotFound):  # the id is found only for the teacher who uploaded
            ctx.uploads.get(up["upload"], "another-teacher")
        status, body = await call("POST", "/api/v1/class-sync/apply",
                                  {"upload": up["upload"], "remove": ["lea"]})
        assert status == 202, body
        loop = asyncio.get_running_loop()
        job = await loop.run_in_executor(None, lambda: ctx.jobs.wait(body["job"], 10))
        assert job["state"] == "done", job
        result = job["result"]
        assert [r["name"] for r in result["removed"]] == ["lea"]
        assert Path(result["removed"][0]["archive"]).exists()
        [row] = result["results"]
        assert row["ok"] and row["password"] and row["class_name"] == "10a"
        assert result["kept"]["count"] == 1
        assert "lea" not in accounts.accounts and "lea2" in accounts.accounts
        status, sheet = await call(
            "GET", f"/api/v1/roster/imports/{body['job']}/credentials?format=csv")
        assert status == 200 and row["password"] in sheet["content"], sheet
        # the upload was used up by the apply
        status, _ = await call("POST", "/api/v1/class-sync/preview", {"upload": up["upload"]})
        assert status == 404
