"""Passwords cannot be lost: each teacher's last sheet is kept 30 minutes, root-only, then shredded;
"new passwords" for a selection makes one sheet (service routes with fakes)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.provision.credential_store import CredentialStore, shred
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.roster import Credentials, Roster

from .roster_fakes import FakeAccounts, FakeHub
from .service_harness import running_service


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _paths(tmp_path: Path) -> ClassroomPaths:
    return ClassroomPaths().with_prefix(tmp_path)


def _creds(*names: str) -> list[Credentials]:
    return [Credentials(n, f"pw-{n}", True, f"Full {n}") for n in names]


def test_kept_for_the_teacher_root_only_then_shredded(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    clock = Clock()
    store = CredentialStore(paths, clock=clock, audit=AuditLog(paths.audit_log))
    sheet = store.keep("teach", [*_creds("anna", "ben"), Credentials("carl", None, False)],
                       "import")
    assert sheet is not None and [c.name for c in sheet.credentials] == ["anna", "ben"]
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    files = list(store.folder.iterdir())
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    got = store.get("teach").to_json()
    assert got["kind"] == "import" and got["count"] == 2
    assert got["credentials"][0]["password"] == "pw-anna"
    assert got["expires"].startswith("2027-01-15T08:")  # created + 30 minutes (UTC)
    # another teacher gets nothing of it
    with pytest.raises(NotFound):
        store.get("other")
    # fetched again after a reload (any number of times while kept)
    assert store.get("teach").to_json()["count"] == 2
    # no password in the audit log
    log = paths.audit_log.read_text()
    assert "pw-anna" not in log and "credentials.keep" in log and "credentials.fetch" in log
    # after 30 minutes: gone, and the file is shredded
    clock.now += 30 * 60
    with pytest.raises(NotFound, match="30 minutes"):
        store.get("teach")
    assert list(store.folder.iterdir()) == []


def test_replaced_discarded_swept(tmp_path: Path) -> None:
    clock = Clock()
    store = CredentialStore(_paths(tmp_path), clock=clock)
    store.keep("teach", _creds("anna"), "import")
    store.keep("teach", _creds("ben"), "passwords")
    assert [c.name for c in store.get("teach").credentials] == ["ben"]
    assert store.peek("teach") == {"kind": "passwords", "count": 1,
                                   "expires": store.get("teach").to_json()["expires"]}
    assert store.discard("teach") is True and store.discard("teach") is False
    with pytest.raises(NotFound):
        store.get("teach")
    assert store.keep("teach", [Credentials("carl", None, False)], "import") is None
    store.keep("a", _creds("x"), "import")
    clock.now += 10 * 60
    store.keep("b", _creds("y"), "import")
    clock.now += 25 * 60
    assert store.sweep() == 1  # "a" expired, "b" still kept
    assert store.get("b").credentials[0].name == "y"
    with pytest.raises(ClassroomError):
        store.keep("teach", _creds("x"), "other-kind")


def test_shred_overwrites_and_never_follows_a_link(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    target.write_text("keep me")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(OSError):
        shred(link)
    assert target.read_text() == "keep me"
    assert shred(tmp_path / "missing.json") is False


def _roster(paths: ClassroomPaths) -> tuple[Roster, FakeAccounts]:
    hub = FakeHub(("teach", "anna", "ben", "carl"), admins=("teach",))
    accounts = FakeAccounts(paths)
    for name in ("teach", "anna", "ben", "carl"):
        accounts.add_existing(name)
    accounts.lock("carl")
    return Roster(hub, paths, accounts, actor="teach"), accounts


def test_new_passwords_one_chpasswd_checked_first(tmp_path: Path) -> None:
    roster, accounts = _roster(_paths(tmp_path))
    creds = roster.new_passwords(["ben", "anna", "carl"])
    assert [c.name for c in creds] == ["ben", "anna", "carl"]
    assert all(c.password and c.generated for c in creds)
    assert [c for c in accounts.calls if c[0] == "chpasswd"] == [("chpasswd", ("ben", "anna",
                                                                               "carl"))]
    assert accounts.accounts["carl"].locked  # a disabled student stays disabled
    before = dict(accounts.passwords)
    for names, code in ((["anna", "nobody"], "not_found"), (["anna", "anna"], "duplicate"),
                        (["anna", "teach"], "self"), (["root"], "not_found"), ([], "missing_field"),
                        (["anna", "../x"], "invalid_username")):
        with pytest.raises(ClassroomError) as info:
            roster.new_passwords(names)
        assert info.value.code == code, names
    assert accounts.passwords == before  # nothing changed by a refused call


async def test_service_new_passwords_and_last_sheet(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    roster, _ = _roster(paths)
    async with running_service(paths, lambda: roster) as (ctx, call):
        code, body = await call("POST", "/api/v1/credentials/new", {"names": ["anna", "ben"]})
        assert code == 200, body
        assert [c["name"] for c in body["credentials"]] == ["anna", "ben"]
        assert body["kept"]["count"] == 2 and body["kept"]["kind"] == "passwords"
        code, last = await call("GET", "/api/v1/credentials/last")
        assert code == 200 and last["credentials"] == body["credentials"]
        code, summary = await call("GET", "/api/v1/credentials/last?format=summary")
        assert code == 200 and summary["kept"]["count"] == 2
        assert body["credentials"][0]["password"] not in json.dumps(summary)
        # a student's token, another teacher: nothing
        code, _ = await call("GET", "/api/v1/credentials/last", token="t-student")
        assert code == 403
        code, bad = await call("POST", "/api/v1/credentials/new", {"names": "anna"})
        assert code == 400 and bad["code"] == "missing_field"
        code, _ = await call("GET", "/api/v1/credentials/last?format=pdf")
        assert code == 400
        code, gone = await call("DELETE", "/api/v1/credentials/last")
        assert code == 200 and gone == {"discarded": True}
        code, missing = await call("GET", "/api/v1/credentials/last")
        assert code == 404 and "30 minutes" in missing["message"]
        code, summary = await call("GET", "/api/v1/credentials/last?format=summary")
        assert code == 200 and summary == {"kept": None}


async def test_service_sheet_as_csv_and_slips(tmp_path: Path) -> None:
    from tornado.httpclient import AsyncHTTPClient

    paths = _paths(tmp_path)
    roster, _ = _roster(paths)
    async with running_service(paths, lambda: roster) as (ctx, call):
        await call("POST", "/api/v1/credentials/new", {"names": ["anna"]})
        base = f"http://127.0.0.1:{call.port}/services/classroom/api/v1/credentials/last"  # type: ignore[attr-defined]
        client = AsyncHTTPClient()
        headers = {"Authorization": "token t-admin"}
        r = await client.fetch(base + "?format=csv", headers=headers)
        assert r.headers["Content-Type"].startswith("text/csv")
        assert "anna" in r.body.decode("utf-8-sig")
        r = await client.fetch(base + "?format=html&lang=de", headers=headers)
        page = r.body.decode()
        assert r.headers["Content-Type"].startswith("text/html")
        assert "anna" in page and "Passwort" in page


async def test_import_keeps_the_sheet(tmp_path: Path) -> None:
    paths = _paths(tmp_path)
    roster, _ = _roster(paths)
    async with running_service(paths, lambda: roster) as (ctx, call):
        code, body = await call("POST", "/api/v1/roster/apply",
                                {"rows": [{"username": "dora"}, {"username": "anna"}]})
        assert code == 202
        job = ctx.jobs.wait(body["job"], timeout=5)
        assert job["state"] == "done", job
        assert job["result"]["kept"]["count"] == 1  # only dora got a (generated) password
        code, last = await call("GET", "/api/v1/credentials/last")
        assert code == 200 and [c["name"] for c in last["credentials"]] == ["dora"]
        assert last["kind"] == "import"
        assert json.dumps(last).count(job["result"]["results"][0]["password"]) == 1
