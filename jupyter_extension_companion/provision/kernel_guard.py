"""The Java kernel's start guard: a JVM that cannot bind its ports exits (issue 11).

jupyter_client picks a kernel's five TCP ports by binding port 0 and closing the socket; the
kernel binds them when it is up, for JJava seconds later. When a class starts its kernels at
the same moment, another student's kernel can take one of those ports first
(bench/kernel-ports). JJava then throws "Address already in use" from its ``main`` thread, but
its heartbeat thread (bound first) keeps the JVM running: a kernel that answers heartbeats and
nothing else, which jupyter_server's ``KernelRestarter`` never restarts. The student waits for
a kernel that never comes.

The guard is a Java agent of ten lines (``-javaagent``, built here with ``javac`` at install):
it gives the ``main`` thread an uncaught-exception handler that prints the error as before and
then ends the JVM. The restarter then restarts the kernel on new ports (with
``KernelManager.cache_ports = False`` in the students' server config,
``jupyter-config/server-config``; jupyter_client's port cache otherwise gives the restart the
same ports). Only the ``main`` thread is guarded: once JJava is connected, ``main`` waits for
the kernel's end, and a student's code runs in other threads.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

#: the agent's jar in the Java kernelspec folder
GUARD_JAR = "classroom-kernel-guard.jar"
GUARD_OPTION = "-javaagent:{resource_dir}/" + GUARD_JAR
GUARD_CLASS = "ClassroomKernelGuard"
GUARD_SOURCE = """\
/** JupyterLab Classroom: end the kernel's JVM when its main thread fails (kernel_guard.py). */
public final class ClassroomKernelGuard implements Thread.UncaughtExceptionHandler {
    private final Thread.UncaughtExceptionHandler previous;

    private ClassroomKernelGuard(Thread.UncaughtExceptionHandler previous) {
        this.previous = previous;
    }

    public static void premain(String args) {
        Thread main = Thread.currentThread();
        main.setUncaughtExceptionHandler(new ClassroomKernelGuard(main.getUncaughtExceptionHandler()));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        try {
            previous.uncaughtException(thread, error);
        } finally {
            Runtime.getRuntime().halt(1);
        }
    }
}
"""
_MANIFEST = f"Manifest-Version: 1.0\r\nPremain-Class: {GUARD_CLASS}\r\n\r\n"
#: fixed entry times: the same source and JDK give the same jar (a re-install changes nothing)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def build_guard_jar(dest: Path, timeout: float = 120) -> bool:
    """Compile the guard and write ``dest/GUARD_JAR``; False (and no jar) without ``javac``
    or if compiling failed."""
    javac = shutil.which("javac")
    if javac is None:
        return False
    with tempfile.TemporaryDirectory(prefix="classroom-guard-") as tmp:
        src = Path(tmp) / f"{GUARD_CLASS}.java"
        src.write_text(GUARD_SOURCE, encoding="utf-8")
        out = Path(tmp) / "classes"
        try:
            subprocess.run([javac, "--release", "11", "-d", str(out), str(src)],
                           check=True, capture_output=True, timeout=timeout)
        except (OSError, subprocess.SubprocessError):
            return False
        classfile = (out / f"{GUARD_CLASS}.class").read_bytes()
    with zipfile.ZipFile(dest / GUARD_JAR, "w", zipfile.ZIP_DEFLATED) as jar:
        for name, data in (("META-INF/MANIFEST.MF", _MANIFEST.encode()),
                           (f"{GUARD_CLASS}.class", classfile)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            jar.writestr(info, data)
    return True


def with_guard(spec: dict[str, Any], guard: bool) -> dict[str, Any]:
    """``spec`` with the guard option in its argv (right after ``java``) or without."""
    argv = without_guard(spec.get("argv") or [])
    if guard and argv[:1] == ["java"]:
        argv.insert(1, GUARD_OPTION)
    return {**spec, "argv": argv}


def without_guard(argv: list[str]) -> list[str]:
    return [a for a in argv if a != GUARD_OPTION]
