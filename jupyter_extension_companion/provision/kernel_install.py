"""Installing the kernels students get: Python (the venv's ipykernel), Java (JJava from PyPI or
IJava from its release zip, with the shared jars on the class path) and R (apt).

Called through :class:`.kernels.KernelCatalog` (``install_python``, ``install_java``,
``install_r``), which records each install in the audit log.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from . import kernel_cds, kernel_guard
from .changes import Change, Progress, no_progress
from .commands import run
from .errors import ClassroomError
from .kernels import KernelCatalog

JJAVA_VERSION = "1.0a8"
IJAVA_JAR = "ijava-1.3.0.jar"
R_PACKAGES = ("r-base-core", "r-cran-irkernel")

#: JVM options for a classroom's Java kernel (issue 14, measured with bench/class-storm): a heap
#: cap instead of a quarter of the host's memory, the serial collector (no GC threads per
#: student), C1 only (JShell's short cells never reach C2), a small start heap that is given back
#: after collections, a young generation of 8 MB (JShell's start otherwise grows it to ~14 MB
#: and keeps it: 6 MB per kernel less, same start time), and smaller thread stacks and code
#: cache. Set as ``JDK_JAVA_OPTIONS`` in the kernelspec env (the ``java`` launcher's own
#: variable; the teacher edits it in the Kernels section) because the kernel is started without
#: JJava's launcher, see :func:`jjava_direct_argv`. The class-data sharing archive:
#: :mod:`.kernel_cds`.
#: ``-XX:ArchiveRelocationMode=0``: the class-data archives (the JDK's and JJava's) are mapped
#: at their own address, so their pages stay shared between the students' JVMs (Debian's JDK 17
#: maps them elsewhere by default and relocates them: every JVM then holds a private copy,
#: about 15 MB per kernel). That only gives up address randomisation of class metadata inside
#: the student's own JVM, which runs the student's code anyway.
CLASSROOM_JVM_OPTIONS = (
    "-Xmx256m -Xms16m -Xmn8m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10 "
    "-XX:MaxHeapFreeRatio=20 -Xss512k -XX:ReservedCodeCacheSize=32m "
    "-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
)
#: earlier defaults: an install that finds one of them unchanged puts today's default instead
FORMER_JVM_OPTIONS = (
    "-Xmx256m -Xms16m -Xmn8m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10 "
    "-XX:MaxHeapFreeRatio=20 -Xss512k -XX:ReservedCodeCacheSize=32m",
)
JVM_OPTIONS_VAR = "JDK_JAVA_OPTIONS"
_JJAVA_LAUNCHER_ARGV = [
    "java", "-jar", "{resource_dir}/jjava-launcher.jar", "{resource_dir}/jjava.jar",
    "{connection_file}",
]


def jjava_direct_argv(argv: list[str]) -> list[str]:
    """JJava's kernelspec argv without its launcher JVM.

    JJava 1.0a8 starts ``java -jar jjava-launcher.jar``, a whole JVM (about 40 MB per student)
    that only builds the real command (``java $JJAVA_JVM_OPTS --add-opens
    jdk.jshell/jdk.jshell=ALL-UNNAMED -jar jjava.jar CONNECTION_FILE``) and waits for it. We
    start that command directly; any other argv is left as it is.
    """
    if list(argv) != _JJAVA_LAUNCHER_ARGV:
        return list(argv)
    return ["java", "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-jar",
            "{resource_dir}/jjava.jar", "{connection_file}"]


def _installed(name: str, label: str, changed: bool, path: Path, restart: bool = False) -> Change:
    """The Change of a kernel install (``restart``: running kernels of it must restart)."""
    return Change(name, "kernel.install", changed,
                  f"{label}: installed" if changed else f"{label}: nothing to change",
                  str(path), restart=[name] if changed and restart else [])


def venv_python(catalog: KernelCatalog) -> Path:
    """The venv's python (kernels and pip run from it)."""
    return catalog.paths.venv / "bin" / "python"


def need_venv(catalog: KernelCatalog) -> None:
    """Refuse (409) when there is no venv to install into."""
    if not venv_python(catalog).exists():
        raise ClassroomError(
            f"No venv at {catalog.paths.venv} (run the installer first)",
            code="no_venv",
            status=409,
        )


