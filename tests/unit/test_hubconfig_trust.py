"""The hub config's trust boundaries (issue 8): user config off, server token scopes, subdomains."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import PyFileConfigLoader

from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.hubconfig import (
    HubSettings,
    normalize_subdomain_host,
    write_hub_config,
)


def load(tmp_path: Path, **kw):  # type: ignore[no-untyped-def]
    s = HubSettings(paths=ClassroomPaths().with_prefix(tmp_path), admin_users=["teacher"], **kw)
    write_hub_config(s)
    path = s.paths.hub_config
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def test_defaults_close_user_config_and_scope_the_server_tokens(tmp_path: Path) -> None:
    cfg = load(tmp_path)
    assert cfg.Spawner.disable_user_config is True
    assert cfg.Spawner.server_token_scopes == [
        "access:servers!server", "users:activity!user", "access:services!service=classroom"]
    assert "subdomain_host" not in cfg.JupyterHub
    assert "cookie_host_prefix_enabled" not in cfg.JupyterHub


def test_subdomains_https_with_host_prefix_cookies(tmp_path: Path) -> None:
    cfg = load(tmp_path, subdomain_host="Hub.School.example:8443")
    assert cfg.JupyterHub.subdomain_host == "https://hub.school.example:8443"
    assert cfg.JupyterHub.cookie_host_prefix_enabled is True


def test_subdomains_plain_http_only_when_written_out(tmp_path: Path) -> None:
    cfg = load(tmp_path, subdomain_host="http://localhost:8000")
    assert cfg.JupyterHub.subdomain_host == "http://localhost:8000"
    # __Host- cookies need https: not set for plain http
    assert "cookie_host_prefix_enabled" not in cfg.JupyterHub


@pytest.mark.parametrize("bad", ["ftp://hub.example", "https://hub.example/path", "hub..example",
                                 "https://user@hub.example", "hub.example:99999", "-hub.example",
                                 "hub example", "https://hub.example?x=1", "hüb.example"])
def test_bad_subdomain_hosts_are_refused(bad: str) -> None:
    with pytest.raises(ClassroomError) as err:
        normalize_subdomain_host(bad)
    assert err.value.code == "invalid_subdomain_host" and "wildcard DNS" in err.value.message


def test_installer_option(tmp_path: Path) -> None:
    o = parse_options(["--prefix", str(tmp_path), "--admin", "t",
                       "--subdomain-host", "hub.school.example"])
    assert o.subdomain_host == "https://hub.school.example"
    assert parse_options(["--prefix", str(tmp_path), "--admin", "t"]).subdomain_host == ""
    with pytest.raises(ClassroomError):
        parse_options(["--admin", "t", "--subdomain-host", "https://hub.example/jupyter"])


def test_hub_access_file_names_the_service_host(tmp_path: Path) -> None:
    import json

    s = HubSettings(paths=ClassroomPaths().with_prefix(tmp_path),
                    subdomain_host="https://hub.school.example")
    write_hub_config(s)
    access = json.loads(s.paths.hub_access.read_text())
    assert access["service_host"] == "classroom--service.hub.school.example"
    plain = HubSettings(paths=ClassroomPaths().with_prefix(tmp_path / "b"))
    write_hub_config(plain)
    assert json.loads(plain.paths.hub_access.read_text())["service_host"] == ""
