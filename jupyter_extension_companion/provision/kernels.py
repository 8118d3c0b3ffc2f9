"""Kernels every student sees: list, remove/restore, edit env/class path; installing is in
``kernel_install.py``, Kernel Test in ``kernel_smoke.py`` (both reached through
:class:`KernelCatalog`).

Where students' kernels come from: the single-user server runs from the venv, so Jupyter looks in
``{venv}/share/jupyter/kernels`` (``paths.kernels``) first, then ``/usr/local/share/jupyter/kernels``
and ``/usr/share/jupyter/kernels``; the first kernelspec of a name wins.

The Java class path: JJava and IJava start as ``java -jar``, so a ``CLASSPATH`` variable never
reaches user code. Each Java kernelspec carries the shared jars in its own env variable,
``JJAVA_CLASSPATH`` (JJava) or ``IJAVA_CLASSPATH`` (IJava), set to ``<paths.java_libs>/*``.

The guide's ``%classpath add jar /opt/jupyterhub-libs/java/x.jar`` cells (BeakerX syntax): checked
with a real JJava 1.0a8 kernel — its ``%classpath`` magic treats every argument as a glob, relative
ones against the kernel's working folder; ``add`` and ``jar`` match nothing there and are ignored
without an error, and the absolute jar path is added (a jar already on the class path is harmless).
So these cells run unchanged; ``tests/real/test_kernels.py`` keeps that checked. (A notebook folder
holding files literally named ``add`` or ``jar`` would have those put on the class path too.)
"""

from __future__ import annotations

import builtins
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_text_atomic
from .audit import SYSTEM, AuditLog, auditor_for
from .changes import Change, Progress
from .errors import ClassroomError, NotFound
from .trash import Trash

SYSTEM_KERNEL_DIRS = (Path("/usr/local/share/jupyter/kernels"), Path("/usr/share/jupyter/kernels"))
CLASSPATH_VARS = ("JJAVA_CLASSPATH", "IJAVA_CLASSPATH")
KERNEL_TEST_USER = "nobody"

