"""A Java kernel whose port another kernel took first still starts (issue 11).

jupyter_client picks a kernel's ports by binding port 0 and closing; JJava binds them seconds
later. When a class starts its kernels at once, another student's kernel can take one first
(bench/kernel-ports). Here a listening socket stands for that kernel: the student's server
(jupyter_server's ``AsyncMappingKernelManager`` with the students' server config) picks it as
the first kernel's shell port. JJava alone then hangs half-alive (heartbeat only) and nothing
restarts it; with the start guard (provision/kernel_guard.py) it exits and the restarter starts
it on new ports (``KernelManager.cache_ports = False``).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.kernels import KernelCatalog

pytestmark = [pytest.mark.real, pytest.mark.slow]

SERVER_CONFIG = (Path(__file__).resolve().parents[2] / "jupyter-config" / "server-config"
                 / "jupyter_extension_companion.json")


@pytest.fixture(scope="module")
def catalog() -> Iterator[KernelCatalog]:
    """The Java kernel as the installer makes it, below a scratch prefix readable by all."""
    tmp = Path(tempfile.mkdtemp(prefix="classroom-kports-", dir="/var/tmp"))
    os.chmod(tmp, 0o755)
    try:
        paths = replace(ClassroomPaths().with_prefix(tmp), venv=Path(sys.prefix),
                        kernels_dir=tmp / "kernels")
        cat = KernelCatalog(paths)
        cat.install_java()
        yield cat
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


async def _start_with_taken_port(catalog: KernelCatalog, taken: int, port_name: str,
                                 timeout: float) -> dict[str, Any]:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from traitlets.config import Config

    config = Config(json.loads(SERVER_CONFIG.read_text()))
    tmp = tempfile.mkdtemp(prefix="classroom-kports-run-")
    mkm = AsyncMappingKernelManager(
        config=config, connection_dir=tmp, root_dir=tmp,
        kernel_spec_manager=KernelSpecManager(
            kernel_dirs=[str(Path(catalog.get("java").location).parent)]),
    )
    kid = await mkm.start_kernel(kernel_name="java", env=catalog.kernel_env())
    km = mkm.get_kernel(kid)
    restarts: list[int] = []
    km.add_restart_callback(lambda: restarts.append(1), "restart")
    first_ports = list(km.ports)
    ready = False
    deadline = time.monotonic() + timeout
    try:
        # a new client for each try: after a restart the kernel listens on new ports
        while not ready and time.monotonic() < deadline and kid in mkm:
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=min(5.0, max(0.1, deadline - time.monotonic())))
                ready = True
            except RuntimeError:
                pass
            finally:
                kc.stop_channels()
        return {"ready": ready, "restarts": len(restarts), "taken_in_first": taken in first_ports,
                "taken_now": taken in km.ports, "gone": kid not in mkm}
    finally:
        pid = km.provisioner.pid if km.provisioner else None
        if kid in mkm:
            await mkm.shutdown_kernel(kid, now=True)
        if pid:  # a half-alive JVM (the bug) in its own process group
            try:
                os.killpg(pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
        # a kernel the restarter gave up on leaves its manager's sockets: they must not keep
        # the interpreter from exiting
        mkm.context.destroy(linger=0)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize("port_name", ["shell_port", "hb_port"])
def test_java_kernel_starts_when_another_kernel_took_its_port(catalog, monkeypatch, port_name):
    """shell: JJava hung half-alive (the heartbeat thread, bound first, kept the JVM). hb: JJava
    exited, but the restarter started it 5 times on the same taken port (jupyter_client's port
    cache), then gave up."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    other = socket.socket()  # another student's kernel, bound first
    other.bind(("127.0.0.1", 0))
    other.listen(1)
    taken = other.getsockname()[1]
    real = LocalProvisioner.pre_launch
    launches: list[int] = []

    async def pre_launch(self: LocalProvisioner, **kw: Any) -> dict[str, Any]:
        kw = await real(self, **kw)
        launches.append(1)
        if len(launches) == 1:  # the first launch happens to pick the taken port
            km = self.parent
            setattr(km, port_name, taken)
            km._connection_file_written = False
            km.write_connection_file()
            self.connection_info = km.get_connection_info()
        return kw

    monkeypatch.setattr(LocalProvisioner, "pre_launch", pre_launch)
    try:
        res = asyncio.run(_start_with_taken_port(catalog, taken, port_name, timeout=120))
    finally:
        other.close()
    assert res["taken_in_first"]
    assert res == {"ready": True, "restarts": 1, "taken_in_first": True, "taken_now": False,
                   "gone": False}


def test_an_exception_in_a_cell_or_thread_does_not_end_the_kernel(catalog):
    """The guard ends the JVM only for an error of its main thread (JJava's start)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="java", kernel_spec_manager=KernelSpecManager(
        kernel_dirs=[str(Path(catalog.get("java").location).parent)]))
    km.start_kernel(env=catalog.kernel_env())
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        cells = ['throw new RuntimeException("cell");',
                 'Thread t = new Thread(() -> { throw new RuntimeException("thread"); });\n'
                 't.start(); t.join();',
                 'System.out.println("still " + (40 + 2));']
        out: list[str] = []
        statuses = []
        for code in cells:
            reply = kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(
                m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
            statuses.append(reply["content"]["status"])
        assert statuses == ["error", "ok", "ok"]
        assert "still 42" in "".join(out)
        assert km.is_alive()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
