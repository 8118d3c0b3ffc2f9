"""Per-class actions over the Roster (fakes): disable, passwords, removal with archives."""

from __future__ import annotations

from pathlib import Path

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.provision.class_actions import ClassActions
from jupyter_extension_companion.provision.class_slips import sheet
from jupyter_extension_companion.provision.classes import Classes
from jupyter_extension_companion.provision.roster import Roster

from .class_fakes import FakeUnix, GroupHub
from .roster_fakes import FakeAccounts


def make(tmp_path: Path) -> tuple[ClassActions, GroupHub, FakeAccounts]:
    paths = ClassroomPaths().with_prefix(tmp_path)
    names = ("anna", "ben", "cem", "tina")
    hub = GroupHub(names, admins=("tina",))
    accounts = FakeAccounts(paths)
    for n in names:
        accounts.add_existing(n)
    audit = AuditLog(paths.audit_log)
    roster = Roster(hub, paths, accounts, audit=audit, actor="tina")  # type: ignore[arg-type]
    classes = Classes(hub, paths, audit=audit, actor="tina", unix=FakeUnix(),  # type: ignore[arg-type]
                      account_exists=lambda n: n in accounts.accounts)
    for c in ("10a", "10b", "info"):
        classes.ensure_class(c)
    classes.add_members("10a", ["anna", "ben", "tina"])
    classes.add_members("10b", ["cem"])
    classes.add_members("info", ["ben"])
    return ClassActions(classes, roster), hub, accounts


def test_users_list_carries_classes(tmp_path: Path) -> None:
    actions, _, _ = make(tmp_path)
    by_name = {s.name: s.classes for s in actions.roster.list()}
    assert by_name == {"anna": ["10a"], "ben": ["10a", "info"], "cem": ["10b"],
                       "tina": ["10a"]}


def test_disable_only_the_class_and_never_the_teacher(tmp_path: Path) -> None:
    actions, _, accounts = make(tmp_path)
    result = actions.disable("10a")
    assert [m.name for m in result.members] == ["anna", "ben"]
    assert accounts.accounts["anna"].locked and accounts.accounts["ben"].locked
    assert not accounts.accounts["cem"].locked and not accounts.accounts["tina"].locked
    actions.enable("10a")
    assert not accounts.accounts["anna"].locked


def test_new_passwords_one_chpasswd_and_a_sheet(tmp_path: Path) -> None:
    actions, _, accounts = make(tmp_path)
    result = actions.new_passwords("10a")
    assert [c.name for c in result.credentials] == ["anna", "ben"]
    assert [c for c in accounts.calls if c[0] == "chpasswd"] == [("chpasswd", ("anna", "ben"))]
    files = sheet(result.credentials, actions.roster.paths, "10a", lang="de", qr=True,
                  hub_url="https://hub.example/")
    assert "Klasse" in files["html"] and "10a" in files["html"] and "<svg" in files["html"]
    assert result.credentials[0].password in files["csv"]
    assert not any(c.password in Path(actions.roster.paths.audit_log).read_text()
                   for c in result.credentials)


def test_remove_class_archives_only_students_in_no_other_class(tmp_path: Path) -> None:
    actions, hub, accounts = make(tmp_path)
    result = actions.remove_class("10a")
    outcome = {m.name: m for m in result.members}
    assert "anna" not in accounts.accounts and "anna" not in hub.users
    assert outcome["anna"].ok and outcome["anna"].archive
    assert "ben" in accounts.accounts and "also in info" in outcome["ben"].message
    assert "tina" in accounts.accounts
    assert "10a" not in hub.groups and hub.groups["info"]["users"] == ["ben"]
    assert "1 students removed" in result.summary


async def test_service_routes_create_list_move_and_users_carry_classes(tmp_path: Path) -> None:
    import asyncio

    from .service_harness import running_service

    actions, _, _ = make(tmp_path)
    async with running_service(actions.roster.paths, lambda: actions.roster) as (ctx, call):
        ctx._classes = actions.classes
        status, body = await call("POST", "/api/v1/classes", {"name": "11a"})
        assert status == 201 and body["changed"]
        status, body = await call("POST", "/api/v1/classes", {"name": "11 A"})
        assert status == 400 and body["code"] == "bad_class_name" and "11a" in body["message"]
        status, body = await call("POST", "/api/v1/classes/10b/move",
                                  {"users": ["cem"], "to": "11a"})
        assert status == 200, body
        status, body = await call("GET", "/api/v1/classes")
        assert {c["name"]: c["members"] for c in body["classes"]}["11a"] == ["cem"]
        status, body = await call("GET", "/api/v1/users")
        assert {u["name"]: u["classes"] for u in body["users"]}["cem"] == ["11a"]
        status, body = await call("POST", "/api/v1/classes/10a/disable")
        assert status == 202
        job = await asyncio.get_running_loop().run_in_executor(
            None, lambda: ctx.jobs.wait(body["job"], 10))
        assert job["state"] == "done", job
        assert actions.roster.accounts.accounts["anna"].locked
        status, body = await call("GET", "/api/v1/classes/nope")
        assert status == 404
