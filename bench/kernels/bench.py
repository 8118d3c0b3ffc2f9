"""bench/kernels: time-to-ready of each kernel (median of 5) and the jar list latency with 200 jars.

    .venv/bin/python bench/kernels/bench.py            # scratch host: kernels from this venv
    .venv/bin/python bench/kernels/bench.py --host     # the kernels of the installed host

The scratch host installs the Python and JJava kernelspecs from this venv into a temporary
folder, puts Gson (Maven Central) and paho-mqtt (PyPI) in the shared folders, and also measures
the R kernel when r-cran-irkernel is installed. Each kernel's smoke cell must pass, so the
figures are for kernels that really work. A floor is measured in the same run: starting the
bare interpreter (``python -c pass``, ``java -version``, ``R -e 0``) — the kernels' own
start-up cost is the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import jar_files
from jupyter_extension_companion.provision.jars import JarStore
from jupyter_extension_companion.provision.kernel_install import dpkg_installed
from jupyter_extension_companion.provision.kernels import KernelCatalog
from jupyter_extension_companion.provision.pylibs import SharedPythonLibs

RUNS = 5


def scratch_host(tmp: Path) -> KernelCatalog:
    paths = replace(
        ClassroomPaths().with_prefix(tmp), venv=Path(sys.prefix), kernels_dir=tmp / "kernels"
    )
    system = [Path("/usr/share/jupyter/kernels")] if dpkg_installed("r-cran-irkernel") else []
    cat = KernelCatalog(paths, system_dirs=system)
    cat.install_python()
    cat.install_java()
    JarStore(paths, cat).add_maven("com.google.code.gson:gson:2.10.1")
    SharedPythonLibs(paths, python=sys.executable).install("paho-mqtt==2.1.0")
    return cat


FLOORS = {
    "python": [sys.executable, "-c", "pass"],
    "java": ["java", "-version"],
    "r": ["R", "--slave", "-e", "0"],
}


def floor(language: str) -> float | None:
    argv = FLOORS.get(language.lower())
    if not argv:
        return None
    times = []
    for _ in range(RUNS):
        t = time.monotonic()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.monotonic() - t)
    return statistics.median(times)


def bench_kernels(cat: KernelCatalog) -> int:
    failed = 0
    print(f"{'kernel':10} {'median s':>9} {'min':>6} {'max':>6} {'floor s':>8}  smoke output")
    for k in cat.list():
        if k.shadowed:
            continue
        times, last = [], None
        for _ in range(RUNS):
            last = cat.test(k.name)
            if not last.ok:
                break
            times.append(last.seconds_to_ready)
        if not times or last is None or not last.ok:
            failed += 1
            print(f"{k.name:10} FAILED: {(last.error if last else '')!s:.300}")
            continue
        f = floor(k.language)
        out = " | ".join(last.output.splitlines())
        print(
            f"{k.name:10} {statistics.median(times):9.2f} {min(times):6.2f} {max(times):6.2f} "
            f"{(f'{f:8.2f}' if f is not None else '       -')}  {out}"
        )
    return failed


def small_jar(i: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        zf.writestr(
            f"META-INF/maven/org.example/lib{i}/pom.properties",
            f"groupId=org.example\nartifactId=lib{i}\nversion=1.{i}\n",
        )
        zf.writestr(f"org/example/lib{i}/A.class", b"\xca\xfe\xba\xbe" + bytes(2000))
    return buf.getvalue()


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def bench_jar_list(tmp: Path) -> None:
    paths = ClassroomPaths().with_prefix(tmp)
    k = paths.kernels / "java"
    k.mkdir(parents=True)
    (k / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["java", "-jar", "{resource_dir}/jjava.jar"],
                "language": "java",
                "display_name": "Java",
                "env": {"JJAVA_CLASSPATH": f"{paths.java_libs}/*"},
            }
        )
    )
    store = JarStore(paths, KernelCatalog(paths, system_dirs=[]))
    for i in range(200):
        store.add_upload(f"lib{i:03}-1.{i}.jar", small_jar(i))
    jar_files._CACHE.clear()
    t = time.monotonic()
    n = len(store.list())
    cold = time.monotonic() - t
    warm = []
    for _ in range(50):
        t = time.monotonic()
        store.list()
        warm.append(time.monotonic() - t)
    # floor: just listing the folder and stat-ing each file
    floor_times = []
    for _ in range(50):
        t = time.monotonic()
        [p.stat() for p in paths.java_libs.iterdir()]
        floor_times.append(time.monotonic() - t)
    print(
        f"jar list, {n} jars: cold (hashing every jar) {cold * 1000:.1f} ms; "
        f"warm p50 {percentile(warm, 50) * 1000:.1f} ms, p95 {percentile(warm, 95) * 1000:.1f} ms; "
        f"floor (listdir+stat) p50 {percentile(floor_times, 50) * 1000:.2f} ms"
    )
    http = asyncio.run(_bench_http(paths))
    print(
        f"GET /api/v1/jars through the service (200 jars, fake hub auth): "
        f"p50 {percentile(http, 50) * 1000:.1f} ms, p95 {percentile(http, 95) * 1000:.1f} ms"
    )


async def _bench_http(paths: ClassroomPaths) -> list[float]:
    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    from jupyter_extension_companion.provision.audit import AuditLog
    from jupyter_extension_companion.service.app import (
        ServiceContext,
        make_app,
        service_access_scopes,
    )

    async def identify(token: str):
        # a teacher's token with the service's scope (what the hub answers for one)
        return {"kind": "user", "name": "teach", "admin": True,
                "scopes": list(service_access_scopes())}

    ctx = ServiceContext(
        paths=paths, identify=identify, roster_factory=lambda: None, audit=AuditLog(paths.audit_log)
    )
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(make_app(ctx, prefix="/services/classroom/"))
    server.add_sockets(sockets)
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/services/classroom/api/v1/jars"
    client = AsyncHTTPClient()
    times = []
    for _ in range(50):
        t = time.monotonic()
        r = await client.fetch(url, headers={"Authorization": "token x"})
        times.append(time.monotonic() - t)
        assert len(json.loads(r.body)["jars"]) == 200
    server.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", action="store_true", help="the installed host's kernels")
    parser.add_argument("--skip-kernels", action="store_true")
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="bench-kernels-") as tmp:
        # the Kernel Test starts each kernel as an unprivileged user: it must reach the kernels
        os.chmod(tmp, 0o755)
        if not args.skip_kernels:
            cat = KernelCatalog() if args.host else scratch_host(Path(tmp) / "host")
            print(f"time to ready, median of {RUNS} (kernels in {', '.join(map(str, cat.dirs))})")
            failed = bench_kernels(cat)
        bench_jar_list(Path(tmp) / "jars")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
