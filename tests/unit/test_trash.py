"""One trash with restore for jars, Python libraries and kernels (provision/trash.py)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from jupyter_extension_companion.cli.main import main
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import trash
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.kernels import KernelCatalog
from jupyter_extension_companion.provision.pylibs import SharedPythonLibs
from jupyter_extension_companion.provision.trash import Trash

from .test_pylibs import fake_dist


@pytest.fixture
def paths(tmp_path: Path) -> ClassroomPaths:
    return ClassroomPaths().with_prefix(tmp_path)


def kernelspec(paths: ClassroomPaths, name: str) -> Path:
    folder = paths.kernels / name
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(
        {"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": name, "language": "python"}))
    (folder / "logo-64x64.png").write_bytes(b"png")
    return folder


def audit(paths: ClassroomPaths) -> list[tuple[str, str, str]]:
    lines = [json.loads(x) for x in paths.audit_log.read_text().splitlines()]
    return [(x["action"], x["target"], x["outcome"]) for x in lines]


def test_put_take_and_older_copies(paths, tmp_path):
    t = Trash(paths, "jars")
    for text in ("one", "two"):
        f = tmp_path / "a.jar"
        f.write_text(text)
        t.put("a.jar", f)
    assert t.names() == ["a.jar"] and "a.jar" in t
    assert len(list(t.folder.iterdir())) == 2  # the older one is kept as *.old
    assert stat.S_IMODE(os.stat(t.folder).st_mode) == 0o700
    dest = tmp_path / "back" / "a.jar"
    t.take("a.jar", dest)
    assert dest.read_text() == "two" and t.names() == []
    with pytest.raises(NotFound):
        t.take("a.jar", dest)
    (tmp_path / "c.jar").write_text("c")
    t.put("c.jar", tmp_path / "c.jar")
    (tmp_path / "c.jar").write_text("new")
    with pytest.raises(ClassroomError) as e:
        t.take("c.jar", tmp_path / "c.jar")  # something of that name is back: refused
    assert e.value.status == 409 and (tmp_path / "c.jar").read_text() == "new"


@pytest.mark.parametrize("name", ["../x", "", "a/b", ".hidden", "x.20260101.old"])
def test_bad_names_are_refused(paths, name):
    with pytest.raises(ClassroomError):
        Trash(paths, "kernels").take(name, paths.kernels / "x")


def test_unknown_kind_is_refused(paths):
    with pytest.raises(ClassroomError, match="jars, pylibs, kernels"):
        Trash(paths, "homes")


def test_python_library_remove_and_restore(paths):
    libs = SharedPythonLibs(paths, actor="teach")
    fake_dist(libs.folder, "paho-mqtt", "2.1.0", ["paho/__init__.py", "paho/mqtt/client.py"])
    before = sorted(str(p.relative_to(libs.folder)) for p in libs.folder.rglob("*"))
    ch = libs.remove("paho_mqtt")
    assert ch.changed and libs.list() == [] and libs.trashed() == ["paho-mqtt"]
    assert not (libs.folder / "paho").exists()
    ch = libs.restore("paho-mqtt")
    assert ch.changed and [(p.name, p.version) for p in libs.list()] == [("paho-mqtt", "2.1.0")]
    assert sorted(str(p.relative_to(libs.folder)) for p in libs.folder.rglob("*")) == before
    assert libs.trashed() == [] and not libs.restore("paho-mqtt").changed
    with pytest.raises(NotFound):
        libs.restore("numpy")
    assert audit(paths) == [("pylib.remove", "paho_mqtt", "ok"),
                            ("pylib.restore", "paho-mqtt", "ok"),
                            ("pylib.restore", "paho-mqtt", "nothing-to-change"),
                            ("pylib.restore", "numpy", "refused")]


def test_restore_refuses_when_a_file_is_back(paths):
    libs = SharedPythonLibs(paths)
    fake_dist(libs.folder, "other", "1.0", ["other.py"])
    libs.remove("other")
    (libs.folder / "other.py").write_text("a newer one")
    with pytest.raises(ClassroomError) as e:
        libs.restore("other")
    assert e.value.code == "exists" and (libs.folder / "other.py").read_text() == "a newer one"
    assert libs.trashed() == ["other"]  # nothing moved


def test_kernel_remove_and_restore(paths):
    catalog = KernelCatalog(paths, system_dirs=[], actor="teach")
    folder = kernelspec(paths, "py-extra")
    spec = (folder / "kernel.json").read_text()
    catalog.remove("py-extra")
    assert [k.name for k in catalog.list()] == [] and catalog.trashed() == ["py-extra"]
    ch = catalog.restore("py-extra")
    assert ch.changed and [k.name for k in catalog.list()] == ["py-extra"]
    assert (folder / "kernel.json").read_text() == spec and (folder / "logo-64x64.png").exists()
    assert not catalog.restore("py-extra").changed
    with pytest.raises(NotFound):
        catalog.restore("nope")


def test_cli_trash_list_and_restore(paths, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("os.geteuid", lambda: 0)
    prefix = ["--prefix", str(tmp_path)]
    libs = SharedPythonLibs(paths)
    fake_dist(libs.folder, "other", "1.0", ["other.py"])
    kernelspec(paths, "extra")
    assert main([*prefix, "pylibs", "remove", "other"]) == 0
    assert main([*prefix, "kernels", "remove", "extra"]) == 0
    capsys.readouterr()
    assert main([*prefix, "trash", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["name"] for e in listed["pylibs"]] == ["other"]
    assert [e["name"] for e in listed["kernels"]] == ["extra"] and listed["jars"] == []
    assert main([*prefix, "pylibs", "list"]) == 0
    assert "classroom pylibs restore NAME): other" in capsys.readouterr().out
    assert main([*prefix, "trash", "restore", "pylibs", "other"]) == 0
    assert main([*prefix, "kernels", "restore", "extra"]) == 0
    assert main([*prefix, "trash", "restore", "kernels", "extra"]) == 0  # nothing to change
    assert main([*prefix, "trash", "restore", "pylibs", "../etc"]) == 1
    assert [p.name for p in libs.list()] == ["other"]
    assert trash.everything(paths) == {"jars": [], "pylibs": [], "kernels": []}
    assert audit(paths)[-1] == ("pylib.restore", "../etc", "refused")
