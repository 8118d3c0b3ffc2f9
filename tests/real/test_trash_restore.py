"""Nothing is lost: a removed Python library and a removed kernel come back from the trash, with
the ``classroom`` command (a real process, as root) and with the service API, and work again
(Kernel Test of the restored kernel imports the restored library as an unprivileged user)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.kernels import KernelCatalog
from jupyter_extension_companion.provision.pylibs import SharedPythonLibs
from tests.unit.service_harness import running_service

pytestmark = [pytest.mark.real, pytest.mark.slow]


@pytest.fixture
def host() -> Iterator[ClassroomPaths]:
    """A scratch host readable by everyone (Kernel Test runs unprivileged) whose venv is a thin
    venv over the dev venv's packages; the python kernel and paho-mqtt installed."""
    tmp = Path(tempfile.mkdtemp(prefix="classroom-trash-", dir="/var/tmp"))
    os.chmod(tmp, 0o755)
    try:
        paths = ClassroomPaths().with_prefix(tmp)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(paths.venv)],
                       check=True)
        site = next(paths.venv.glob("lib/python3*/site-packages"))
        (site / "dev-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        assert KernelCatalog(paths).install_python().changed
        SharedPythonLibs(paths).install("paho-mqtt==2.1.0")
        yield paths
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def classroom(paths: ClassroomPaths, *argv: str) -> str:
    prefix = str(paths.state).split("/var/lib/")[0]
    r = subprocess.run(
        [sys.executable, "-m", "jupyter_extension_companion.cli", "--prefix", prefix, *argv],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "SUDO_USER": "mrs-trash"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


def ours(paths: ClassroomPaths) -> list[str]:
    """Kernelspecs in the host's own kernel folder (the system ones stay whatever they are)."""
    return [k.name for k in KernelCatalog(paths).list() if k.location.startswith(str(paths.kernels))]


def assert_works(paths: ClassroomPaths) -> None:
    assert ours(paths) == ["python3"]
    assert [(p.name, p.version) for p in SharedPythonLibs(paths).list()] == [("paho-mqtt", "2.1.0")]
    result = KernelCatalog(paths).test("python3")
    assert result.ok and result.output == "paho-mqtt 2.1.0", result.error


async def test_restore_with_the_cli_and_the_service(host: ClassroomPaths):
    paths = host
    assert_works(paths)

    # the classroom command
    classroom(paths, "pylibs", "remove", "paho-mqtt")
    classroom(paths, "kernels", "remove", "python3")
    assert ours(paths) == [] and SharedPythonLibs(paths).list() == []
    listed = json.loads(classroom(paths, "trash", "list", "--json"))
    assert [e["name"] for e in listed["pylibs"]] == ["paho-mqtt"]
    assert [e["name"] for e in listed["kernels"]] == ["python3"]
    assert "paho-mqtt" in classroom(paths, "pylibs", "restore", "paho-mqtt")
    assert "python3: restored" in classroom(paths, "trash", "restore", "kernels", "python3")
    assert_works(paths)

    # the service API
    async with running_service(paths) as (_ctx, call):
        assert (await call("DELETE", "/api/v1/pylibs/paho-mqtt"))[0] == 200
        assert (await call("DELETE", "/api/v1/kernels/python3"))[0] == 200
        code, body = await call("GET", "/api/v1/trash")
        assert code == 200 and [e["name"] for e in body["kernels"]] == ["python3"]
        assert (await call("GET", "/api/v1/pylibs"))[1]["trash"] == ["paho-mqtt"]
        code, body = await call("POST", "/api/v1/pylibs/paho-mqtt/restore")
        assert code == 200 and body["changed"], body
        code, body = await call("POST", "/api/v1/kernels/python3/restore")
        assert code == 200 and body["changed"], body
        code, body = await call("POST", "/api/v1/trash/kernels/python3/restore")
        assert code == 200 and not body["changed"]  # already back: nothing to change
    assert_works(paths)

    lines = [json.loads(x) for x in paths.audit_log.read_text().splitlines()]
    seen = [(x["actor"], x["action"], x["outcome"]) for x in lines if x["action"].endswith(
        ("remove", "restore"))]
    assert seen == [
        ("mrs-trash (cli)", "pylib.remove", "ok"), ("mrs-trash (cli)", "kernel.remove", "ok"),
        ("mrs-trash (cli)", "pylib.restore", "ok"), ("mrs-trash (cli)", "kernel.restore", "ok"),
        ("teach", "pylib.remove", "ok"), ("teach", "kernel.remove", "ok"),
        ("teach", "pylib.restore", "ok"), ("teach", "kernel.restore", "ok"),
        ("teach", "kernel.restore", "nothing-to-change"),
    ]
