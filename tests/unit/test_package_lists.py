"""One package list for the installed host and the hubs we test on (issue 11).

The installer's venv gets ``installer/steps_python.py:VENV_REQUIREMENTS``; the dev venv, the
demo and the UI tests' hub get the ``hub`` extra of ``pyproject.toml``. When the two differed,
the German language pack was only in the ``hub`` extra: the German UI tests passed while a
freshly installed host had no German at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from jupyter_extension_companion.installer.steps_python import VENV_REQUIREMENTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _normal(requirements: list[str]) -> dict[str, str]:
    """{canonical name: specifier and markers} of each requirement."""
    out: dict[str, str] = {}
    for text in requirements:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name not in out, f"{req.name} is listed twice"
        out[name] = f"{req.specifier}{';' + str(req.marker) if req.marker else ''}"
    return out


def _extras() -> dict[str, list[str]]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return data["project"]["optional-dependencies"]


def test_hub_extra_is_the_installers_list() -> None:
    hub = _normal(_extras()["hub"])
    installer = _normal(VENV_REQUIREMENTS)
    assert hub == installer, (
        "pyproject.toml's `hub` extra and installer/steps_python.py VENV_REQUIREMENTS must "
        f"list the same packages: only in `hub`: {sorted(set(hub) - set(installer))}, only "
        f"in the installer: {sorted(set(installer) - set(hub))}, different versions: "
        f"{sorted(n for n in set(hub) & set(installer) if hub[n] != installer[n])}"
    )


def test_test_extra_adds_no_runtime_package() -> None:
    """The `test` extra (also in the UI tests' venv) repeats nothing of the host's list, so a
    package dropped from that list cannot hide behind it."""
    runtime = set(_normal(VENV_REQUIREMENTS))
    test = set(_normal(_extras()["test"]))
    assert not runtime & test, sorted(runtime & test)