def install_python(catalog: KernelCatalog, progress: Progress | None = None) -> Change:
    """Install the venv's ipykernel kernelspec as ``python3`` in ``paths.kernels``."""
    progress = progress or no_progress
    need_venv(catalog)
    dest = catalog.paths.kernels / "python3"
    with tempfile.TemporaryDirectory(prefix="classroom-kernel-") as tmp:
        progress("writing the Python kernelspec", None)
        run(
            [
                str(venv_python(catalog)),
                "-m",
                "ipykernel",
                "install",
                "--name",
                "python3",
                "--display-name",
                "Python 3 (ipykernel)",
                "--prefix",
                tmp,
            ],
            timeout=120,
        )
        src = Path(tmp) / "share" / "jupyter" / "kernels" / "python3"
        spec = json.loads((src / "kernel.json").read_text())
        # the venv's python by absolute path: students' PATH may lead elsewhere
        spec["argv"][0] = str(venv_python(catalog))
        (src / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
        changed = sync_folder(catalog, src, dest)
    return _installed("python3", "python3", changed, dest)


def sync_folder(catalog: KernelCatalog, src: Path, dest: Path) -> bool:
    """Make ``dest`` hold exactly the files of ``src``; False if it already did."""
    same = dest.is_dir() and sorted(p.name for p in dest.iterdir()) == sorted(
        p.name for p in src.iterdir()
    )
    if same:
        same = all((dest / p.name).read_bytes() == p.read_bytes() for p in src.iterdir())
    if same:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
    try:
        for p in src.iterdir():
            shutil.copy2(p, staging / p.name)
        os.chmod(staging, 0o755)
        for p in staging.iterdir():
            os.chmod(p, 0o644)
        old = None
        if dest.exists():
            old = dest.parent / f".{dest.name}.old-{os.getpid()}"
            os.rename(dest, old)
        os.rename(staging, dest)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


def jjava_installed(catalog: KernelCatalog) -> bool:
    """True when the pinned JJava is installed in the venv."""
    return any(
        catalog.paths.venv.glob(f"lib/python3*/site-packages/jjava-{JJAVA_VERSION}.dist-info")
    )


def install_java(catalog: KernelCatalog, kind: str, ijava_zip: str | Path | None,
                  progress: Progress | None) -> Change:
    """Install JJava (pip, into the venv) or IJava (from its release zip) as ``java``."""
    progress = progress or no_progress
    if kind not in ("jjava", "ijava"):
        raise ClassroomError(f"Java kernel must be 'jjava' or 'ijava', not {kind!r}")
    if kind == "ijava":
        if not ijava_zip:
            raise ClassroomError(
                "IJava needs the release zip you downloaded (ijava-1.3.0.zip): --ijava-zip PATH"
            )
        return install_ijava(catalog, Path(ijava_zip), progress)
    need_venv(catalog)
    pip_spec = catalog.paths.venv / "share" / "jupyter" / "kernels" / "java"
    if not jjava_installed(catalog) or not (pip_spec / "jjava.jar").is_file():
        progress(f"pip install jjava=={JJAVA_VERSION}", None)
        argv = [str(venv_python(catalog)), "-m", "pip", "install", "--no-input"]
        if jjava_installed(catalog):
            # the kernelspec folder was replaced (e.g. by IJava): put JJava's files back
            argv += ["--force-reinstall", "--no-deps"]
        run([*argv, f"jjava=={JJAVA_VERSION}"], timeout=900)
    if not (pip_spec / "kernel.json").is_file():
        raise ClassroomError(
            f"jjava installed but {pip_spec}/kernel.json is missing", status=500
        )
    spec = catalog.read_spec(pip_spec)
    env = dict(spec.get("env") or {})
    env.pop("IJAVA_CLASSPATH", None)
    env["JJAVA_CLASSPATH"] = f"{catalog.paths.java_libs}/*"
    # JJava refuses to start ("Error resolving glob") while that folder does not exist
    Path(catalog.paths.java_libs).mkdir(mode=0o755, parents=True, exist_ok=True)
    # the teacher's JVM options (Kernels section) survive a re-install
    env.setdefault(JVM_OPTIONS_VAR, installed_jvm_options(catalog) or CLASSROOM_JVM_OPTIONS)
    if env[JVM_OPTIONS_VAR] in FORMER_JVM_OPTIONS:
        env[JVM_OPTIONS_VAR] = CLASSROOM_JVM_OPTIONS  # a former default, not the teacher's choice
    spec["env"] = env
    spec["argv"] = jjava_direct_argv(spec.get("argv") or [])
    spec.setdefault("display_name", "Java (jjava)")
    progress("writing the Java kernelspec", None)
    dest = catalog.paths.kernels / "java"
    with tempfile.TemporaryDirectory(prefix="classroom-kernel-") as tmp:
        resources = Path(tmp)
        for p in pip_spec.iterdir():
            if p.is_file():
                shutil.copy2(p, resources / p.name)
        # a JVM that cannot bind its ports exits, so the restarter tries new ones (issue 11)
        plain = [a for a in kernel_guard.without_guard(spec["argv"]) if a != kernel_cds.CDS_OPTION]
        guard = plain == kernel_cds.DIRECT_JJAVA_ARGV and kernel_guard.build_guard_jar(resources)
        if not guard:
            progress("no kernel start guard (javac missing?): a port taken at start can leave "
                     "a Java kernel that never answers", None)
        spec = kernel_guard.with_guard(spec, guard)
        kept = dest / kernel_cds.CDS_ARCHIVE  # a re-install keeps the recorded archive
        if not (resources / kernel_cds.CDS_ARCHIVE).exists() and kept.is_file() \
                and not kept.is_symlink():
            shutil.copy2(kept, resources / kernel_cds.CDS_ARCHIVE)
        archived = kernel_cds.with_cds(spec, (resources / kernel_cds.CDS_ARCHIVE).is_file())
        changed = install_java_spec(catalog, resources, archived)
    changed = kernel_cds.ensure_cds_archive(catalog, dest, spec, progress) or changed
    return _installed("java", "java (JJava)", changed, catalog.paths.kernels / "java",
                      restart=True)


def install_java_spec(catalog: KernelCatalog, resources: Path, spec: dict) -> bool:
    """Make ``paths.kernels/java`` hold ``spec`` and the other files of ``resources`` (the
    kernel's jars and logos); True if anything changed."""
    with tempfile.TemporaryDirectory(prefix="classroom-kernel-") as tmp:
        staged = Path(tmp)
        for p in resources.iterdir():
            if p.is_file() and p.name != "kernel.json":
                shutil.copy2(p, staged / p.name)
        (staged / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
        return sync_folder(catalog, staged, catalog.paths.kernels / "java")


def installed_jvm_options(catalog: KernelCatalog) -> str | None:
    """The JVM options of the installed Java kernelspec (None if there is none)."""
    try:
        env = catalog.read_spec(catalog.paths.kernels / "java").get("env") or {}
    except Exception:  # noqa: BLE001 - no usable installed spec: use the defaults
        return None
    value = env.get(JVM_OPTIONS_VAR)
    return value if isinstance(value, str) else None


def install_ijava(catalog: KernelCatalog, zip_path: Path, progress: Progress) -> Change:
    """IJava 1.3.0 from the release zip the teacher downloaded."""
    if not zip_path.is_file():
        raise ClassroomError(f"{zip_path} does not exist")
    try:
        zf = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as e:
        raise ClassroomError(f"{zip_path} is not a zip file: {e}") from e
    with zf, tempfile.TemporaryDirectory(prefix="classroom-ijava-") as tmp:
        names = zf.namelist()
        for n in names:
            if n.startswith("/") or ".." in Path(n).parts:
                raise ClassroomError(f"{zip_path} has an unsafe entry {n!r}; refusing it")
        specs = [n for n in names if n.endswith("java/kernel.json")]
        if not specs:
            raise ClassroomError(
                f"{zip_path} is not the IJava release zip (no java/kernel.json inside)"
            )
        progress("unpacking IJava", None)
        zf.extractall(tmp)
        src = Path(tmp) / Path(specs[0]).parent
        spec = json.loads((src / "kernel.json").read_text())
        jars = [p.name for p in src.glob("*.jar")]
        if not jars:
            raise ClassroomError(f"{zip_path}: no IJava jar next to java/kernel.json")
        spec["argv"] = [
            "java" if a == "java" else a.replace("@KERNEL_INSTALL_DIRECTORY@", "{resource_dir}")
            for a in spec.get("argv", [])
        ]
        env = dict(spec.get("env") or {})
        env.pop("JJAVA_CLASSPATH", None)
        env["IJAVA_CLASSPATH"] = f"{catalog.paths.java_libs}/*"
        spec["env"] = env
        spec["display_name"] = spec.get("display_name") or "Java (IJava)"
        changed = install_java_spec(catalog, src, spec)
    return Change(
        "java",
        "kernel.install",
        changed,
        (
            "java (IJava 1.3.0): installed. Note: IJava bundles Gson 2.8.5 unrelocated, which "
            "shadows a shared Gson 2.10.1 (JsonParser.parseString fails); JJava does not."
        )
        if changed
        else "java (IJava): nothing to change",
        str(catalog.paths.kernels / "java"),
        restart=["java"] if changed else [],
    )


def install_r(catalog: KernelCatalog, progress: Progress | None = None) -> Change:
    """Install R and IRkernel from apt (they register their own kernelspec)."""
    progress = progress or no_progress
    missing = [p for p in R_PACKAGES if not dpkg_installed(p)]
    if not missing:
        return Change("ir", "kernel.install", False, "ir: nothing to change (R installed)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    progress("apt-get update", 0.1)
    run(["apt-get", "update"], env=env, timeout=900)
    progress(f"apt-get install {' '.join(missing)}", 0.3)
    run(
        ["apt-get", "install", "-y", "--no-install-recommends", *missing], env=env, timeout=3600
    )
    return Change("ir", "kernel.install", True, f"ir: installed {' '.join(missing)}")


def dpkg_installed(package: str) -> bool:
    """True if the Debian package is installed."""
    proc = run(["dpkg-query", "-W", "-f=${Status}", package], check=False)
    return proc.returncode == 0 and "install ok installed" in proc.stdout
