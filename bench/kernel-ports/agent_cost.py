"""bench/kernel-ports/agent_cost.py: what the Java kernel's start guard (the agent) costs.

    .venv/bin/python bench/kernel-ports/agent_cost.py

Installs the Java kernel as `classroom kernels install java` does (below a scratch prefix in
/var/tmp), copies it without the agent option, and starts each 5 times alternately: seconds to
the first kernel_info reply and the JVM's resident memory once ready (medians). The kernel
without the agent is the floor, measured in the same run.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.kernel_guard import GUARD_OPTION
from jupyter_extension_companion.provision.kernels import KernelCatalog

RUNS = 5


async def start_once(kernels: Path, env: dict[str, str]) -> tuple[float, int]:
    """Seconds to the first kernel_info reply, and the JVM's RSS (MB) then."""
    km = AsyncKernelManager(kernel_name="java",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    t = time.monotonic()
    await km.start_kernel(env={**os.environ, **env})
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        seconds = time.monotonic() - t
        pid = km.provisioner.process.pid  # type: ignore[union-attr]
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(status.split("VmRSS:")[1].split()[0]) // 1024
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    return seconds, rss


async def bench(with_agent: Path, without: Path, env: dict[str, str]) -> None:
    runs: dict[str, list[tuple[float, int]]] = {"agent": [], "no agent": []}
    for _ in range(RUNS):
        runs["agent"].append(await start_once(with_agent, env))
        runs["no agent"].append(await start_once(without, env))
    floor = statistics.median(s for s, _ in runs["no agent"])
    for name, r in runs.items():
        ready = statistics.median(s for s, _ in r)
        print(f"{name:9} ready median {ready:.2f} s (min {min(s for s, _ in r):.2f}, "
              f"max {max(s for s, _ in r):.2f}), RSS once ready median "
              f"{statistics.median(m for _, m in r)} MB, {ready / floor:.2f}x the floor")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="classroom-agentbench-", dir="/var/tmp"))
    os.chmod(tmp, 0o755)
    try:
        paths = replace(ClassroomPaths().with_prefix(tmp), venv=Path(sys.prefix),
                        kernels_dir=tmp / "kernels")
        catalog = KernelCatalog(paths)
        catalog.install_java()
        java = Path(catalog.get("java").location)
        spec = json.loads((java / "kernel.json").read_text())
        if GUARD_OPTION not in spec["argv"]:
            print("the Java kernel has no agent (no javac?): nothing to compare")
            return 1
        bare = tmp / "kernels-no-agent" / "java"
        shutil.copytree(java, bare)
        spec["argv"] = [a for a in spec["argv"] if a != GUARD_OPTION]
        (bare / "kernel.json").write_text(json.dumps(spec))
        asyncio.run(bench(java.parent, bare.parent, catalog.kernel_env()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
