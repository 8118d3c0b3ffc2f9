"""Shared Python libraries for real: pip install --target from PyPI, list, import, remove."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.pylibs import SharedPythonLibs

pytestmark = [pytest.mark.real]


def test_install_list_import_remove(tmp_path):
    libs = SharedPythonLibs(ClassroomPaths().with_prefix(tmp_path), python=sys.executable)
    seen = []
    ch = libs.install("paho-mqtt==2.1.0", progress=lambda m, f: seen.append(m))
    assert ch.changed and seen
    assert [(p.name, p.version) for p in libs.list()] == [("paho-mqtt", "2.1.0")]
    assert not libs.install("paho-mqtt==2.1.0").changed
    # a student's python (no venv packages: -S -E) imports it from the shared folder
    out = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import paho.mqtt; print(paho.mqtt.__version__, paho.mqtt.__file__)",
            str(libs.folder),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0] == "2.1.0" and out[1].startswith(str(libs.folder))
    mode = os.stat(libs.folder / "paho" / "mqtt" / "client.py").st_mode
    assert mode & 0o004  # readable by everyone
    libs.remove("paho-mqtt")
    assert libs.list() == [] and not (libs.folder / "paho").exists()


def test_unknown_package_fails_cleanly(tmp_path):
    libs = SharedPythonLibs(ClassroomPaths().with_prefix(tmp_path), python=sys.executable)
    with pytest.raises(ClassroomError) as e:
        libs.install("this-package-does-not-exist-classroom-xyz==1.0")
    assert e.value.code == "command_failed"
    assert libs.list() == []
    assert not libs.folder.exists() or list(libs.folder.iterdir()) == []
