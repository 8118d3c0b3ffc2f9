"""Classes: hub group + unix group, validated first, idempotent, audited (fakes, no root)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.provision.classes import (
    Classes,
    class_name_problem,
    suggest_class_name,
)
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound

from .class_fakes import FakeUnix, GroupHub


def make(tmp_path: Path, users: tuple[str, ...] = ("anna", "ben", "cem"),
         unix: dict[str, int] | None = None) -> tuple[Classes, GroupHub, FakeUnix, AuditLog]:
    hub = GroupHub(users)
    fake_unix = FakeUnix(unix)
    paths = ClassroomPaths().with_prefix(tmp_path)
    audit = AuditLog(paths.audit_log)
    accounts = set(users)
    classes = Classes(hub, paths, audit=audit, actor="teacher", unix=fake_unix,  # type: ignore[arg-type]
                      account_exists=lambda n: n in accounts)
    return classes, hub, fake_unix, audit


@pytest.mark.parametrize("name", ["10a", "5b", "q1", "info-lk", "ef_2", "a"])
def test_valid_class_names(name: str) -> None:
    assert class_name_problem(name) is None


@pytest.mark.parametrize("name", ["", "10A", "10 a", "-x", "_x", "10", "a/b", "ä", "x" * 33,
                                  "root", "sudo", "a:b", "a\nb", "10a\n"])
def test_invalid_class_names(name: str) -> None:
    assert class_name_problem(name) is not None


def test_suggestions() -> None:
    assert suggest_class_name("10A") == "10a"
    assert suggest_class_name("10 a") == "10a"
    assert suggest_class_name("Q1 Informatik") == "q1-informatik"
    assert suggest_class_name("Kl. 5ü") == "kl-5ue"
    assert suggest_class_name("10") is None


def test_create_is_hub_group_then_unix_group_and_rerun_changes_nothing(tmp_path: Path) -> None:
    classes, hub, unix, audit = make(tmp_path)
    change = classes.ensure_class("10a")
    assert change.changed
    assert hub.groups["10a"]["properties"] == {"classroom": "class"}
    assert unix.get("10a") is not None
    again = classes.ensure_class("10a")
    assert not again.changed and again.message == "nothing to change"
    assert [e["action"] for e in audit.entries()] == ["class.create", "class.create"]
    assert [c.name for c in classes.list_classes()] == ["10a"]


def test_bad_name_changes_nothing(tmp_path: Path) -> None:
    classes, hub, unix, audit = make(tmp_path)
    with pytest.raises(ClassroomError) as info:
        classes.ensure_class("10A")
    assert "10a" in info.value.message  # the suggestion
    assert hub.groups == {} and unix.calls == []
    assert audit.entries()[-1]["outcome"] == "refused"


def test_existing_unix_group_or_account_or_foreign_hub_group_is_refused(tmp_path: Path) -> None:
    classes, hub, unix, _ = make(tmp_path, unix={"staff2": 1500, "plugdev2": 46})
    for name in ("staff2", "plugdev2", "anna"):
        with pytest.raises(ClassroomError):
            classes.ensure_class(name)
    hub.groups["handmade"] = {"users": [], "properties": {}}
    with pytest.raises(ClassroomError):
        classes.ensure_class("handmade")
    assert classes.list_classes() == []  # a hand-made hub group is not a class
    assert ("groupadd", "staff2") not in unix.calls


def test_members_mirror_into_unix_group_and_several_classes(tmp_path: Path) -> None:
    classes, hub, unix, _ = make(tmp_path)
    classes.ensure_class("10a")
    classes.ensure_class("info")
    assert classes.add_members("10a", ["anna", "ben"]).added == ["anna", "ben"]
    assert not classes.add_members("10a", ["anna"]).changed
    classes.add_members("info", ["anna"])
    assert unix.get("10a").gr_mem == ["anna", "ben"]
    assert classes.classes_of() == {"anna": ["10a", "info"], "ben": ["10a"]}
    classes.remove_members("10a", ["ben"])
    assert unix.get("10a").gr_mem == ["anna"]


def test_unknown_student_is_refused_before_anything(tmp_path: Path) -> None:
    classes, hub, unix, _ = make(tmp_path)
    classes.ensure_class("10a")
    with pytest.raises(NotFound):
        classes.add_members("10a", ["anna", "zoe"])
    assert hub.groups["10a"]["users"] == []


def test_move_keeps_other_classes(tmp_path: Path) -> None:
    classes, _, unix, _ = make(tmp_path)
    for c in ("10a", "10b", "info"):
        classes.ensure_class(c)
    classes.add_members("10a", ["anna", "ben"])
    classes.add_members("info", ["anna"])
    classes.move(["anna"], "10a", "10b")
    assert classes.classes_of() == {"anna": ["10b", "info"], "ben": ["10a"]}
    assert unix.get("10b").gr_mem == ["anna"]
    with pytest.raises(ClassroomError):
        classes.move(["cem"], "10a", "10b")  # not in 10a


def test_rename_keeps_members_and_gid_and_reruns(tmp_path: Path) -> None:
    classes, hub, unix, _ = make(tmp_path)
    classes.ensure_class("10a")
    classes.add_members("10a", ["anna", "ben"])
    gid = unix.get("10a").gr_gid
    change = classes.rename_class("10a", "11a")
    assert change.changed
    assert "10a" not in hub.groups and hub.groups["11a"]["users"] == ["anna", "ben"]
    assert unix.get("11a").gr_gid == gid and unix.get("10a") is None
    assert not classes.rename_class("10a", "11a").changed


def test_delete_class_keeps_accounts(tmp_path: Path) -> None:
    classes, hub, unix, _ = make(tmp_path)
    classes.ensure_class("10a")
    classes.add_members("10a", ["anna"])
    assert classes.delete_class("10a").changed
    assert "anna" in hub.users and unix.get("10a") is None
    assert not classes.delete_class("10a").changed


def test_rename_that_stopped_part_way_finishes_on_rerun(tmp_path: Path) -> None:
    classes, hub, unix, _ = make(tmp_path)
    classes.ensure_class("10a")
    classes.add_members("10a", ["anna"])
    # as if the hub failed after the new group and the groupmod, before deleting the old group
    hub.create_group("11a", ["anna"])
    hub.set_group_properties("11a", {"classroom": "class"})
    unix.rename("10a", "11a")
    assert classes.rename_class("10a", "11a").changed
    assert "10a" not in hub.groups and hub.groups["11a"]["users"] == ["anna"]
    classes.ensure_class("10b")
    classes.add_members("10b", ["ben"])
    with pytest.raises(ClassroomError):
        classes.rename_class("11a", "10b")  # 10b has other students
