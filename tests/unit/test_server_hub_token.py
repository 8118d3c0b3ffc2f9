"""The server extension keeps the hub token from kernels and terminals (issue 8, item 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest
from traitlets import Any as TraitAny
from traitlets import HasTraits

from jupyter_extension_companion.server import hub_token, routes


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "teach")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret-token")
    monkeypatch.setenv("JPY_API_TOKEN", "secret-token")
    monkeypatch.setattr(hub_token, "_token", None)
    dumpable: list[bool] = []
    monkeypatch.setattr(hub_token, "_not_dumpable", lambda: dumpable.append(False) or True)
    yield dumpable
    os.environ.pop("JUPYTERHUB_API_TOKEN", None)
    os.environ.pop("JPY_API_TOKEN", None)


class _Owner(HasTraits):
    hub_auth = TraitAny()


def test_token_leaves_the_environment_but_the_forwarder_keeps_it(hub_env) -> None:
    # JupyterHub's two HubOAuth objects: the identity provider's and the single-user app's own
    # (activity reports); both read the variable lazily
    login, activity = types.SimpleNamespace(api_token=""), types.SimpleNamespace(api_token="")
    app = types.SimpleNamespace(identity_provider=_Owner(hub_auth=login),
                                starter_app=_Owner(hub_auth=activity))
    assert hub_token.hide_from_children(app) is True
    assert "JUPYTERHUB_API_TOKEN" not in os.environ and "JPY_API_TOKEN" not in os.environ
    assert login.api_token == activity.api_token == "secret-token"
    assert hub_token.server_token() == "secret-token"
    assert routes.hub_env() == {"user": "teach", "token": "secret-token", "service_url": ""}
    assert hub_env == [False]  # the server was made not dumpable
    child = subprocess.run([sys.executable, "-c", "import os; print(sorted(os.environ))"],
                           capture_output=True, text=True, check=True).stdout
    assert "JUPYTERHUB_API_TOKEN" not in child and "JUPYTERHUB_USER" in child


def test_nothing_to_hide_outside_a_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "x")
    assert hub_token.hide_from_children(types.SimpleNamespace()) is False
    assert os.environ["JUPYTERHUB_API_TOKEN"] == "x"