_NAME = re.compile(r"[a-z0-9._-]+")
_ENV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_kernel_name(name: str) -> str:
    """A kernelspec name must match ``[a-z0-9._-]+`` (and not be ``.``/``..``)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name in (".", "..") or len(name) > 64:
        raise ClassroomError(
            f"Invalid kernel name {name!r}: use lowercase letters, digits, '.', '_' and '-'",
            code="bad_kernel_name",
        )
    return name


@dataclass
class KernelInfo:
    """A kernelspec as students see it."""

    name: str
    display_name: str
    language: str
    location: str
    argv: builtins.list[str]
    env: dict[str, str]
    classpath: builtins.list[str]
    kind: str  # "jjava", "ijava", "python", "r" or "other"
    shadowed: bool = False  # another kernelspec of the same name comes first

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class KernelTestResult:
    """Outcome of a throwaway kernel start and smoke cell."""

    name: str
    ok: bool
    seconds_to_ready: float | None
    output: str
    error: str | None = None
    language: str = ""
    code: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _kind(spec: dict, folder: Path) -> str:
    argv = " ".join(spec.get("argv", []))
    lang = (spec.get("language") or "").lower()
    if "jjava" in argv:
        return "jjava"
    if "ijava" in argv.lower():
        return "ijava"
    if lang == "python" or "ipykernel" in argv:
        return "python"
    if lang == "r" or "IRkernel" in argv:
        return "r"
    return "other"


def classpath_entries(env: dict[str, str]) -> list[str]:
    """The class path entries of a kernelspec env (JJAVA_CLASSPATH / IJAVA_CLASSPATH)."""
    out: list[str] = []
    for var in CLASSPATH_VARS:
        value = env.get(var)
        if value:
            out.extend(e for e in value.split(os.pathsep) if e)
    return out


class KernelCatalog:
    """The kernelspecs students see, and the operations on them."""

    def __init__(
        self,
        paths: ClassroomPaths | None = None,
        system_dirs: tuple[Path, ...] | builtins.list[Path] = SYSTEM_KERNEL_DIRS,
        *,
        actor: str = SYSTEM,
        audit: AuditLog | None = None,
    ):
        self.paths = paths or ClassroomPaths()
        self.auditor = auditor_for(self.paths, actor, audit)  # each change is one audit line
        self.system_dirs = tuple(Path(d) for d in system_dirs)
        #: the unprivileged account kernel tests run as (never root, never the service's env)
        self.test_user = KERNEL_TEST_USER
        #: the spawner environment kernels get (None: the one the hub config renders)
        self.spawner_env: dict[str, str] | None = None

    # -- reading ----------------------------------------------------------------------------

    @property
    def dirs(self) -> builtins.list[Path]:
        """Kernel folders in the order Jupyter searches them for students."""
        return [self.paths.kernels, *self.system_dirs]

    def read_spec(self, folder: Path) -> dict:
        try:
            spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ClassroomError(f"{folder}/kernel.json is unreadable: {e}", status=500) from e
        if not isinstance(spec, dict):
            raise ClassroomError(f"{folder}/kernel.json is not a JSON object", status=500)
        return spec

    def list(self) -> builtins.list[KernelInfo]:
        """Every kernelspec in :attr:`dirs`; a later one of the same name is marked ``shadowed``."""
        found: builtins.list[KernelInfo] = []
        names: set[str] = set()
        for d in self.dirs:
            if not d.is_dir():
                continue
            for folder in sorted(d.iterdir()):
                if not (folder / "kernel.json").is_file():
                    continue
                try:
                    spec = self.read_spec(folder)
                except ClassroomError:
                    continue
                env = {str(k): str(v) for k, v in (spec.get("env") or {}).items()}
                found.append(
                    KernelInfo(
                        name=folder.name,
                        display_name=spec.get("display_name", folder.name),
                        language=spec.get("language", ""),
                        location=str(folder),
                        argv=[str(a) for a in spec.get("argv", [])],
                        env=env,
                        classpath=classpath_entries(env),
                        kind=_kind(spec, folder),
                        shadowed=folder.name.lower() in names,
                    )
                )
                names.add(folder.name.lower())
        return found

    def get(self, name: str) -> KernelInfo:
        """The kernelspec students get for ``name`` (NotFound otherwise)."""
        check_kernel_name(name)
        for k in self.list():
            if k.name == name and not k.shadowed:
                return k
        raise NotFound(f"No kernel named {name!r} (see `classroom kernels list`)")

    # -- editing ----------------------------------------------------------------------------

    def write_spec(self, folder: Path, spec: dict) -> bool:
        return write_text_atomic(folder / "kernel.json", json.dumps(spec, indent=1) + "\n")

    def set_env(self, name: str, env: dict[str, str]) -> Change:
        """Replace the env of kernelspec ``name`` (atomic write of its kernel.json)."""
        keys = sorted(k for k in env if isinstance(k, str)) if isinstance(env, dict) else []
        return self.auditor.run("kernel.env", str(name), self._set_env, name, env, keys=keys)

    def _set_env(self, name: str, env: dict[str, str]) -> Change:
        check_kernel_name(name)
        if not isinstance(env, dict):
            raise ClassroomError("env must be an object of NAME: value")
        clean: dict[str, str] = {}
        for k, v in env.items():
            if not isinstance(k, str) or not _ENV_KEY.fullmatch(k):
                raise ClassroomError(f"Invalid variable name {k!r} (letters, digits, '_')")
            if not isinstance(v, str) or "\x00" in v or "\n" in v:
                raise ClassroomError(f"Value of {k} must be one line of text")
            clean[k] = v
        info = self.get(name)
        folder = Path(info.location)
        spec = self.read_spec(folder)
        if (spec.get("env") or {}) == clean:
            return Change(name, "kernel.env", False, f"{name}: nothing to change", str(folder))
        spec["env"] = clean
        self.write_spec(folder, spec)
        return Change(
            name,
            "kernel.env",
            True,
            f"{name}: env updated; restart running {name} kernels",
            str(folder),
            restart=[name],
        )

    def set_classpath(self, name: str, entries: builtins.list[str]) -> Change:
        """Set the class path of Java kernelspec ``name`` (absolute paths or ``dir/*`` globs)."""
        info = self.get(name)
        if info.kind not in ("jjava", "ijava"):
            raise ClassroomError(f"{name} is not a Java kernel (JJava or IJava)")
        for e in entries:
            if not isinstance(e, str) or not e.startswith("/") or os.pathsep in e or "\n" in e:
                raise ClassroomError(
                    f"Class path entry {e!r} must be an absolute path (e.g. {self.paths.java_libs}/*)"
                )
        var = "JJAVA_CLASSPATH" if info.kind == "jjava" else "IJAVA_CLASSPATH"
        env = dict(info.env)
        if entries:
            env[var] = os.pathsep.join(entries)
        else:
            env.pop(var, None)
        return self.set_env(name, env)

    def remove(self, name: str) -> Change:
        """Move kernelspec ``name`` (the one students get) to the trash (:meth:`restore`
        brings it back)."""
        return self.auditor.run("kernel.remove", str(name), self._remove, name)

    def _remove(self, name: str) -> Change:
        info = self.get(name)
        dest = Trash(self.paths, "kernels").put(name, Path(info.location))
        note = ""
        if info.location.startswith("/usr/share/"):
            note = " (it came from an apt package; reinstalling the package brings it back)"
        return Change(name, "kernel.remove", True, f"{name}: moved to {dest}{note}", str(dest))

    def trashed(self) -> builtins.list[str]:
        """Kernelspecs in the trash (restorable)."""
        return Trash(self.paths, "kernels").names()

    def restore(self, name: str) -> Change:
        """Bring kernelspec ``name`` back from the trash into ``paths.kernels`` (the folder
        students' Jupyter searches first)."""
        return self.auditor.run("kernel.restore", str(name), self._restore, name)

    def _restore(self, name: str) -> Change:
        check_kernel_name(name)
        trash = Trash(self.paths, "kernels")
        if name not in trash:
            if any(k.name == name and not k.shadowed for k in self.list()):
                return Change(name, "kernel.restore", False, f"{name}: nothing to change")
            raise NotFound(f"No kernel named {name} in the trash")
        dest = trash.take(name, self.paths.kernels / name)
        os.chmod(dest, 0o755)
        return Change(name, "kernel.restore", True, f"{name}: restored", str(dest))

    # -- installing -------------------------------------------------------------------------

    def install_python(self, progress: Progress | None = None) -> Change:
        """Install the venv's ipykernel kernelspec as ``python3`` in ``paths.kernels``."""
        from .kernel_install import install_python

        return self.auditor.run("kernel.install", "python3", install_python, self, progress)

    def install_java(
        self,
        kind: str = "jjava",
        ijava_zip: str | Path | None = None,
        progress: Progress | None = None,
    ) -> Change:
        """Install the Java kernel as ``java`` in ``paths.kernels`` with the shared jars on its
        class path: JJava (``pip install jjava==1.0a8`` into the venv) or IJava 1.3.0 from a zip."""
        from .kernel_install import install_java

        return self.auditor.run("kernel.install", "java", install_java, self, kind, ijava_zip,
                                progress, kernel=kind)

    def install_r(self, progress: Progress | None = None) -> Change:
        """Install R and IRkernel from apt (``r-base-core r-cran-irkernel``); the package registers
        ``/usr/share/jupyter/kernels/ir`` itself."""
        from .kernel_install import install_r

        return self.auditor.run("kernel.install", "ir", install_r, self, progress)

    # -- testing ----------------------------------------------------------------------------

    def kernel_env(self, home: str | None = None) -> dict[str, str]:
        """The environment a student's kernel gets (see :func:`.kernel_smoke.kernel_env`)."""
        from .kernel_smoke import kernel_env

        return kernel_env(self, home)

    def test(self, name: str, timeout: float = 120) -> KernelTestResult:
        """Kernel Test: start ``name`` as a throwaway and run its smoke cell
        (:func:`.kernel_smoke.smoke_test`)."""
        from .kernel_smoke import smoke_test

        return smoke_test(self, name, timeout)

    def test_all(
        self, timeout: float = 120, progress: Progress | None = None
    ) -> builtins.list[KernelTestResult]:
        """Kernel Test of every kernel students get, one result per kernel."""
        from .kernel_smoke import smoke_test_all

        return smoke_test_all(self, timeout, progress)
