"""Java kernels of many students started at the same moment: how many fail to start, and why.

Each student is a separate Python process (as each student's single-user server is) with
jupyter_server's ``AsyncMappingKernelManager`` (the hub-like path: its ``KernelRestarter``
restarts a kernel that dies, with new random ports until one was alive). All processes start
their kernel at the same moment, then wait for the kernel's ``kernel_info`` reply.

jupyter_client picks a kernel's five TCP ports by binding port 0 and closing the socket; the
JVM binds them seconds later. Two servers (separate processes) can pick the same port: the
kernel that binds second fails. ``--squat K`` makes that happen for K of the N kernels: the
bench holds K listening sockets (standing for another student's kernel) and those students'
servers pick one of them as their first port (``--port``, default shell), as if by chance.

Prints per student one line and the counts::

    sudo .venv/bin/python bench/kernel-ports/run.py -n 20              # natural collisions only
    sudo .venv/bin/python bench/kernel-ports/run.py -n 20 --squat 5    # 5 forced collisions
    ... --kernels DIR   # a kernels folder with "java" (default: this venv's, installed first)
    ... --kernel python3  # ipykernel instead, for comparison
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORTS = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")


async def student(kdir: str, kernel: str, start_at: float, squat: int, port_name: str,
                  timeout: float, cache_ports: bool) -> dict:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    if squat:
        # the first launch's ``port_name`` happens to be a port another kernel holds: changed
        # in the connection file after jupyter_client picked it, so it stays "random" for the
        # restarter (``random_ports_until_alive``)
        from jupyter_client.provisioning.local_provisioner import LocalProvisioner

        real = LocalProvisioner.pre_launch
        done: list[bool] = []

        async def pre_launch(self: LocalProvisioner, **kw: object) -> dict:
            kw = await real(self, **kw)
            if not done:
                done.append(True)
                km = self.parent
                setattr(km, port_name, squat)
                km._connection_file_written = False
                km.write_connection_file()
                self.connection_info = km.get_connection_info()
            return kw

        LocalProvisioner.pre_launch = pre_launch  # type: ignore[method-assign]

    tmp = tempfile.mkdtemp(prefix="kports-")  # connection files; removed at the end
    from traitlets.config import Config

    config = Config()
    if not cache_ports:
        config.KernelManager.cache_ports = False
    mkm = AsyncMappingKernelManager(
        config=config, kernel_spec_manager=KernelSpecManager(kernel_dirs=[kdir]),
        connection_dir=tmp, root_dir=tmp,
    )
    await asyncio.sleep(max(0.0, start_at - time.time()))
    t0 = time.monotonic()
    kid = await mkm.start_kernel(kernel_name=kernel)
    km = mkm.get_kernel(kid)
    first = {p: getattr(km, p) for p in PORTS}
    restarts: list[float] = []
    dead: list[float] = []
    km.add_restart_callback(lambda: restarts.append(round(time.monotonic() - t0, 1)), "restart")
    km.add_restart_callback(lambda: dead.append(round(time.monotonic() - t0, 1)), "dead")
    ready = None
    deadline = t0 + timeout
    while time.monotonic() < deadline and not dead and ready is None:
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=min(3.0, max(0.1, deadline - time.monotonic())))
            ready = round(time.monotonic() - t0, 1)
        except RuntimeError:
            pass  # a restart or no reply yet: a new client for the current ports
        finally:
            kc.stop_channels()
    alive = await km.is_alive()
    out = {"ready_s": ready, "restarts": restarts, "dead": bool(dead), "process_alive": alive,
           "ports_changed": first != {p: getattr(km, p) for p in PORTS},
           "pid": km.provisioner.pid if km.provisioner else None}
    pgid = out["pid"]
    if kid in mkm:  # a kernel the restarter gave up on is gone already
        await mkm.shutdown_kernel(kid, now=True)
    if pgid:  # a JVM the manager could not stop
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def child(args: argparse.Namespace) -> None:
    res = asyncio.run(student(args.kernels, args.kernel, args.start_at, args.squat_port,
                              args.port, args.timeout, not args.no_cache_ports))
    print(json.dumps(res), flush=True)


def default_kernels() -> str:
    d = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    if not (d / "java" / "kernel.json").is_file():
        sys.exit(f"no Java kernel in {d}: pass --kernels DIR (e.g. a catalog's kernels folder)")
    return str(d)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--squat", type=int, default=0, help="forced port collisions (of n)")
    ap.add_argument("--port", choices=PORTS, default="shell_port")
    ap.add_argument("--kernels", help="kernels folder holding the kernelspec")
    ap.add_argument("--kernel", default="java")
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--no-cache-ports", action="store_true",
                    help="KernelManager.cache_ports = False (as the classroom's server config)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("--squat-port", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    kdir = args.kernels or default_kernels()
    held = []
    for _ in range(min(args.squat, args.n)):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        held.append(s)
    start_at = time.time() + 3 + 0.1 * args.n
    procs = []
    for i in range(args.n):
        argv = [sys.executable, __file__, "--child", "--kernels", kdir, "--kernel", args.kernel,
                "--start-at", str(start_at), "--port", args.port,
                "--timeout", str(args.timeout)]
        if args.no_cache_ports:
            argv.append("--no-cache-ports")
        if i < len(held):
            argv += ["--squat-port", str(held[i].getsockname()[1])]
        procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, text=True,
                                      start_new_session=True))
    counts = {"ready": 0, "ready_after_restart": 0, "hung": 0, "dead": 0}
    for i, p in enumerate(procs):
        try:
            out, _ = p.communicate(timeout=args.timeout + 60)
            res = json.loads(out.strip().splitlines()[-1])
        except Exception as exc:  # noqa: BLE001 - a student process that failed counts too
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            res = {"error": repr(exc)}
        tag = "squat" if i < len(held) else "     "
        print(f"student {i:2d} {tag} {json.dumps(res)}", flush=True)
        if res.get("ready_s") is not None:
            counts["ready_after_restart" if res["restarts"] else "ready"] += 1
        elif res.get("dead"):
            counts["dead"] += 1
        else:
            counts["hung"] += 1
    for s in held:
        s.close()
    failed = counts["hung"] + counts["dead"]
    print(f"kernel={args.kernel} n={args.n} squat={len(held)} ({args.port}) timeout="
          f"{args.timeout:.0f}s: {json.dumps(counts)}  FAILED {failed}/{args.n}")


if __name__ == "__main__":
    main()
