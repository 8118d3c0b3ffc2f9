"""Reading a student's notebooks as root without following their symlinks (issue 8, 13)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import AuditLog
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.student_notebooks import (
    StudentNotebooks,
    check_notebook_path,
)

SECRET = "SECRET-ROOT-ONLY-MARK"


@dataclass(frozen=True)
class FakeAccount:
    name: str
    uid: int
    home: str
    is_system: bool = False


class FakeAccounts:
    def __init__(self, home_root: Path, names: list[str]):
        self.home_root = home_root
        self.accounts = {n: FakeAccount(n, os.getuid(), str(home_root / n)) for n in names}
        self.accounts["daemonish"] = FakeAccount("daemonish", 1, str(home_root / "daemonish"),
                                                 is_system=True)

    def get(self, name: str) -> FakeAccount | None:
        return self.accounts.get(name)

    def is_student_home(self, account: FakeAccount) -> bool:
        return Path(account.home).parent == self.home_root


def notebook(text: str, trusted: bool | None = None) -> str:
    cell: dict = {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": text,
                  "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}
    if trusted is not None:
        cell["metadata"]["trusted"] = trusted
    return json.dumps({"cells": [cell, {"cell_type": "markdown", "source": "# hi"}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


class OpenSpy:
    """Records the real path of every descriptor ``os.open`` hands out while active."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.opened: list[str] = []
        real_open = os.open

        def spy(path, flags, mode=0o777, *, dir_fd=None):  # type: ignore[no-untyped-def]
            fd = real_open(path, flags, mode, dir_fd=dir_fd)
            self.opened.append(os.readlink(f"/proc/self/fd/{fd}"))
            return fd

        monkeypatch.setattr(os, "open", spy)

    def touched(self, outside: Path) -> list[str]:
        return [p for p in self.opened if p.startswith(str(outside))]


@pytest.fixture
def world(tmp_path: Path):
    """A home root with student 'lea' (~/notebooks with notebooks) and a 'root' area outside."""
    paths = ClassroomPaths().with_prefix(tmp_path / "host")
    home_root = paths.home_root
    nb = home_root / "lea" / "notebooks"
    (nb / "week1").mkdir(parents=True)
    (nb / ".ipynb_checkpoints").mkdir()
    (nb / "exercise1.ipynb").write_text(notebook("print('hello')"))
    (nb / "week1" / "mqtt.ipynb").write_text(notebook("x = 1"))
    (nb / ".ipynb_checkpoints" / "exercise1-checkpoint.ipynb").write_text(notebook("old"))
    (nb / "notes.txt").write_text("not a notebook")
    (home_root / "empty").mkdir()
    outside = tmp_path / "rootonly"
    outside.mkdir(mode=0o700)
    (outside / "shadow.ipynb").write_text(notebook(SECRET))
    os.chmod(outside / "shadow.ipynb", 0o600)
    (outside / "dir").mkdir()
    (outside / "dir" / "x.ipynb").write_text(notebook(SECRET))
    audit = AuditLog(paths.audit_log)
    viewer = StudentNotebooks(paths, FakeAccounts(home_root, ["lea", "empty", "ghost"]),
                              audit=audit)
    return viewer, nb, outside, audit


def test_list_names_sizes_times(world):
    viewer, nb, _outside, _ = world
    listing = viewer.list_notebooks("lea", actor="teach")
    assert [n.path for n in listing.notebooks] == ["exercise1.ipynb", "week1/mqtt.ipynb"]
    first = listing.notebooks[0]
    assert first.name == "exercise1.ipynb"
    assert first.size == (nb / "exercise1.ipynb").stat().st_size
    assert first.modified.endswith("+00:00")
    assert listing.truncated is False and listing.skipped == 0
    assert listing.to_json()["notebooks"][1]["path"] == "week1/mqtt.ipynb"


def test_read_marks_every_cell_untrusted_and_audits(world):
    viewer, nb, _outside, audit = world
    (nb / "signed.ipynb").write_text(notebook("print(1)", trusted=True))
    copy = viewer.read_notebook("lea", "signed.ipynb", actor="teach")
    cells = copy.notebook["cells"]
    assert [c["metadata"]["trusted"] for c in cells] == [False, False]
    assert cells[0]["outputs"][0]["text"] == "print(1)"
    assert copy.student == "lea" and copy.path == "signed.ipynb"
    entry = audit.entries()[-1]
    assert (entry["actor"], entry["action"], entry["target"], entry["outcome"]) == (
        "teach", "notebook.view", "lea:signed.ipynb", "ok")


def test_symlink_to_root_file_is_refused_and_nothing_read(world, monkeypatch):
    viewer, nb, outside, audit = world
    (nb / "x.ipynb").symlink_to(outside / "shadow.ipynb")
    spy = OpenSpy(monkeypatch)
    listing = viewer.list_notebooks("lea")
    assert "x.ipynb" not in [n.path for n in listing.notebooks] and listing.skipped == 1
    with pytest.raises(ClassroomError) as err:
        viewer.read_notebook("lea", "x.ipynb", actor="teach")
    assert err.value.status == 403 and err.value.code == "refused_path"
    assert "symlink" in err.value.message and SECRET not in err.value.message
    assert spy.opened and spy.touched(outside) == []
    assert audit.entries()[-1]["outcome"] == "refused"


