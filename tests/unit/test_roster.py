"""The Roster with fake hub and fake accounts: batching, idempotence, rollback, audit."""

from __future__ import annotations

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.roster import NewStudent, Roster
from jupyter_extension_companion.provision.usernames import UsernameRefused

from .roster_fakes import FakeAccounts, FakeHub


@pytest.fixture
def env(tmp_path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    hub = FakeHub(("teacher",), admins=("teacher",))
    accounts = FakeAccounts(paths)
    accounts.add_existing("teacher")
    roster = Roster(hub, paths, accounts, actor="teacher")
    return roster, hub, accounts


def calls(fake, kind):
    return [c for c in fake.calls if c[0] == kind]


def audit_text(roster):
    return roster.audit.path.read_text() if roster.audit.path.exists() else ""


def test_add_makes_account_password_and_hub_user(env):
    roster, hub, accounts = env
    creds = roster.add("anna", full_name="Anna Schmidt")
    assert creds.generated and creds.password and creds.name == "anna"
    assert accounts.passwords["anna"] == creds.password
    assert "anna" in hub.users and not hub.users["anna"]["admin"]
    assert accounts.accounts["anna"].full_name == "Anna Schmidt"
    assert len(calls(accounts, "chpasswd")) == 1 and len(calls(hub, "add_users")) == 1
    log = audit_text(roster)
    assert '"actor": "teacher"' in log and '"target": "anna"' in log
    assert creds.password not in log


def test_add_given_password_and_teacher(env):
    roster, hub, accounts = env
    creds = roster.add("mrs-x", password="Start-1234", teacher=True)
    assert creds.password == "Start-1234" and not creds.generated
    assert hub.users["mrs-x"]["admin"]


@pytest.mark.parametrize("name", ["Anna", "root", "-rf", "a/b", "x" * 33, "", "anna smith"])
def test_add_refuses_bad_names_before_anything_runs(env, name):
    roster, hub, accounts = env
    before_accounts = dict(accounts.accounts)
    with pytest.raises(ClassroomError):
        roster.add(name)
    assert accounts.accounts == before_accounts
    assert not calls(accounts, "useradd") and not calls(hub, "add_users")
    assert '"outcome": "refused"' in audit_text(roster)


def test_add_refusal_carries_suggestion(env):
    roster, _, _ = env
    with pytest.raises(UsernameRefused) as info:
        roster.add("Jürgen", full_name="Jürgen Müller")
    assert info.value.suggested == "juergen-mueller"


def test_add_refuses_bad_password(env):
    roster, hub, accounts = env
    with pytest.raises(ClassroomError, match="too short"):
        roster.add("anna", password="abc")
    assert "anna" not in accounts.accounts and "anna" not in hub.users


def test_add_twice_is_nothing_to_change(env):
    roster, hub, accounts = env
    roster.add("anna")
    creds = roster.add("anna")
    assert creds.password is None and "nothing to change" in creds.message
    assert len(calls(accounts, "useradd")) == 1 and len(calls(hub, "add_users")) == 1
    creds = roster.add("anna", password="Another-Pass1")
    assert accounts.passwords["anna"] == "Another-Pass1" and "password set" in creds.message


def test_add_adopts_an_existing_account_keeping_its_password(env):
    roster, hub, accounts = env
    accounts.add_existing("oldie", password="old-secret")
    creds = roster.add("oldie")
    assert creds.password is None and "added to the hub" in creds.message
    assert accounts.passwords["oldie"] == "old-secret"
    assert "oldie" in hub.users and not calls(accounts, "useradd")


def test_hub_failure_rolls_back_the_accounts(env):
    roster, hub, accounts = env
    hub.fail_add = "Failed to create user x"
    results = roster.add_many([NewStudent("anna"), NewStudent("bob"), NewStudent("carl")])
    assert not any(r.ok for r in results)
    assert all("Nothing was created" in r.message for r in results)
    assert all(r.password is None for r in results)
    assert not {"anna", "bob", "carl"} & set(accounts.accounts)
    assert not {"anna", "bob", "carl"} & set(hub.users)
    with pytest.raises(ClassroomError):
        roster.add("dora")
    assert "dora" not in accounts.accounts


def test_add_many_batches_and_reports_per_row(env):
    roster, hub, accounts = env
    accounts.fail_useradd = {"eve"}
    progress = []
    results = roster.add_many(
        [NewStudent("anna", "Anna A"), NewStudent("Bob"), NewStudent("carl", password="Carl-1234"),
         NewStudent("anna"), NewStudent("eve"), NewStudent("root")],
        lambda m, f: progress.append((m, f)),
    )
    assert [r.ok for r in results] == [True, False, True, False, False, False]
    assert results[0].generated and results[2].password == "Carl-1234"
    assert "twice" in results[3].message and "useradd failed" in results[4].message
    assert "system account" in results[5].message
    assert "bob" in results[1].message  # the suggestion
    assert calls(accounts, "chpasswd") == [("chpasswd", ("anna", "carl"))]
    assert calls(hub, "add_users") == [("add_users", ("anna", "carl"), False)]
    assert progress[-1] == ("done", 1.0)
    assert all(0 <= f <= 1 for _, f in progress if f is not None)


def test_list_merges_hub_and_system(env, tmp_path):
    roster, hub, accounts = env
    roster.add("anna", full_name="Anna A")
    accounts.add_existing("handmade")  # system only, in the home root
    accounts.add_existing("elsewhere", home="/srv/elsewhere")  # not a student home
    hub._make("hubonly", False)
    hub.users["anna"]["server"] = "/user/anna/"
    accounts.lock("handmade")
    students = {s.name: s for s in roster.list()}
    assert set(students) == {"teacher", "anna", "handmade", "hubonly"}
    assert students["teacher"].teacher and not students["anna"].teacher
    assert students["anna"].server_running and students["anna"].full_name == "Anna A"
    assert students["anna"].system_account and students["anna"].hub_user
    assert students["handmade"].locked and not students["handmade"].hub_user
    assert not students["hubonly"].system_account
    assert students["anna"].to_json()["last_activity"] == "2026-11-20T10:00:00Z"
    assert calls(hub, "list_users") == [("list_users",)]  # add asked per name; list once


def test_list_keeps_the_full_listing_but_server_state_is_fresh(env):
    roster, hub, accounts = env
    roster.add("anna")
    roster.list()
    hub.calls.clear()
    hub.users["anna"]["server"] = "/user/anna/"  # the student logged in meanwhile
    students = {s.name: s for s in roster.list()}
    assert students["anna"].server_running
    assert calls(hub, "list_users") == [("list_users", "active")]  # no full listing
    hub.users["anna"]["server"] = None
    assert not {s.name: s for s in roster.list()}["anna"].server_running
    # a user made elsewhere (hub admin page) changes the count: full listing
    hub._make("outsider", False)
    hub.calls.clear()
    assert "outsider" in {s.name for s in roster.list()}
    assert ("list_users",) in hub.calls
    # a change through the roster (or a clone) drops the cached listing
    hub.calls.clear()
    roster.as_actor("other").set_teacher("anna", True)
    assert {s.name: s for s in roster.list()}["anna"].teacher
    assert ("list_users",) in hub.calls
    hub.calls.clear()
    roster.list(fresh=True)
    assert ("list_users",) in hub.calls


def test_list_cache_expires(env):
    paths, hub, accounts = env[0].paths, env[1], env[2]
    roster = Roster(hub, paths, accounts, hub_cache_seconds=0)
    roster.list()
    hub.calls.clear()
    roster.list()
    assert ("list_users",) in hub.calls


def test_get(env):
    roster, _, _ = env
    roster.add("anna")
    assert roster.get("anna").name == "anna"
    with pytest.raises(NotFound):
        roster.get("nobody-here")
    for bad in ("", "../x", "Anna"):
        with pytest.raises(NotFound):
            roster.get(bad)


def test_disable_enable(env):
    roster, hub, accounts = env
    roster.add("anna")
    hub.users["anna"]["server"] = "/user/anna/"
    change = roster.disable("anna")
    assert change.changed and accounts.accounts["anna"].locked
    assert hub.users["anna"]["server"] is None
    assert not roster.disable("anna").changed
    assert roster.disable("anna").message == "nothing to change"
    assert roster.enable("anna").changed and not accounts.accounts["anna"].locked
    assert not roster.enable("anna").changed


def test_remove_archives_and_is_idempotent(env):
    roster, hub, accounts = env
    roster.add("anna")
    hub.users["anna"]["server"] = "/user/anna/"
    change = roster.remove("anna")
    assert change.changed and change.archive and change.archive.endswith(".tar.gz")
    assert "anna" not in hub.users and "anna" not in accounts.accounts
    order = [c[0] for c in hub.calls if c[0] in ("stop_server", "delete_user")]
    assert order == ["stop_server", "delete_user"]
    again = roster.remove("anna")
    assert not again.changed and again.message == "nothing to change"


def test_remove_order_archive_before_any_deletion(env):
    roster, hub, accounts = env
    roster.add("anna")
    hub.users["anna"]["server"] = "/user/anna/"
    hub.calls.clear()
    accounts.calls = hub.calls  # one log: the order across hub and host
    roster.remove("anna")
    steps = [c[0] for c in hub.calls if c[0] != "get_user" and c[0] != "read_all"]
    assert steps == ["lock_out", "stop_server", "end_processes", "archive", "delete_user",
                     "userdel"]


def test_failed_archive_removes_nothing_and_unlocks(env):
    roster, hub, accounts = env
    roster.add("anna")
    accounts.fail_archive.add("anna")
    with pytest.raises(ClassroomError, match="tar failed"):
        roster.remove("anna")
    assert "anna" in hub.users and "anna" in accounts.accounts
    assert not accounts.accounts["anna"].locked
    assert ("unlock", "anna") in accounts.calls


def test_remove_keep_account(env):
    roster, hub, accounts = env
    roster.add("anna")
    change = roster.remove("anna", keep_account=True)
    assert change.changed and change.archive is None
    assert "anna" not in hub.users and "anna" in accounts.accounts


def test_remove_refuses_self_system_and_foreign_homes(env):
    roster, hub, accounts = env
    with pytest.raises(ClassroomError, match="your own"):
        roster.remove("teacher")
    with pytest.raises(ClassroomError):
        roster.remove("root")
    accounts.add_existing("elsewhere", home="/srv/elsewhere")
    hub._make("elsewhere", False)
    with pytest.raises(ClassroomError, match="outside"):
        roster.remove("elsewhere")
    assert "elsewhere" in hub.users and "elsewhere" in accounts.accounts


def test_set_teacher(env):
    roster, hub, _ = env
    roster.add("anna")
    assert roster.set_teacher("anna", True).changed and hub.users["anna"]["admin"]
    assert not roster.set_teacher("anna", True).changed
    assert roster.set_teacher("anna", False).changed and not hub.users["anna"]["admin"]
    with pytest.raises(ClassroomError, match="your own"):
        roster.set_teacher("teacher", False)
    with pytest.raises(NotFound):
        roster.set_teacher("ghost", True)


def test_servers(env):
    roster, hub, _ = env
    roster.add("anna")
    assert roster.start_server("anna").changed and hub.users["anna"]["server"]
    assert not roster.start_server("anna").changed
    assert roster.stop_server("anna").changed
    assert not roster.stop_server("anna").changed


def test_set_password(env):
    roster, _, accounts = env
    roster.add("anna")
    creds = roster.set_password("anna")
    assert creds.generated and accounts.passwords["anna"] == creds.password
    assert roster.set_password("anna", "Given-Pass9").password == "Given-Pass9"
    with pytest.raises(ClassroomError):
        roster.set_password("anna", "short")
    with pytest.raises(NotFound):
        roster.set_password("ghost")
    with pytest.raises(ClassroomError):
        roster.set_password("root", "Whatever-123")
    assert creds.password not in audit_text(roster)


def test_as_actor_records_the_teacher(env):
    roster, _, _ = env
    roster.as_actor("mrs-x").add("anna")
    assert roster.actor == "teacher"
    assert roster.audit.entries()[-1]["actor"] == "mrs-x"
