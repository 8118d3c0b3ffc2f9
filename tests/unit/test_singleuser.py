"""classroom-singleuser: the students' servers start without the hub's database modules
(issue 14, about 40 MB per student) and still load them if something reads them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.hubconfig import HubSettings, render_hub_config

#: what the server would otherwise import and never use
LEFT_OUT = ("sqlalchemy", "alembic", "mako", "cryptography", "lark")
SERVER_IMPORTS = ("import jupyterhub.singleuser, jupyter_server.serverapp, jupyterlab.labapp, "
                  "jupyter_events, nbformat")


def _loaded(stand_ins: bool) -> list[str]:
    code = (
        "import sys, types\n"
        + ("from jupyter_extension_companion.singleuser import install_stand_ins\n"
           "install_stand_ins()\n" if stand_ins else "")
        + SERVER_IMPORTS + "\n"
        f"print(' '.join(m for m in {LEFT_OUT!r} if type(sys.modules.get(m)) is types.ModuleType))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    return out.stdout.split()


def test_the_server_starts_without_the_hubs_database_modules() -> None:
    assert _loaded(stand_ins=False)  # jupyterhub-singleuser loads them (the test can fail)
    assert _loaded(stand_ins=True) == []


def test_reading_a_stand_in_loads_the_real_modules() -> None:
    code = (
        "from jupyter_extension_companion.singleuser import install_stand_ins\n"
        "install_stand_ins()\n"
        + SERVER_IMPORTS + "\n"
        "import jupyterhub.orm, jupyterhub.scopes, sqlalchemy\n"
        "assert jupyterhub.orm.User.__module__ == 'jupyterhub.orm'\n"
        "assert jupyterhub.scopes.sa.Column.__module__.startswith('sqlalchemy.')\n"
        "import sys; assert sys.modules['sqlalchemy'].__file__\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


def test_the_hub_starts_the_students_servers_with_it(tmp_path: Path) -> None:
    config = render_hub_config(HubSettings(paths=ClassroomPaths().with_prefix(tmp_path),
                                           venv=tmp_path / "venv"))
    assert f"c.Spawner.cmd = [{str(tmp_path / 'venv' / 'bin' / 'classroom-singleuser')!r}]" in config
