"""The generated hub config: renders, compiles, loads with traitlets, keeps its token."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from traitlets.config import Config, PyFileConfigLoader

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.hubconfig import (
    HubSettings,
    render_hub_config,
    write_hub_config,
)


def settings(tmp_path: Path, **kw) -> HubSettings:
    paths = ClassroomPaths().with_prefix(tmp_path)
    return HubSettings(paths=paths, admin_users=["teacher"], **kw)


def load(path: Path) -> Config:
    loader = PyFileConfigLoader(path.name, path=str(path.parent))
    return loader.load_config()


def test_written_config_loads_with_traitlets(tmp_path):
    s = settings(tmp_path, bind_url="http://127.0.0.1:8123", service_port=10999)
    assert write_hub_config(s) is True
    extra = s.paths.hub_config_d / "50-local.py"
    extra.write_text("c.JupyterHub.log_level = 'DEBUG'\nc.Spawner.default_url = '/tree'\n")
    cfg = load(s.paths.hub_config)
    assert cfg.JupyterHub.authenticator_class == (
        "jupyter_extension_companion.hub_auth.ClassroomAuthenticator")
    assert cfg.ClassroomAuthenticator.lab_overrides == str(s.paths.lab_settings_overrides)
    assert cfg.JupyterHub.spawner_class == "jupyter_extension_companion.hub_spawner.VerifiedSpawner"
    assert cfg.Authenticator.admin_users == {"teacher"}
    assert cfg.Authenticator.allow_existing_users is True
    assert cfg.Spawner.notebook_dir == "~/notebooks"
    assert cfg.Spawner.default_url == "/tree"  # the local addition wins
    assert cfg.JupyterHub.log_level == "DEBUG"
    env = cfg.Spawner.environment
    assert env["PYTHONPATH"] == str(s.paths.python_libs)
    assert env["R_LIBS_SITE"] == f"{s.paths.r_libs}:%S"
    assert env["CLASSROOM_SERVICE_URL"] == "http://127.0.0.1:10999/services/classroom/"
    assert "CLASSPATH" not in env
    service, culler = cfg.JupyterHub.services
    assert culler["name"] == "idle-culler"
    access = json.loads(s.paths.hub_access.read_text())
    assert service["name"] == "classroom" and service["api_token"] == access["token"]
    assert service["url"] == "http://127.0.0.1:10999"
    assert service["command"][1:] == ["-m", "jupyter_extension_companion.service"]
    assert service["environment"]["CLASSROOM_STATE"] == str(s.paths.state)
    roles = cfg.JupyterHub.load_roles
    admin = [r for r in roles if r["name"] == "admin"]
    assert admin == [{"name": "admin", "services": ["classroom"]}]  # no 'users': admins kept
    assert callable(cfg.Spawner.pre_spawn_hook)
    assert access["api_url"] == "http://127.0.0.1:881/hub/api"  # privileged: root only
    assert access["hub_url"] == "http://127.0.0.1:8123"


def test_hub_access_is_root_only_and_token_is_kept(tmp_path):
    s = settings(tmp_path)
    write_hub_config(s)
    mode = stat.S_IMODE(s.paths.hub_access.stat().st_mode)
    assert mode == 0o600
    token = json.loads(s.paths.hub_access.read_text())["token"]
    assert len(token) >= 32
    assert write_hub_config(s) is False  # second run: nothing to change
    assert json.loads(s.paths.hub_access.read_text())["token"] == token


def test_render_does_not_depend_on_the_string_hash(tmp_path):
    import subprocess
    import sys

    code = ("from pathlib import Path; from jupyter_extension_companion.paths import "
            "ClassroomPaths; from jupyter_extension_companion.provision.hubconfig import "
            "HubSettings, render_hub_config; print(render_hub_config(HubSettings(paths="
            f"ClassroomPaths().with_prefix(Path({str(tmp_path)!r})), admin_users=['b', 'a', "
            "'c', 'd'], allowed_users=['x', 'y', 'z'])))")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={"PYTHONHASHSEED": str(seed)}).stdout
               for seed in (1, 2, 3)}
    assert len(outputs) == 1
    assert "admin_users = {'a', 'b', 'c', 'd'}" in outputs.pop()


def test_render_is_pure_and_has_no_secret(tmp_path):
    s = settings(tmp_path)
    assert render_hub_config(s) == render_hub_config(s)
    write_hub_config(s)
    token = json.loads(s.paths.hub_access.read_text())["token"]
    assert token not in s.paths.hub_config.read_text()
    compile(render_hub_config(s), "jupyterhub_config.py", "exec")


@pytest.mark.parametrize("kw", [
    {"spawner_env": {"CLASSPATH": "/opt/jupyterhub-libs/java/*"}},
    {"spawner_env": {"BAD-NAME": "x"}},
    {"admin_users": ["x'); import os; os.system('id') #"]},
    {"bind_url": "ftp://x"},
    {"service_port": 70000},
])
def test_bad_settings_are_refused_before_writing(tmp_path, kw):
    s = settings(tmp_path, **kw) if "admin_users" not in kw else HubSettings(
        paths=ClassroomPaths().with_prefix(tmp_path), **kw)
    with pytest.raises(ClassroomError):
        write_hub_config(s)
    assert not s.paths.hub_config.exists() and not s.paths.hub_access.exists()
