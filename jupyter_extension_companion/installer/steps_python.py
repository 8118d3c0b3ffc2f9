"""Installer steps for Python: the venv, its packages, and the shared Python folder."""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ..provision.audit import INSTALLER
from ..provision.commands import run as probe_run
from ..provision.errors import ClassroomError
from ..provision.lab_overrides import (
    NOTIFICATION_PLUGIN,
    TRANSLATION_PLUGIN,
    missing_defaults,
    read_overrides,
    school_defaults,
    update_overrides,
)
from .engine import Context, Step
from .options import DEFAULT_PACKAGE
from .state import load_state, sha256_file, tree_fingerprint, update_state
from .wheelbuild import WheelBuild

PACKAGE_NAME = "jupyterlab-classroom"
VENV_REQUIREMENTS = [
    "jupyterhub>=5.2,<6",
    "jupyterlab>=4.6,<4.7",
    "ipykernel",
    "jjava==1.0a8",
    "jupyterhub-idle-culler>=1.4",
    "paho-mqtt>=2,<3",
    # German for every user (Settings -> Language; `--language de` makes it the default)
    "jupyterlab-language-pack-de-DE",
]
SHARED_PYTHON_REQUIREMENTS = ["paho-mqtt>=2,<3"]

_LIST_DISTS = (
    "import json, sys\n"
    "from importlib import metadata\n"
    "paths = sys.argv[1:] or None\n"
    "dists = metadata.distributions(path=paths) if paths else metadata.distributions()\n"
    "print(json.dumps({d.metadata['Name']: d.version for d in dists if d.metadata['Name']}))\n"
)


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def venv_works(venv: Path) -> bool:
    py = venv_python(venv)
    if not py.exists():
        return False
    return probe_run([str(py), "-c", "import sys"], check=False).returncode == 0


def installed_distributions(python: Path, search_path: Path | None = None) -> dict[str, str]:
    """{canonical name: version} of what ``python`` sees (or what lies in ``search_path``)."""
    argv = [str(python), "-c", _LIST_DISTS]
    if search_path is not None:
        argv.append(str(search_path))
    proc = probe_run(argv, check=False)
    if proc.returncode != 0:
        return {}
    try:
        raw = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}
    return {canonicalize_name(k): v for k, v in raw.items()}


def unsatisfied(requirements: list[str], installed: dict[str, str]) -> list[str]:
    """The requirements that ``installed`` does not meet (pre-releases count when pinned)."""
    out = []
    for spec in requirements:
        req = Requirement(spec)
        version = installed.get(canonicalize_name(req.name))
        if version is None or not req.specifier.contains(version, prereleases=True):
            out.append(spec)
    return out


def package_fingerprint(source: str) -> str:
    """What identifies the package source: the wheel's hash, the tree's hash, or the spec."""
    path = Path(source)
    if source.startswith("/") and path.is_file():
        return "wheel:" + sha256_file(path)
    if source.startswith("/") and path.is_dir():
        return "tree:" + tree_fingerprint(path)
    return "spec:" + source


def pip_base(ctx: Context) -> list[str]:
    argv = [str(venv_python(ctx.paths.venv)), "-m", "pip", "--disable-pip-version-check"]
    return argv


def pip_install_args(ctx: Context) -> list[str]:
    args = ["install", "--no-input", "--timeout", "30"]
    if ctx.options.pip_index_url:
        args += ["--index-url", ctx.options.pip_index_url, "--retries", "1"]
    return args


@dataclass
class VenvStep(Step):
    """The Python venv that runs the hub, the service and everyone's server."""

    title: str = "Python venv"

    def plan(self, ctx: Context) -> list[str]:
        venv = ctx.paths.venv
        if venv_works(venv):
            return []
        if venv.exists():
            return [f"repair the venv {venv} (its python does not run)"]
        return [f"create the venv {venv}"]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        python = ctx.options.python
        if not Path(python).exists():
            raise ClassroomError(f"{python} not found: install python3 (apt) or pass --python")
        venv = ctx.paths.venv
        venv.parent.mkdir(parents=True, exist_ok=True)
        argv = [str(python), "-m", "venv"]
        if venv.exists():
            argv.append("--upgrade")
        ctx.run([*argv, str(venv)], timeout=600)
        update_state(ctx.paths, venv_created=load_state(ctx.paths).get("venv_created", True))
        return f"created {venv}"