def test_nested_symlinked_folder_is_refused(world, monkeypatch):
    viewer, nb, outside, _ = world
    (nb / "sub").symlink_to(outside / "dir")
    spy = OpenSpy(monkeypatch)
    assert "sub/x.ipynb" not in [n.path for n in viewer.list_notebooks("lea").notebooks]
    with pytest.raises(ClassroomError) as err:
        viewer.read_notebook("lea", "sub/x.ipynb")
    assert err.value.status == 403 and err.value.code == "refused_path"
    assert "symlink" in err.value.message
    assert spy.touched(outside) == []


def test_notebooks_folder_or_home_as_symlink_is_refused(world, monkeypatch):
    viewer, nb, outside, _ = world
    home = nb.parent
    os.rename(nb, home / "real-notebooks")
    (home / "notebooks").symlink_to(outside / "dir")
    spy = OpenSpy(monkeypatch)
    for attempt in (lambda: viewer.list_notebooks("lea"), lambda: viewer.read_notebook("lea", "x.ipynb")):
        with pytest.raises(ClassroomError) as err:
            attempt()
        assert err.value.status == 403
    assert spy.touched(outside) == []
    # the home itself swapped for a symlink (the home root is root's, but be strict anyway)
    (home.parent / "lea").rename(home.parent / "lea-real")
    (home.parent / "lea").symlink_to(outside)
    with pytest.raises(ClassroomError) as err:
        viewer.read_notebook("lea", "shadow.ipynb")
    assert err.value.status == 403
    assert spy.touched(outside) == []


def test_fifo_and_foreign_names_are_refused_without_blocking(world):
    viewer, nb, _outside, _ = world
    os.mkfifo(nb / "pipe.ipynb")
    assert "pipe.ipynb" not in [n.path for n in viewer.list_notebooks("lea").notebooks]
    with pytest.raises(ClassroomError) as err:
        viewer.read_notebook("lea", "pipe.ipynb")  # must not wait for a writer
    assert err.value.status == 403


@pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")
def test_file_owned_by_someone_else_is_refused(world):
    viewer, nb, _outside, _ = world
    os.chown(nb / "exercise1.ipynb", 4242, 4242)  # e.g. a hard link to another user's file
    assert "exercise1.ipynb" not in [n.path for n in viewer.list_notebooks("lea").notebooks]
    with pytest.raises(ClassroomError) as err:
        viewer.read_notebook("lea", "exercise1.ipynb")
    assert err.value.status == 403 and "not owned" in err.value.message


def test_size_cap(world):
    viewer, nb, _outside, _ = world
    small = StudentNotebooks(viewer.paths, viewer.accounts, max_bytes=100)
    (nb / "big.ipynb").write_text(notebook("y" * 500))
    with pytest.raises(ClassroomError) as err:
        small.read_notebook("lea", "big.ipynb")
    assert err.value.status == 413 and err.value.code == "too_large"
    assert viewer.read_notebook("lea", "big.ipynb").size > 500


@pytest.mark.parametrize("path", ["", "../lea/notebooks/exercise1.ipynb", "week1/../x.ipynb",
                                  "/etc/shadow.ipynb", "a//b.ipynb", "./x.ipynb", "notes.txt",
                                  "a\x00.ipynb", "a/b/c/d/e/f.ipynb", None])
def test_bad_paths_are_refused_before_anything_is_opened(world, monkeypatch, path):
    viewer, _nb, _outside, _ = world
    spy = OpenSpy(monkeypatch)
    with pytest.raises(ClassroomError) as err:
        viewer.read_notebook("lea", path)
    assert err.value.status == 400
    assert [p for p in spy.opened if not p.endswith("audit.log")] == []


def test_check_notebook_path_accepts_plain_paths():
    assert check_notebook_path("week 1/Übung 1.ipynb") == ["week 1", "Übung 1.ipynb"]


def test_unknown_and_system_accounts(world):
    viewer, _nb, _outside, _ = world
    with pytest.raises(NotFound):
        viewer.list_notebooks("nobody")
    with pytest.raises(ClassroomError) as err:
        viewer.list_notebooks("daemonish")
    assert err.value.code == "not_a_student"
    # a student without ~/notebooks has no notebooks; one without a home is not found
    assert viewer.list_notebooks("empty").notebooks == []
    with pytest.raises(NotFound):
        viewer.list_notebooks("ghost")
    with pytest.raises(NotFound):
        viewer.read_notebook("lea", "missing.ipynb")


def test_bad_json_is_reported(world):
    viewer, nb, _outside, _ = world
    (nb / "broken.ipynb").write_text("{not json")
    (nb / "list.ipynb").write_text("[1, 2]")
    for name in ("broken.ipynb", "list.ipynb"):
        with pytest.raises(ClassroomError) as err:
            viewer.read_notebook("lea", name)
        assert err.value.code == "bad_notebook"


def test_limits_cut_the_listing_short(world):
    viewer, nb, _outside, _ = world
    for i in range(5):
        (nb / f"n{i}.ipynb").write_text(notebook(str(i)))
    few = StudentNotebooks(viewer.paths, viewer.accounts, max_notebooks=3)
    listing = few.list_notebooks("lea")
    assert len(listing.notebooks) == 3 and listing.truncated
    deep = nb / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "deep.ipynb").write_text(notebook("d"))
    shallow = StudentNotebooks(viewer.paths, viewer.accounts, max_depth=1)
    listing = shallow.list_notebooks("lea")
    assert "a/b/deep.ipynb" not in [n.path for n in listing.notebooks] and listing.truncated
    assert "a/b/deep.ipynb" in [n.path for n in viewer.list_notebooks("lea").notebooks]
    scanned = StudentNotebooks(viewer.paths, viewer.accounts, max_scanned=2)
    assert scanned.list_notebooks("lea").truncated
