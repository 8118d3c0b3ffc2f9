"""Kernels for real: install into a scratch kernel folder, Kernel Test for Python, Java and R,
and a Java kernel that sees the shared jars with no magic (and runs the guide's %classpath cell)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import kernel_cds
from jupyter_extension_companion.provision.jars import JarStore
from jupyter_extension_companion.provision.kernel_install import dpkg_installed
from jupyter_extension_companion.provision.kernels import KernelCatalog
from jupyter_extension_companion.provision.pylibs import SharedPythonLibs

pytestmark = [pytest.mark.real, pytest.mark.slow]


@pytest.fixture(scope="module")
def catalog() -> Iterator[KernelCatalog]:
    """A scratch host: libs and kernels below a tmp prefix, the dev venv as the venv (jjava and
    ipykernel are installed there), the system kernel folders as on a real host.

    The prefix is readable by everyone (below /var/tmp, not pytest's root-only tmp folder):
    Kernel Test runs the kernel as an unprivileged account, which reads the shared libraries.
    """
    tmp = Path(tempfile.mkdtemp(prefix="classroom-kernels-", dir="/var/tmp"))
    os.chmod(tmp, 0o755)
    try:
        yield _catalog(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _catalog(tmp: Path) -> KernelCatalog:
    paths = ClassroomPaths().with_prefix(tmp)
    paths = replace(paths, venv=Path(sys.prefix), kernels_dir=tmp / "kernels")
    cat = KernelCatalog(paths)
    assert cat.install_java().changed
    assert not cat.install_java().changed  # idempotent
    assert cat.install_python().changed
    assert not cat.install_python().changed
    store = JarStore(paths, cat)
    store.add_maven("com.google.code.gson:gson:2.10.1")
    store.add_maven("org.apache.commons:commons-csv:1.10.0")
    SharedPythonLibs(paths).install("paho-mqtt==2.1.0")
    return cat


def test_listed_with_classpath(catalog):
    java = catalog.get("java")
    assert java.kind == "jjava"
    assert java.env["JJAVA_CLASSPATH"] == f"{catalog.paths.java_libs}/*"
    jars = {j.file: j.kernels for j in JarStore(catalog.paths, catalog).list()}
    assert jars == {"gson-2.10.1.jar": ["java"], "commons-csv-1.10.0.jar": ["java"]}


def test_java_kernel_test(catalog):
    r = catalog.test("java")
    assert r.ok, r.error
    assert r.output.splitlines() == [f"java {_java_version()}", '{"a":1}']
    assert 0 < r.seconds_to_ready < 60


def test_kernel_test_runs_unprivileged_without_the_service_token(catalog, monkeypatch):
    """Kernel Test runs as root's service; the kernel it starts runs code from a kernelspec.
    That kernel runs as an unprivileged account with a clean environment: no token in it."""
    from jupyter_extension_companion.provision import kernel_smoke as kernels

    secret = "h5-service-token-" + os.urandom(8).hex()
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", secret)  # what the hub gives its service
    monkeypatch.setenv("CLASSROOM_SERVICE_TOKEN", secret)
    monkeypatch.setitem(kernels.SMOKE_CELLS, "python", (
        "import json, os\n"
        "print(json.dumps({'uid': os.getuid(), 'euid': os.geteuid(), 'gid': os.getgid(), "
        "'groups': os.getgroups(), 'env': dict(os.environ), "
        "'cwd_owner': os.stat('.').st_uid}))"))
    r = catalog.test("python3")
    assert r.ok, r.error
    seen = json.loads(r.output)
    assert seen["uid"] != 0 and seen["euid"] != 0 and seen["gid"] != 0
    assert 0 not in seen["groups"]
    assert seen["uid"] == seen["cwd_owner"]
    assert secret not in r.output
    assert not [k for k in seen["env"] if "TOKEN" in k or k.startswith("JUPYTERHUB_")]
    assert "CLASSROOM_SERVICE_URL" not in seen["env"]
    assert seen["env"]["PYTHONPATH"] == str(catalog.paths.python_libs)


def test_python_kernel_test(catalog):
    r = catalog.test("python3")
    assert r.ok, r.error
    assert r.output == "paho-mqtt 2.1.0"  # from the shared folder, not the dev venv's copy


@pytest.mark.skipif(not dpkg_installed("r-cran-irkernel"), reason="r-cran-irkernel not installed")
def test_r_kernel_test(catalog):
    r = catalog.test("ir")
    assert r.ok, r.error
    assert r.output.startswith("R version ")


def test_java_sees_shared_jars_without_magic_and_guide_cells_run(catalog):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    java = catalog.get("java")
    km = KernelManager(
        kernel_name="java",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(Path(java.location).parent)]),
    )
    km.start_kernel(env=catalog.kernel_env())
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)

        def run(code: str) -> tuple[str, str]:
            out: list[str] = []

            def hook(msg):
                c = msg["content"]
                if msg["msg_type"] == "stream":
                    out.append(c["text"])
                elif msg["msg_type"] == "execute_result":
                    out.append(c["data"]["text/plain"])
                elif msg["msg_type"] == "error":
                    out.append(f"ERROR {c['ename']}: {c['evalue']}")

            reply = kc.execute_interactive(code, timeout=60, output_hook=hook)
            return reply["content"]["status"], "".join(out)

        status, out = run(
            "import org.apache.commons.csv.*;\n"
            "import com.google.gson.*;\n"
            'var rec = CSVParser.parse("a,b\\n1,2", CSVFormat.DEFAULT).getRecords();\n'
            'System.out.println(rec.get(1).get(1) + " " + JsonParser.parseString("{\\"x\\":[1]}"));'
        )
        assert (status, out.strip()) == ("ok", '2 {"x":[1]}')
        # the guide's BeakerX-style cell (see the note in provision/kernels.py)
        gson = catalog.paths.java_libs / "gson-2.10.1.jar"
        status, out = run(f"%classpath add jar {gson}")
        assert status == "ok" and "ERROR" not in out
        status, out = run('new com.google.gson.Gson().toJson(java.util.Map.of("k", 1))')
        assert (status, out.strip()) == ("ok", '{"k":1}')
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_guide_classpath_cell_adds_a_jar_not_on_the_classpath(catalog, tmp_path):
    """``%classpath add jar X`` really adds X in JJava 1.0a8 (not just a no-op)."""
    import json

    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy(catalog.paths.java_libs / "commons-csv-1.10.0.jar", extra / "csv.jar")
    # a copy of the Java kernelspec with no shared class path
    bare = tmp_path / "kernels" / "java"
    shutil.copytree(catalog.get("java").location, bare)
    spec = json.loads((bare / "kernel.json").read_text())
    spec["env"] = {}
    (bare / "kernel.json").write_text(json.dumps(spec))
    km = KernelManager(
        kernel_name="java", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(bare.parent)])
    )
    km.start_kernel(env=catalog.kernel_env(), cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    probe = 'Class.forName("org.apache.commons.csv.CSVFormat").getName()'
    try:
        kc.wait_for_ready(timeout=120)
        r1 = kc.execute_interactive(probe, timeout=60)
        r2 = kc.execute_interactive(f"%classpath add jar {extra / 'csv.jar'}", timeout=60)
        r3 = kc.execute_interactive(probe, timeout=60)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert r1["content"]["status"] == "error"  # not there before
    assert r2["content"]["status"] == "ok"
    assert r3["content"]["status"] == "ok"  # there after the guide's cell


def test_test_all_reports_every_kernel(catalog):
    results = {r.name: r for r in catalog.test_all()}
    assert {"java", "python3"} <= set(results)
    assert results["java"].ok and results["python3"].ok


def test_env_edit_reaches_the_kernel(catalog):
    java = catalog.get("java")
    catalog.set_classpath("java", [])
    try:
        r = catalog.test("java")
        assert not r.ok and "gson" in (r.error or "").lower()
    finally:
        catalog.set_env("java", java.env)
    assert catalog.test("java").ok


def _java_version() -> str:
    import subprocess

    out = subprocess.run(
        ["java", "-XshowSettings:properties", "-version"], capture_output=True, text=True
    )
    for line in out.stderr.splitlines():
        if line.strip().startswith("java.version ="):
            return line.split("=", 1)[1].strip()
    return "?"


def test_restart_needed_names_the_running_kernel(catalog):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    java = catalog.get("java")
    km = KernelManager(
        kernel_name="java",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(Path(java.location).parent)]),
    )
    km.start_kernel(env=catalog.kernel_env())
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        kc.stop_channels()
        rows = JarStore(catalog.paths, catalog).restart_needed(["gson-2.10.1.jar"])
        pids = {r["pid"] for r in rows if r["kernel"] == "java"}
        assert pids and None not in pids
        assert any(r["user"] == "root" and r["started"] for r in rows)
    finally:
        km.shutdown_kernel(now=True)
    rows = JarStore(catalog.paths, catalog).restart_needed(["gson-2.10.1.jar"])
    assert rows == [{"kernel": "java", "pid": None, "user": None, "started": None}]


async def test_kernel_test_job_through_the_service(catalog):
    import json

    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    from jupyter_extension_companion.provision.audit import AuditLog
    from jupyter_extension_companion.service.app import ServiceContext, make_app

    async def identify(token):
        # a teacher's token carrying the service scope (the service checks the token's scopes)
        model = {"kind": "user", "name": "teach", "admin": True,
                 "scopes": ["access:services!service=classroom"]}
        return model if token == "t" else None

    ctx = ServiceContext(
        paths=catalog.paths,
        identify=identify,
        roster_factory=lambda: None,
        audit=AuditLog(catalog.paths.audit_log),
    )
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(make_app(ctx, prefix="/services/classroom/"))
    server.add_sockets(sockets)
    base = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/services/classroom/api/v1"
    client = AsyncHTTPClient()
    try:
        r = await client.fetch(
            f"{base}/kernels/python3/test",
            method="POST",
            body=b"{}",
            headers={"Authorization": "token t"},
        )
        job = json.loads(r.body)["job"]
        state = ctx.jobs.wait(job, timeout=120)
        assert state["state"] == "done", state
        assert state["result"]["ok"] and state["result"]["output"] == "paho-mqtt 2.1.0"
        assert state["result"]["seconds_to_ready"] > 0
    finally:
        server.stop()


@pytest.mark.skipif(not dpkg_installed("r-cran-irkernel"), reason="r-cran-irkernel not installed")
def test_install_r_is_idempotent_and_registers_ir(catalog):
    change = catalog.install_r()
    assert not change.changed and "nothing to change" in change.message
    ir = catalog.get("ir")
    assert ir.location == "/usr/share/jupyter/kernels/ir" and ir.kind == "r"


def _maps_archive(kdir: Path, options: str) -> subprocess.CompletedProcess[str]:
    archive = kdir / kernel_cds.CDS_ARCHIVE
    return subprocess.run(["java", *options.split(), "-Xshare:on",  # noqa: S603,S607
                           f"-XX:SharedArchiveFile={archive}", "-cp", str(kdir / "jjava.jar"),
                           "-version"], capture_output=True, text=True, check=False)


def test_java_kernel_has_a_class_data_sharing_archive(catalog):
    """Issue 14: the install recorded JJava's start classes; every student's JVM maps them
    (shared pages, less CPU at the start) and the kernel still works. A stale archive (a JDK
    upgrade, another jar) is made again by re-running the install."""
    kdir = catalog.paths.kernels / "java"
    java = catalog.get("java")
    assert java.argv[:2] == ["java", kernel_cds.CDS_OPTION]
    archive = kdir / kernel_cds.CDS_ARCHIVE
    st = archive.stat()
    assert st.st_uid == 0 and st.st_mode & 0o777 == 0o644 and st.st_size > 1_000_000
    options = java.env["JDK_JAVA_OPTIONS"]
    assert _maps_archive(kdir, options).returncode == 0
    r = catalog.test("java")
    assert r.ok, r.error
    archive.write_bytes(b"not an archive")
    assert _maps_archive(kdir, options).returncode != 0
    assert catalog.install_java().changed
    assert _maps_archive(kdir, options).returncode == 0
    assert catalog.get("java").argv[:2] == ["java", kernel_cds.CDS_OPTION]
    assert not catalog.install_java().changed