@dataclass
class PackagesStep(Step):
    """JupyterHub, JupyterLab, this package, ipykernel, JJava and paho-mqtt in the venv."""

    title: str = "Python packages in the venv"

    def _needs(self, ctx: Context) -> tuple[list[str], bool, bool]:
        """(unsatisfied requirements, package missing, package changed)."""
        if not venv_works(ctx.paths.venv):
            return list(VENV_REQUIREMENTS), True, True
        installed = installed_distributions(venv_python(ctx.paths.venv))
        missing = unsatisfied(VENV_REQUIREMENTS, installed)
        pkg_missing = canonicalize_name(PACKAGE_NAME) not in installed
        recorded = load_state(ctx.paths).get("package", {})
        source = ctx.options.package
        if source == DEFAULT_PACKAGE:
            changed = False  # a release from the index: installed is enough; upgrades are explicit
        else:
            changed = recorded.get("fingerprint") != package_fingerprint(source)
        return missing, pkg_missing, changed and not pkg_missing

    def plan(self, ctx: Context) -> list[str]:
        missing, pkg_missing, changed = self._needs(ctx)
        changes = [f"pip install {spec}" for spec in missing]
        building = Path(ctx.options.package).is_dir() and (pkg_missing or changed)
        if building:
            changes.append(f"build the wheel of {ctx.options.package} (Node.js from PyPI, "
                           "in a throwaway folder)")
        if pkg_missing:
            changes.append(f"pip install {ctx.options.package}")
        elif changed:
            changes.append(f"reinstall jupyterlab-classroom from {ctx.options.package}")
        return changes

    def apply(self, ctx: Context, changes: list[str]) -> str:
        missing, pkg_missing, changed = self._needs(ctx)
        source = ctx.options.package
        with ExitStack() as cleanup:
            install_from = source
            if (pkg_missing or changed) and Path(source).is_dir():
                # A checkout: its wheel is built with Node.js from PyPI in a throwaway folder
                # (never the host's Node.js, which is too old on Debian 12 / Ubuntu 24.04).
                build = cleanup.enter_context(WheelBuild(
                    Path(source), ctx.options.python, ctx.run,
                    pip_args=pip_install_args(ctx)[1:], progress=ctx.progress,
                ))
                install_from = str(build.build())
                ctx.log(f"built {install_from}")
            todo = list(missing) + ([install_from] if pkg_missing else [])
            if todo:
                ctx.progress(f"pip install {len(todo)} requirement(s)", 0.1)
                ctx.run([*pip_base(ctx), *pip_install_args(ctx), *todo], timeout=3600)
            if changed:
                ctx.progress("reinstalling jupyterlab-classroom", 0.8)
                ctx.run(
                    [*pip_base(ctx), *pip_install_args(ctx), "--force-reinstall", "--no-deps",
                     install_from],
                    timeout=1800,
                )
        update_state(
            ctx.paths, package={"source": source, "fingerprint": package_fingerprint(source)}
        )
        installed = installed_distributions(venv_python(ctx.paths.venv))
        still = unsatisfied(VENV_REQUIREMENTS, installed)
        if still:
            raise ClassroomError("pip finished but these are still not satisfied: " + ", ".join(still))
        return f"{len(todo) + (1 if changed else 0)} installed"


@dataclass
class SharedPythonStep(Step):
    """paho-mqtt in the shared Python folder, as the guide does (on every student's PYTHONPATH)."""

    title: str = "Shared Python libraries"

    def _missing(self, ctx: Context) -> list[str]:
        target = ctx.paths.python_libs
        if not target.is_dir() or not venv_works(ctx.paths.venv):
            return list(SHARED_PYTHON_REQUIREMENTS)
        installed = installed_distributions(venv_python(ctx.paths.venv), target)
        return unsatisfied(SHARED_PYTHON_REQUIREMENTS, installed)

    def plan(self, ctx: Context) -> list[str]:
        return [f"pip install --target {ctx.paths.python_libs} {s}" for s in self._missing(ctx)]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        from ..provision.pylibs import SharedPythonLibs

        libs = SharedPythonLibs(ctx.paths, actor=INSTALLER)
        for spec in self._missing(ctx):
            name = Requirement(spec).name
            libs.install(name, progress=ctx.progress)
        still = self._missing(ctx)
        if still:
            raise ClassroomError(f"pip finished but {', '.join(still)} is still not satisfied")
        update_state(ctx.paths, shared_python=[Requirement(s).name for s in SHARED_PYTHON_REQUIREMENTS])
        return "installed " + ", ".join(Requirement(s).name for s in SHARED_PYTHON_REQUIREMENTS)


@dataclass
class LabDefaultsStep(Step):
    """School defaults for every JupyterLab (``overrides.json``): no news prompt, the language.

    The news default is set once (absent key): a teacher who changes it later keeps the change.
    ``--language`` sets the default UI language whenever it is given.
    """

    title: str = "JupyterLab defaults for everyone"

    def _updates(self, ctx: Context) -> dict[str, dict[str, object]]:
        current = read_overrides(ctx.paths)
        wanted = school_defaults(ctx.options.language)
        updates = missing_defaults(ctx.paths, wanted)
        news = updates.get(NOTIFICATION_PLUGIN)
        if news and "fetchNews" in (current.get(NOTIFICATION_PLUGIN) or {}):
            updates.pop(NOTIFICATION_PLUGIN)
        return updates

    def plan(self, ctx: Context) -> list[str]:
        return [f"set {plugin} {values} in {ctx.paths.lab_settings_overrides}"
                for plugin, values in self._updates(ctx).items()]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        updates = self._updates(ctx)
        update_overrides(ctx.paths, updates)
        said = []
        if NOTIFICATION_PLUGIN in updates:
            said.append("no news prompt")
        if TRANSLATION_PLUGIN in updates:
            said.append(f"language {updates[TRANSLATION_PLUGIN]['locale']}")
        return ", ".join(said)
