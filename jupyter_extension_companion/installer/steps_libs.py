"""Installer steps for the class's shared jars and the kernels everyone sees.

The work itself is done by ``provision/`` (``JarStore``, ``KernelCatalog``): the same code the
sidebar and the ``classroom`` command use. These steps only decide whether anything is missing
(read-only, for the plan and for "nothing to change") and call it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..provision.audit import INSTALLER
from ..provision.errors import ClassroomError
from .engine import Context, Step
from .state import load_state, update_state

CLASS_JARS = [
    "org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5",
    "com.google.code.gson:gson:2.10.1",
]
R_KERNEL_DIRS = (Path("/usr/share/jupyter/kernels/ir"), Path("/usr/local/share/jupyter/kernels/ir"))


def jar_filename(coords: str) -> str:
    from ..provision.maven import Coordinates

    return Coordinates.parse(coords).filename


@dataclass
class JarsStep(Step):
    """Eclipse Paho MQTT and Gson from Maven Central, verified against the published checksums."""

    title: str = "Shared Java libraries (Maven Central)"

    def _missing(self, ctx: Context) -> list[str]:
        if ctx.options.skip_jars:
            return []
        return [c for c in CLASS_JARS if not (ctx.paths.java_libs / jar_filename(c)).is_file()]

    def plan(self, ctx: Context) -> list[str]:
        return [f"download {c} (checksum verified)" for c in self._missing(ctx)]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        try:
            from ..provision.jars import JarStore
        except ImportError as e:  # engineer E's module; named clearly if a build lacks it
            raise ClassroomError(f"provision.jars.JarStore is not available: {e}") from e
        store = JarStore(ctx.paths, actor=INSTALLER)
        missing = self._missing(ctx)
        for i, coords in enumerate(missing):
            ctx.progress(f"{coords}", i / len(missing))
            store.add_maven(coords, progress=ctx.progress)
        from .steps_system import make_readable

        make_readable(ctx.paths.libs)
        done = load_state(ctx.paths).get("jars", [])
        update_state(ctx.paths, jars=sorted(set(done) | {jar_filename(c) for c in missing}))
        return "added " + ", ".join(jar_filename(c) for c in missing)


def _read_spec(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def wanted_classpath(ctx: Context) -> list[str]:
    """The Java kernel's class path: the shared jars, plus what an adopted guide host had."""
    entries = [f"{ctx.paths.java_libs}/*"]
    for e in ctx.facts.get("adopted_classpath") or []:
        if e and e.startswith("/") and e not in entries:
            entries.append(e)
    return entries


def java_kernel_ok(ctx: Context) -> bool:
    folder = ctx.paths.kernels / "java"
    spec = _read_spec(folder)
    if spec is None:
        return False
    kind = ctx.options.java_kernel
    var = "JJAVA_CLASSPATH" if kind == "jjava" else "IJAVA_CLASSPATH"
    env = spec.get("env") or {}
    have = [e for e in str(env.get(var, "")).split(os.pathsep) if e]
    if have != wanted_classpath(ctx):
        return False
    if kind == "jjava":
        return (folder / "jjava.jar").is_file()
    return any(p.name.startswith("ijava") and p.suffix == ".jar" for p in folder.iterdir())


def python_kernel_ok(ctx: Context) -> bool:
    spec = _read_spec(ctx.paths.kernels / "python3")
    venv_python = str(ctx.paths.venv / "bin" / "python")
    return bool(spec and spec.get("argv") and spec["argv"][0] == venv_python)


def r_kernel_ok() -> bool:
    return any((d / "kernel.json").is_file() for d in R_KERNEL_DIRS)


@dataclass
class KernelsStep(Step):
    """Python (the venv's), Java (JJava, or IJava from a zip) with the jars, R with --with-r."""

    title: str = "Kernels for everyone"

    def plan(self, ctx: Context) -> list[str]:
        changes = []
        if not python_kernel_ok(ctx):
            changes.append("install the Python kernel")
        if not java_kernel_ok(ctx):
            name = "JJava" if ctx.options.java_kernel == "jjava" else "IJava 1.3.0"
            changes.append(
                f"install the Java kernel ({name}) with {os.pathsep.join(wanted_classpath(ctx))} "
                "on its class path"
            )
        if ctx.options.with_r and not r_kernel_ok():
            changes.append("install the R kernel (apt r-cran-irkernel)")
        return changes

    def apply(self, ctx: Context, changes: list[str]) -> str:
        from ..provision.kernels import KernelCatalog

        catalog = KernelCatalog(ctx.paths, actor=INSTALLER)

        def progress(m: str, f: float | None = None) -> None:
            ctx.progress(m, f)

        done = []
        if not python_kernel_ok(ctx):
            catalog.install_python(progress=progress)
            done.append("python3")
        if not java_kernel_ok(ctx):
            catalog.install_java(
                kind=ctx.options.java_kernel, ijava_zip=ctx.options.ijava_zip, progress=progress
            )
            wanted = wanted_classpath(ctx)
            if len(wanted) > 1:  # a guide host's extra entries join the shared jars
                catalog.set_classpath("java", wanted)
            done.append("java")
        if ctx.options.with_r and not r_kernel_ok():
            catalog.install_r(progress=progress)
            done.append("ir")
        if not java_kernel_ok(ctx) or not python_kernel_ok(ctx):
            raise ClassroomError("the kernels were installed but their kernelspecs are not as "
                                 f"expected; look into {ctx.paths.kernels}")
        return "installed " + ", ".join(done)
