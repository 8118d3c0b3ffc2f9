"""The class live: hub models + the process table, with a fake hub and a real process that
looks like a kernel (its command line names a connection file)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import class_live as L
from jupyter_extension_companion.provision.errors import NotFound

KID = "0123abcd-4567-89ab-cdef-0123456789ab"
KID2 = "fedc0000-4567-89ab-cdef-0123456789ab"


class FakeHub:
    def __init__(self, users: list[dict[str, Any]], groups: dict[str, list[str]]):
        self.users, self.groups, self.calls = users, groups, []

    def list_users(self) -> list[dict[str, Any]]:
        self.calls.append("users")
        return self.users

    def get_group(self, name: str) -> dict[str, Any] | None:
        self.calls.append("group")
        return {"name": name, "users": self.groups[name]} if name in self.groups else None


class Accounts:
    def read_all(self) -> dict[str, Any]:
        me = type("A", (), {"uid": os.getuid(), "home": "/nonexistent", "name": "anna",
                            "is_system": False})()
        return {"anna": me}

    def get(self, name: str) -> Any:
        return self.read_all().get(name)

    def is_student_home(self, account: Any) -> bool:
        return True


def test_live_shows_a_busy_kernel_from_the_process_table(tmp_path: Path) -> None:
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
    hub = FakeHub([
        {"name": "anna", "groups": ["5a"], "last_activity": now,
         "servers": {"": {"ready": True, "started": now, "pending": None}}},
        {"name": "ben", "groups": ["5a"], "last_activity": None, "servers": {}},
        {"name": "teach", "admin": True, "groups": [], "servers": {}},
    ], {"5a": ["anna", "ben"]})
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass", "ipykernel_launcher",
                             "-f", f"/tmp/kernel-{KID}.json"])
    calm = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "jjava.jar",
                             f"/tmp/kernel-{KID2}.json"])
    try:
        paths = ClassroomPaths().with_prefix(tmp_path)
        L.class_live(paths, hub, "5a", accounts=Accounts(), errors=False)
        time.sleep(0.6)
        live = L.class_live(paths, hub, "5a", accounts=Accounts(), errors=False)
    finally:
        for p in (busy, calm):
            p.kill()
            p.wait()
    assert hub.calls == ["users"]  # the class came with the user models; reused 2 s
    by_name = {s.name: s for s in live.students}
    assert set(by_name) == {"anna", "ben"}
    anna = by_name["anna"]
    assert anna.online and anna.server_ready and anna.server_running
    [kernel] = [k for k in anna.kernels if k.id == KID]
    assert kernel.language == "python" and kernel.memory_mb > 0
    assert kernel.state == "busy", kernel
    assert kernel.pids == [busy.pid]
    [java] = [k for k in anna.kernels if k.id == KID2]
    assert java.language == "java" and java.state == "idle"
    ben = by_name["ben"]
    assert not ben.online and not ben.server_running
    data = live.to_json()
    assert data["class"] == "5a" and set(data["timings"]) == {
        "hub_ms", "hub_age_s", "processes_ms", "notebooks_ms"}


@pytest.fixture(autouse=True)
def _no_shared_cache() -> Any:
    L._HUB.clear()
    yield
    L._HUB.clear()


def test_the_hub_is_asked_at_most_once_per_fresh_period(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = FakeHub([{"name": "anna", "groups": ["5a"], "servers": {}}], {"5a": ["anna"]})
    paths = ClassroomPaths().with_prefix(tmp_path)
    for _ in range(5):
        L.class_live(paths, hub, "5a", accounts=Accounts(), errors=False)
    assert hub.calls == ["users"]
    # older than HUB_FRESH: served, and fetched again in the background
    monkeypatch.setattr(L, "HUB_FRESH", 0.0)
    live = L.class_live(paths, hub, "5a", accounts=Accounts(), errors=False)
    assert live.timings["hub_age_s"] >= 0
    for _ in range(50):
        if hub.calls == ["users", "users"]:
            break
        time.sleep(0.01)
    assert hub.calls == ["users", "users"]
    # fresh: asked now
    L.class_live(paths, hub, "5a", accounts=Accounts(), errors=False, fresh=True)
    assert hub.calls == ["users", "users", "users"]


def test_an_unknown_class_is_a_clear_404(tmp_path: Path) -> None:
    hub = FakeHub([{"name": "anna", "groups": [], "servers": {}}], {})
    with pytest.raises(NotFound) as e:
        L.class_live(ClassroomPaths().with_prefix(tmp_path), hub, "nope", accounts=Accounts())
    assert "nope" in e.value.message


def test_an_empty_class_is_empty(tmp_path: Path) -> None:
    hub = FakeHub([{"name": "anna", "groups": [], "servers": {}}], {"5b": []})
    live = L.class_live(ClassroomPaths().with_prefix(tmp_path), hub, "5b", accounts=Accounts())
    assert live.students == []
