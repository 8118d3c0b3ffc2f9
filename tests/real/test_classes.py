"""Classes against a real JupyterHub and the real shadow tools: hub groups and unix groups,
a class disabled for an exam (PAM login through the hub refused, the other class's works),
a re-import with one student moved and one gone, export and removal with archives."""

from __future__ import annotations

import csv
import grp
import io
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_extension_companion.provision.class_actions import ClassActions
from jupyter_extension_companion.provision.class_export import export_class
from jupyter_extension_companion.provision.class_sync import SyncRow, apply_sync, plan_sync
from jupyter_extension_companion.provision.classes import Classes, UnixGroups

from .conftest import RealHub, random_name

pytestmark = [pytest.mark.real, pytest.mark.slow]


def _unix_members(name: str) -> list[str]:
    return sorted(grp.getgrnam(name).gr_mem)


@pytest.fixture
def setup(hub_users: RealHub) -> Iterator[tuple[RealHub, Classes, ClassActions, list[str]]]:
    roster = hub_users.launcher.roster("tests")
    classes = Classes(roster.hub, roster.paths, audit=roster.audit, actor="tests")
    made: list[str] = []
    try:
        yield hub_users, classes, ClassActions(classes, roster), made
    finally:
        for name in made:
            try:
                classes.delete_class(name)
            except Exception:  # noqa: BLE001 - fall back to the plain tool below
                pass
            if UnixGroups().get(name) is not None:
                UnixGroups().delete(name)


def test_groups_exam_sync_export_and_removal(setup) -> None:  # noqa: ANN001
    hub_users, classes, actions, made = setup
    roster = actions.roster
    hub = roster.hub
    ka, kb = random_name(5), random_name(5)
    made += [ka, kb]
    # students with umlauts in their full names
    people = {}
    for full in ("Jürgen Müller", "Anna Weiß", "Zoë Öztürk", "Ben Groß"):
        name = hub_users.new_name()
        people[full] = (name, roster.add(name, full_name=full).password)
    a1, a2, a3, b1 = (people[f][0] for f in people)

    # 1. classes: a marked hub group and a unix group of the same name, members mirrored
    assert classes.ensure_class(ka).changed and classes.ensure_class(kb).changed
    assert not classes.ensure_class(ka).changed
    classes.add_members(ka, [a1, a2, a3])
    classes.add_members(kb, [b1])
    assert sorted(hub.get_group(ka)["users"]) == sorted([a1, a2, a3])
    assert hub.get_group(ka)["properties"] == {"classroom": "class"}
    assert _unix_members(ka) == sorted([a1, a2, a3]) and _unix_members(kb) == [b1]
    assert grp.getgrnam(ka).gr_gid >= 1000
    listed = {s.name: s.classes for s in roster.list()}
    assert listed[a1] == [ka] and listed[b1] == [kb]

    # 2. an exam: class ka disabled -> its student cannot log in, kb's can; then enabled
    result = actions.disable(ka)
    assert not result.failed and {m.name for m in result.members} == {a1, a2, a3}
    with pytest.raises(AssertionError):
        hub_users.login(a1, people["Jürgen Müller"][1])
    hub_users.login(b1, people["Ben Groß"][1])
    actions.enable(ka)
    hub_users.login(a1, people["Jürgen Müller"][1])

    # 3. re-import: a2 now listed in kb, a3 no longer listed -> exactly that plan
    rows = [SyncRow(2, ka.upper(), "Jürgen Müller"), SyncRow(3, kb, "anna weiß"),
            SyncRow(4, kb, "Ben Groß")]
    plan = plan_sync(rows, roster, classes)
    got = sorted((i.status, i.username) for i in plan.items)
    assert got == sorted([("unchanged", a1), ("moved", a2), ("gone", a3), ("unchanged", b1)])
    applied = apply_sync(rows, roster, classes, remove=[a3])
    assert not applied.failed, applied.failed
    archive = Path(applied.removed[0]["archive"])
    assert archive.is_file() and a3 in archive.name
    with tarfile.open(archive) as tar:
        assert any(n.startswith(f"{a3}/") for n in tar.getnames())
    assert a3 not in hub_users.hub_user_names()
    with pytest.raises(KeyError):
        grp.getgrnam(a3)  # the account (and its own group) are gone
    assert _unix_members(ka) == [a1] and _unix_members(kb) == sorted([a2, b1])
    assert not any(i.status != "unchanged" for i in plan_sync(rows, roster, classes).items)

    # 3b. the class table's "Move to class" through the service (a teacher's token): b1 from
    # kb to ka and back; a student not in the source class is refused and nothing changes
    teacher, _ = hub_users.make_user(teacher=True)
    token = hub_users.user_token(teacher)
    r = hub_users.service("POST", f"/classes/{kb}/move", token, json={"users": [b1], "to": ka})
    assert r.status_code == 200, r.text
    assert _unix_members(ka) == sorted([a1, b1]) and _unix_members(kb) == [a2]
    assert sorted(hub.get_group(ka)["users"]) == sorted([a1, b1])
    r = hub_users.service("POST", f"/classes/{kb}/move", token, json={"users": [a1], "to": ka})
    assert r.status_code >= 400 and r.json()["code"] == "not_member", r.text
    r = hub_users.service("POST", f"/classes/{ka}/move", token, json={"users": [b1], "to": kb})
    assert r.status_code == 200, r.text
    assert _unix_members(ka) == [a1] and _unix_members(kb) == sorted([a2, b1])

    # 4. end of year: promote ka (members and gid kept), export kb, remove kb
    gid = grp.getgrnam(ka).gr_gid
    kc = random_name(5)
    made.append(kc)
    classes.rename_class(ka, kc)
    assert grp.getgrnam(kc).gr_gid == gid and _unix_members(kc) == [a1]
    assert hub.get_group(ka) is None
    export = export_class(kb, roster, classes)
    assert export.stat().st_mode & 0o777 == 0o600
    with tarfile.open(export) as tar:
        names = set(tar.getnames())
        assert {f"{kb}/students.csv", f"{kb}/homes/{a2}.tar.gz", f"{kb}/homes/{b1}.tar.gz"} \
            <= names
        listing = tar.extractfile(f"{kb}/students.csv").read().decode("utf-8-sig")
    rows_out = list(csv.reader(io.StringIO(listing)))
    assert rows_out[0] == ["username", "full name", "classes", "id"]
    assert "password" not in listing.lower()
    assert people["Anna Weiß"][1] not in listing and "Anna Weiß" in listing

    classes.add_members(kc, [b1])  # b1 is in another class too: kept
    removal = actions.remove_class(kb)
    assert not removal.failed, removal.summary
    outcome = {m.name: m for m in removal.members}
    assert outcome[a2].archive and Path(outcome[a2].archive).is_file()
    assert outcome[b1].archive is None and "kept" in outcome[b1].message
    assert a2 not in hub_users.hub_user_names() and b1 in hub_users.hub_user_names()
    assert hub.get_group(kb) is None and UnixGroups().get(kb) is None
