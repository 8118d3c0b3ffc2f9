"""The wheel alone gives a working extension on a host without Node.js."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.real, pytest.mark.slow]


def _run(argv: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "jupyter_extension_companion/labextension/static/style.js").exists():
        pytest.fail("build the lab extension first: npm run build:prod")
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(ROOT)])
    (whl,) = out.glob("jupyterlab_classroom-*.whl")
    return whl


def test_wheel_ships_prebuilt_extension_and_server_config(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    data = [n for n in names if ".data/data/" in n]
    assert any(n.endswith("share/jupyter/labextensions/jupyterlab-classroom/package.json") for n in data)
    assert any(n.endswith("share/jupyter/labextensions/jupyterlab-classroom/install.json") for n in data)
    assert any(
        n.endswith("etc/jupyter/jupyter_server_config.d/jupyter_extension_companion.json")
        for n in data
    )
    assert any("labextensions/jupyterlab-classroom/static/remoteEntry." in n for n in data)
    assert any(n.endswith("schemas/jupyterlab-classroom/mqtt.json") for n in data)


def test_wheel_installs_without_node(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    # Only the venv on PATH: no node or npm reachable, as on a host without Node.js.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = str(venv / "bin")
    pip = str(venv / "bin" / "pip")
    _run([pip, "install", "-q", str(wheel), "jupyterlab>=4.6,<4.7"], env=env)
    jupyter = str(venv / "bin" / "jupyter")
    labext = subprocess.run(
        [jupyter, "labextension", "list"], env=env, text=True, capture_output=True
    )
    listing = labext.stdout + labext.stderr
    assert "jupyterlab-classroom" in listing and "enabled" in listing and "OK" in listing, listing
    srvext = subprocess.run(
        [jupyter, "server", "extension", "list"], env=env, text=True, capture_output=True
    )
    listing = srvext.stdout + srvext.stderr
    assert "jupyter_extension_companion" in listing and "enabled" in listing, listing
    assert "OK" in listing.split("jupyter_extension_companion", 1)[1][:200], listing
