"""The Java kernel's class-data sharing archive (issue 14): made at install, mapped by every
student's JVM.

JShell and javac load about 4,000 classes when a JJava kernel starts. Recorded once
(``-XX:ArchiveClassesAtExit`` while the kernel runs a lesson's first cells as the kernel test
account) they are mapped read-only by each JVM (``-XX:SharedArchiveFile``): less CPU at 8:00
(2.7 -> 2.2 CPU s per kernel start) and shared pages. A stale archive (a JDK upgrade, another
jar) is ignored by the JVM, found by :func:`cds_usable` and made again when the install runs.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from .atomic import write_bytes_atomic, write_text_atomic
from .changes import Progress
from .commands import run
from .kernel_guard import without_guard
from .kernel_smoke import kernel_env, smoke_account
from .kernels import KernelCatalog

#: JJava's argv as the classroom installs it (without its launcher JVM)
DIRECT_JJAVA_ARGV = ["java", "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-jar",
                     "{resource_dir}/jjava.jar", "{connection_file}"]

#: JJava's class-data sharing archive, made at install in the Java kernelspec folder:
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


def ensure_cds_archive(catalog: KernelCatalog, kdir: Path, spec: dict[str, Any],
                       progress: Progress) -> bool:
    """Give the JJava kernelspec in ``kdir`` a class-data sharing archive the installed JDK
    can use (see :data:`CDS_ARCHIVE`); True if the folder changed. Without one (no JDK, the
    recording failed) the kernel runs as before, without the option."""
    archive = kdir / CDS_ARCHIVE
    if without_guard(spec.get("argv") or []) != DIRECT_JJAVA_ARGV:
        return False  # a kernelspec of the teacher's own, or IJava: left as it is
    options = str((spec.get("env") or {}).get("JDK_JAVA_OPTIONS", ""))
    if archive.is_file() and cds_usable(archive, kdir / "jjava.jar", options):
        return False
    progress("recording the Java kernel's class-data sharing archive", None)
    data = record_cds_archive(catalog, kdir, spec)
    if data is None:
        progress("no class-data sharing archive: the Java kernel starts without one", None)
        had = archive.is_file()
        archive.unlink(missing_ok=True)
        return write_text_atomic(kdir / "kernel.json",
                                 json.dumps(with_cds(spec, False), indent=1) + "\n",
                                 mode=0o644) or had
    write_bytes_atomic(archive, data, mode=0o644)
    write_text_atomic(kdir / "kernel.json", json.dumps(with_cds(spec, True), indent=1) + "\n",
                      mode=0o644)
    return True

def record_cds_archive(catalog: KernelCatalog, kdir: Path, spec: dict[str, Any],
                       timeout: float = 300) -> bytes | None:
    """Start the kernel of ``kdir`` once with ``-XX:ArchiveClassesAtExit`` (as the kernel
    test account), run :data:`CDS_TRAINING_CELLS`, shut it down cleanly (the JVM writes the
    archive when it exits) and return the archive's bytes; None if anything failed."""
    jar = kdir / "jjava.jar"
    if shutil.which("java") is None or not zipfile.is_zipfile(jar):
        return None
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    account = smoke_account(catalog)
    specs = Path(tempfile.mkdtemp(prefix="classroom-cds-spec-"))
    work = Path(tempfile.mkdtemp(prefix="classroom-cds-"))
    out = work / CDS_ARCHIVE
    # the JVM records no archive with a Java agent (AllowArchivingWithJavaAgent is a
    # diagnostic flag); the archive recorded without the start guard serves the JVMs with it
    argv = [a.replace("{resource_dir}", str(kdir)) for a in without_guard(spec["argv"])]
    argv.insert(1, f"-XX:ArchiveClassesAtExit={out}")
    (specs / "java").mkdir()
    (specs / "java" / "kernel.json").write_text(json.dumps(
        {**spec, "argv": argv, "display_name": "java (class-data recording)"}))
    ksm = KernelSpecManager(kernel_dirs=[str(specs)])
    ksm.ensure_native_kernel = False
    km = KernelManager(kernel_name="java", kernel_spec_manager=ksm)
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
        km.start_kernel(env=kernel_env(catalog, home=str(work)), cwd=str(work),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **launch)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=timeout)
        for code in CDS_TRAINING_CELLS:
            reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: None)
            if reply["content"].get("status") != "ok":
                return None
        _shut_down(km, kc, timeout)
        kc = None
        return read_regular_file(out, _MAX_CDS_BYTES)
    except Exception:  # noqa: BLE001 - no archive is a slower start, not a failed install
        return None
    finally:
        if kc is not None:
            kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(specs, ignore_errors=True)


def _shut_down(km: Any, kc: Any, timeout: float) -> None:
    """End the recording kernel the way the messaging protocol allows: a shutdown request,
    and once the kernel replied, SIGTERM. JJava replies at once, but its JVM would then wait
    for an idle executor thread's keep-alive (60 s) before it exits; on SIGTERM the JVM exits
    the normal way (shutdown hooks, then it writes the archive) without that wait."""
    msg_id = kc.shutdown()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_control_msg(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            break
    kc.stop_channels()
    if km.is_alive():
        km.signal_kernel(signal.SIGTERM)
    km.finish_shutdown(waittime=2 * timeout)  # the JVM writes the archive while it exits
    km.cleanup_resources()


def with_cds(spec: dict[str, Any], archive: bool) -> dict[str, Any]:
    """``spec`` with the class-data sharing option in its argv (after ``java``) or without."""
    argv = [a for a in spec.get("argv") or [] if a != CDS_OPTION]
    if archive and argv[:1] == ["java"]:
        argv.insert(1, CDS_OPTION)
    return {**spec, "argv": argv}


def cds_usable(archive: Path, jar: Path, jvm_options: str) -> bool:
    """True if the installed JDK maps ``archive`` for ``jar`` with ``jvm_options``
    (``-Xshare:on`` fails when it would not: another JDK build, another jar)."""
    proc = run(["java", *jvm_options.split(), "-Xshare:on", f"-XX:SharedArchiveFile={archive}",
                "-cp", str(jar), "-version"], check=False, timeout=60)
    return proc.returncode == 0


def read_regular_file(path: Path, limit: int) -> bytes | None:
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
