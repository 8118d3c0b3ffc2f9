"""Shared Python libraries: requirement checks and list/remove on a fake --target folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.pylibs import SharedPythonLibs, parse_requirement


@pytest.mark.parametrize(
    "req, expected",
    [
        ("paho-mqtt", ("paho-mqtt", None)),
        (" paho_mqtt==2.1.0 ", ("paho_mqtt", "2.1.0")),
        ("numpy==2.0.0rc1", ("numpy", "2.0.0rc1")),
    ],
)
def test_good_requirements(req, expected):
    assert parse_requirement(req) == expected


@pytest.mark.parametrize(
    "req",
    [
        "",
        "-r requirements.txt",
        "--index-url=http://evil/ x",
        "https://evil.example/x.whl",
        "git+https://x/y",
        "./local",
        "/tmp/x",
        "paho-mqtt>=2",
        "paho-mqtt[extra]",
        'paho-mqtt; python_version>"3"',
        "a b",
        "x==1 --pre",
        "x @ https://e/x.whl",
    ],
)
def test_bad_requirements(req):
    with pytest.raises(ClassroomError) as e:
        parse_requirement(req)
    assert e.value.code == "bad_requirement"


def fake_dist(folder: Path, name: str, version: str, files: list[str]) -> None:
    di = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    di.mkdir(parents=True)
    (di / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nbody\n"
    )
    rows = []
    for f in files:
        p = folder / f
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
        rows.append(f"{f},sha256=x,1")
    rows.append(f"{di.name}/METADATA,,")
    rows.append(f"{di.name}/RECORD,,")
    rows.append("../../outside.txt,,")  # hostile RECORD line: must be ignored
    (di / "RECORD").write_text("\n".join(rows) + "\n")


def test_list_and_remove(tmp_path):
    libs = SharedPythonLibs(ClassroomPaths().with_prefix(tmp_path))
    outside = libs.folder.parent.parent / "outside.txt"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text("keep me")
    fake_dist(libs.folder, "paho-mqtt", "2.1.0", ["paho/__init__.py", "paho/mqtt/client.py"])
    fake_dist(libs.folder, "other", "1.0", ["other.py"])
    assert [(p.name, p.version) for p in libs.list()] == [("other", "1.0"), ("paho-mqtt", "2.1.0")]
    ch = libs.remove("paho_mqtt")
    assert ch.changed and "2.1.0" in ch.message
    assert not (libs.folder / "paho").exists()
    assert (libs.folder / "other.py").exists() and outside.read_text() == "keep me"
    assert [p.name for p in libs.list()] == ["other"]
    with pytest.raises(NotFound):
        libs.remove("paho-mqtt")
    with pytest.raises(ClassroomError):
        libs.remove("../x")


def test_install_refuses_before_running_anything(tmp_path):
    libs = SharedPythonLibs(ClassroomPaths().with_prefix(tmp_path), python=tmp_path / "no-python")
    with pytest.raises(ClassroomError):
        libs.install("-e .")
    assert not libs.folder.exists()


def test_german_strings_cover_the_sections():
    """Every UI string of the Libraries and Kernels sections has a German translation."""
    import json
    import re

    root = Path(__file__).resolve().parents[2]
    de = json.loads((root / "i18n/de/libs.json").read_text(encoding="utf-8"))
    files = [
        "src/components/JarsView.tsx",
        "src/components/KernelList.tsx",
        "src/components/KernelTestResult.tsx",
        "src/components/PythonLibsView.tsx",
        "src/widgets/LibrariesPanel.tsx",
        "src/widgets/KernelsPanel.tsx",
        "src/widgets/EnvEditor.ts",
    ]
    ids = set()
    for f in files:
        text = (root / f).read_text(encoding="utf-8")
        ids |= set(re.findall(r"trans\.__\(\s*'((?:[^'\\]|\\.)*)'", text))
    assert ids and not ids - set(de), sorted(ids - set(de))
    assert all(v.strip() for v in de.values())
