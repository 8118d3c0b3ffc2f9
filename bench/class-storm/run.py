"""bench/class-storm: 30 students at 8:00 — does the class fit on this host?

    sudo .venv/bin/python bench/class-storm/run.py              # N=30 (the full storm; ~15 min)
    sudo .venv/bin/python bench/class-storm/run.py -n 3         # a small run while developing

Two real hubs in the same run, one after the other, each with the same N students (system
accounts ``clt`` + random letters, removed at the end, also on failure):

- ``plain``: a plain JupyterHub + JupyterLab (no classroom server extension, no classroom
  service, no culler) and JJava's stock kernelspec (its launcher JVM, the JVM's defaults).
- ``ours``: the classroom hub from ``provision/hubconfig.py`` (service, idle culler, server
  extension) and the Java kernelspec ``KernelCatalog.install_java`` writes (one JVM, classroom
  JVM options).

In each storm all N students start their servers at once through the hub API; as soon as hers
is ready, each student starts a Java kernel and runs the cells of the Java MQTT template against
a local Mosquitto, then a Python kernel with the Python template. Kernels stay open (a lesson).

Printed per storm: server ready time p50/p95/max (POST .../server until the hub says ready), Java
time to first result p50/p95 (kernel start until the first cell's reply), peak and steady memory
(PSS of the hub's whole process tree: hub, proxy, services, servers, kernels; total and per
student, steady split into server / Java kernel / Python kernel), CPU seconds of that tree, and
students per GB at steady state. Then the ratios ours/plain. ``--storms`` can add ``ours-stockjvm``
(our hub with the stock Java kernelspec) to separate the JVM options from the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import snippets as S
from jupyter_extension_companion.provision import templates as T
from jupyter_extension_companion.provision.hub_process import HubLauncher, free_port, hub_venv
from jupyter_extension_companion.provision.jars import JarStore
from jupyter_extension_companion.provision.kernels import KernelCatalog

JARS = ["org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5", "com.google.code.gson:gson:2.10.1"]
STOCK_JJAVA_ARGV = ["java", "-jar", "{resource_dir}/jjava-launcher.jar",
                    "{resource_dir}/jjava.jar", "{connection_file}"]
PREFIX = "clt"
AsyncHTTPClient.configure(None, max_clients=200)


# -- measuring the hub's process tree --------------------------------------------------------
def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree(root: int) -> list[int]:
    kids, out, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _kind(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    if "jjava" in cmd:
        return "java"
    if "ipykernel" in cmd:
        return "python"
    if "-singleuser" in cmd or "jupyterhub.singleuser" in cmd:
        return "server"
    return "hub"  # hub, proxy, services


class Sampler:
    """PSS and CPU of a process tree, sampled in a thread every ``every`` seconds."""

    def __init__(self, root: int, every: float = 2.0):
        self.root, self.every = root, every
        self.peak_kb = 0
        self.first_ticks: dict[int, int] = {}
        self.last_ticks: dict[int, int] = {}
        self.kinds: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def snapshot(self) -> dict[str, int]:
        by_kind: dict[str, int] = {}
        for pid in tree(self.root):
            kb = _pss_kb(pid)
            kind = _kind(pid)
            if kind != "gone":
                self.kinds.setdefault(pid, kind)
            by_kind[kind] = by_kind.get(kind, 0) + kb
            ticks = _cpu_ticks(pid)
            self.first_ticks.setdefault(pid, ticks if pid in self._baseline else 0)
            self.last_ticks[pid] = max(ticks, self.last_ticks.get(pid, 0))
        total = sum(by_kind.values())
        self.peak_kb = max(self.peak_kb, total)
        return {**by_kind, "total": total}

    def start(self) -> Sampler:
        self._baseline = set(tree(self.root))
        self.base = self.snapshot()
        self.peak_kb = 0
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.snapshot()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_by_kind().values())

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds used during the storm per kind of process (server, java, python, hub)."""
        hz = os.sysconf("SC_CLK_TCK")
        out: dict[str, float] = {}
        for p, last in self.last_ticks.items():
            kind = self.kinds.get(p, "hub")
            out[kind] = out.get(kind, 0.0) + (last - self.first_ticks.get(p, 0)) / hz
        return out


# -- one student -----------------------------------------------------------------------------
@dataclass
class Student:
    name: str
    token: str = ""
    ready_s: float | None = None
    java_first_s: float | None = None
    java_ok: bool = False
    python_ok: bool = False
    error: str = ""
    log: list[str] = field(default_factory=list)


def template_cells(name: str, student: str, port: int) -> tuple[str, list[str]]:
    found = T.get_template(name, [(T.PACKAGE_TEMPLATES, "package")])
    language = found["template"]["language"]
    values = {"host": "127.0.0.1", "port": port, "tls": False,
              "topic_prefix": f"class/{student}/", "client_id": f"{student}-storm",
              "username": "", "password": ""}
    cells = []
    for cell in found["notebook"]["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cells.append(S.fill(source, values, language))
    return language, cells


async def run_cells(base: str, token: str, kernel: str, cells: list[str],
                    timeout: float) -> tuple[float, str]:
    """Start ``kernel`` on the server at ``base``, run ``cells``; (seconds to first reply, out)."""
    client = AsyncHTTPClient()
    headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
    t0 = time.monotonic()
    r = await client.fetch(f"{base}api/kernels", method="POST", headers=headers,
                           body=json.dumps({"name": kernel}), request_timeout=timeout)
    kid = json.loads(r.body)["id"]
    ws_url = base.replace("http://", "ws://") + f"api/kernels/{kid}/channels?session_id={uuid.uuid4().hex}"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"},
                                               request_timeout=timeout, connect_timeout=timeout))
    first: float | None = None
    out: list[str] = []
    session = uuid.uuid4().hex
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                           "username": "storm", "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))
            replied = idle = False
            deadline = time.monotonic() + timeout
            while not (replied and idle):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{kernel}: no reply within {timeout:.0f} s")
                raw = await asyncio.wait_for(conn.read_message(), left)
                if raw is None:
                    raise ConnectionError(f"{kernel}: websocket closed")
                if isinstance(raw, bytes):
                    continue
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])
                elif kind == "execute_reply":
                    replied = True
                    if first is None:
                        first = time.monotonic() - t0
                    if msg["content"]["status"] != "ok":
                        raise RuntimeError(f"{kernel}: cell failed: {''.join(out)[-500:]}")
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    idle = True
    finally:
        conn.close()
    return first or 0.0, "".join(out)


async def wait_ready(api: str, admin_token: str, name: str, timeout: float) -> None:
    """POST the server, then follow the hub's progress stream until it says ready."""
    client = AsyncHTTPClient()
    headers = {"Authorization": f"token {admin_token}"}
    r = await client.fetch(f"{api}/users/{name}/server", method="POST", headers=headers,
                           body=b"", request_timeout=timeout, raise_error=False)
    if r.code == 201:
        return
    if r.code != 202:
        raise RuntimeError(f"POST server of {name}: {r.code} {r.body[:200]!r}")
    ready = asyncio.get_running_loop().create_future()
    buf = b""

    def on_chunk(chunk: bytes) -> None:
        nonlocal buf
        buf += chunk
        while b"\n\n" in buf:
            event, buf = buf.split(b"\n\n", 1)
            for line in event.splitlines():
                if line.startswith(b"data:"):
                    data = json.loads(line[5:])
                    if (data.get("ready") or data.get("failed")) and not ready.done():
                        ready.set_result(data)

    fetch = client.fetch(f"{api}/users/{name}/server/progress", headers=headers,
                         streaming_callback=on_chunk, request_timeout=timeout, raise_error=False)
    data = await asyncio.wait_for(ready, timeout)
    try:  # the hub ends the stream after "ready"
        await asyncio.wait_for(fetch, 30)
    except Exception:  # noqa: BLE001, S110 - only the event mattered
        pass
    if data.get("failed"):
        raise RuntimeError(f"{name}: spawn failed: {data.get('message')}")


async def one_student(s: Student, hub_url: str, api: str, admin_token: str, port: int,
                      kernels: dict[str, str], timeout: float) -> None:
    t0 = time.monotonic()
    try:
        await wait_ready(api, admin_token, s.name, timeout)
        s.ready_s = time.monotonic() - t0
        base = f"{hub_url}/user/{s.name}/"
        _, java_cells = template_cells("mqtt_java", s.name, port)
        s.java_first_s, out = await run_cells(base, s.token, kernels["java"], java_cells, timeout)
        s.java_ok = "Received 5 readings" in out
        _, py_cells = template_cells("mqtt_python", s.name, port)
        _, out = await run_cells(base, s.token, kernels["python"], py_cells, timeout)
        s.python_ok = "Received 5 readings" in out
    except Exception as e:  # noqa: BLE001 - reported per student
        s.error = f"{type(e).__name__}: {e}"[:300]


# -- the two hubs ----------------------------------------------------------------------------
def kernels_root(root: Path, java_spec_src: Path, variant: str, java_libs: Path,
                 paths: ClassroomPaths) -> Path:
    """A JUPYTER_PATH folder with this storm's ``java`` and ``python3`` kernelspecs."""
    kdir = root / "share" / "jupyter" / "kernels"
    kdir.mkdir(parents=True)
    if variant == "ours":
        cat = KernelCatalog(replace(paths, kernels_dir=kdir), system_dirs=[])
        cat.install_java()
    else:
        shutil.copytree(java_spec_src, kdir / "java",
                        ignore=shutil.ignore_patterns("kernel.json"))
        spec = json.loads((java_spec_src / "kernel.json").read_text())
        spec.update(argv=STOCK_JJAVA_ARGV, env={"JJAVA_CLASSPATH": f"{java_libs}/*"})
        (kdir / "java" / "kernel.json").write_text(json.dumps(spec, indent=1))
    venv = hub_venv()
    (kdir / "python3").mkdir()
    (kdir / "python3" / "kernel.json").write_text(json.dumps({
        "argv": [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o055 | (0o011 if p.is_dir() else 0))
    return root / "share" / "jupyter"


class PlainHub:
    """A plain JupyterHub + JupyterLab: PAM users, LocalProcessSpawner, no classroom parts."""

    def __init__(self, workdir: Path, jupyter_path: Path, spawn_timeout: int):
        self.workdir = workdir
        workdir.mkdir(parents=True)
        self.venv = hub_venv()
        self.port, self.hub_port, self.api_port = free_port(), free_port(), free_port()
        self.token = uuid.uuid4().hex + uuid.uuid4().hex
        proxy = shutil.which("configurable-http-proxy")
        config = f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = 'http://127.0.0.1:{self.port}'
c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{self.hub_port}'
c.JupyterHub.db_url = 'sqlite:///{workdir}/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = '{workdir}/cookie_secret'
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{self.api_port}'
c.ConfigurableHTTPProxy.pid_file = '{workdir}/proxy.pid'
c.JupyterHub.authenticator_class = 'pam'
c.Authenticator.allow_existing_users = True
c.JupyterHub.spawner_class = 'localprocess'
c.Spawner.cmd = [{str(self.venv / 'bin' / 'jupyterhub-singleuser')!r}]
c.Spawner.default_url = '/lab'
c.Spawner.args = ['--ServerApp.jpserver_extensions=jupyter_extension_companion=False']
c.Spawner.environment = {{'JUPYTER_PATH': {str(jupyter_path)!r}}}
c.Spawner.http_timeout = {spawn_timeout}
c.Spawner.start_timeout = {spawn_timeout}
c.JupyterHub.services = [{{'name': 'storm', 'api_token': {self.token!r}}}]
c.JupyterHub.load_roles = [{{'name': 'admin', 'services': ['storm']}}]
"""
        (workdir / "jupyterhub_config.py").write_text(config)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.hub_port}/hub/api"

    def start(self) -> PlainHub:
        env = {**os.environ, "PATH": f"{self.venv / 'bin'}:{os.environ.get('PATH', '')}"}
        with open(self.workdir / "jupyterhub.log", "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(self.venv / "bin" / "jupyterhub"), "-f",
                 str(self.workdir / "jupyterhub_config.py")],
                cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if HubLauncher._answers(f"{self.api_url}/", self.token):
                return self
            time.sleep(0.3)
        raise RuntimeError("plain hub did not start:\n" +
                           (self.workdir / "jupyterhub.log").read_text()[-2000:])

    def user_token(self, name: str) -> str:
        return str(_api("POST", f"{self.api_url}/users/{name}/tokens", self.token,
                        {"note": "storm", "expires_in": 7200})["token"])

    def stop(self) -> None:
        stop_process_group(self.process)


def stop_process_group(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(10)
    try:
        os.killpg(proc.pid, 15)
    except ProcessLookupError:
        pass


def _api(method: str, url: str, token: str, body: Any = None) -> Any:
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:  # noqa: S310 - local hub
        raw = r.read()
    return json.loads(raw) if raw else None


# -- a storm ---------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


@dataclass
class StormResult:
    label: str
    students: list[Student]
    peak_mb: float
    steady_mb: float
    steady_parts_mb: dict[str, float]
    cpu_s: float
    wall_s: float
    cpu_parts_s: dict[str, float] = field(default_factory=dict)
    load: tuple[str, str] = ("", "")

    @property
    def ready(self) -> list[float]:
        return [s.ready_s for s in self.students if s.ready_s is not None]

    @property
    def java_first(self) -> list[float]:
        return [s.java_first_s for s in self.students if s.java_first_s is not None]

    def per_student(self, mb: float) -> float:
        return mb / max(1, len(self.students))


def storm(label: str, hub_pid: int, hub_url: str, api: str, admin_token: str, names: list[str],
          tokens: dict[str, str], mqtt_port: int, timeout: float, settle: float,
          warmup: float = 10.0) -> StormResult:
    students = [Student(n, tokens[n]) for n in names]
    # Both hubs start the storm from rest: ours starts its services (the classroom service, the
    # idle culler) with the hub, and their start-up would otherwise compete with the first spawns.
    time.sleep(warmup)
    load_before = load_average()
    sampler = Sampler(hub_pid).start()
    base = sampler.base
    t0 = time.monotonic()

    async def everyone() -> None:
        await asyncio.gather(*(one_student(s, hub_url, api, admin_token, mqtt_port,
                                           {"java": "java", "python": "python3"}, timeout)
                               for s in students))

    asyncio.run(everyone())
    wall = time.monotonic() - t0
    time.sleep(settle)
    snaps = []
    for _ in range(3):
        snaps.append(sampler.snapshot())
        time.sleep(2)
    sampler.stop()
    kinds = ("server", "java", "python", "hub")
    parts = {k: statistics.mean(s.get(k, 0) for s in snaps) / 1024 for k in kinds}
    parts["hub"] -= base.get("hub", 0) / 1024
    steady = statistics.mean(s["total"] for s in snaps) / 1024 - base["total"] / 1024
    peak = sampler.peak_kb / 1024 - base["total"] / 1024
    for s in students:
        if s.error:
            print(f"  [{label}] {s.name}: {s.error}", flush=True)
    return StormResult(label, students, peak, steady, parts, sampler.cpu_seconds, wall,
                       sampler.cpu_by_kind(), (load_before, load_average()))


def load_average() -> str:
    """The 1/5/15-minute load averages (other work on this host skews every figure)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def stop_servers(api: str, token: str, names: list[str]) -> None:
    for n in names:
        try:
            _api("DELETE", f"{api}/users/{n}/server", token)
        except Exception:  # noqa: BLE001, S110 - already stopped
            pass
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        users = [_api("GET", f"{api}/users/{n}", token) for n in names]
        if not any(u.get("servers") for u in users):
            return
        time.sleep(1)


def kill_leftovers(names: list[str]) -> list[str]:
    """Kill the processes of the storm's students that outlived their servers (JJava's stock
    launcher leaves its JVM running when the server stops it); their command names."""
    import pwd
    import signal

    uids = set()
    for n in names:
        try:
            uids.add(pwd.getpwnam(n).pw_uid)
        except KeyError:
            pass
    def theirs() -> list[int]:
        pids = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if os.stat(entry.path).st_uid in uids:
                        pids.append(int(entry.name))
                except OSError:
                    pass
        return pids
    found = []
    for pid in theirs():
        try:
            found.append(Path(f"/proc/{pid}/comm").read_text().strip())
        except OSError:
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in theirs():
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        while theirs() and time.monotonic() < deadline:
            time.sleep(0.5)
    return found


def report(r: StormResult) -> None:
    n = len(r.students)
    ok = sum(1 for s in r.students if s.java_ok and s.python_ok)
    per = r.per_student(r.steady_mb)
    print(f"\n[{r.label}] {n} students, {ok} ran both templates; storm wall {r.wall_s:.0f} s")
    print(f"  server ready     p50 {pct(r.ready, .5):6.1f} s  p95 {pct(r.ready, .95):6.1f} s  "
          f"max {max(r.ready, default=float('nan')):6.1f} s")
    print(f"  Java 1st result  p50 {pct(r.java_first, .5):6.1f} s  "
          f"p95 {pct(r.java_first, .95):6.1f} s")
    print(f"  memory (PSS)     peak {r.peak_mb:7.0f} MB ({r.per_student(r.peak_mb):.0f}/student)"
          f"  steady {r.steady_mb:7.0f} MB ({per:.0f}/student)")
    parts = r.steady_parts_mb
    print("  steady/student   " + "  ".join(
        f"{k} {parts[k] / n:.0f} MB" for k in ("server", "java", "python")) +
        f"  (hub+proxy+services growth {parts['hub']:.0f} MB total)")
    cpu = r.cpu_parts_s
    print(f"  CPU              {r.cpu_s:7.0f} s ({r.cpu_s / n:.1f}/student: " + "  ".join(
        f"{k} {cpu.get(k, 0.0) / n:.1f}" for k in ("server", "java", "python")) +
        f"; hub+proxy+services {cpu.get('hub', 0.0):.0f} s total)")
    print(f"  load average     before {r.load[0]}  after {r.load[1]}  (host: {os.cpu_count()} CPUs)")
    print(f"  students per GB  {1024 / per if per > 0 else float('nan'):.1f}")


def summary(results: list[StormResult]) -> None:
    """Ratios ours/plain. A label given more than once in ``--storms`` (e.g.
    ``plain,ours,ours,plain``: the order cancels a load that drifts during the run) is pooled:
    ready times of all its storms together, memory and CPU per student averaged."""
    print("\n== summary ==")
    by: dict[str, list[StormResult]] = {}
    for r in results:
        by.setdefault(r.label, []).append(r)
    if "plain" not in by or "ours" not in by:
        return
    p, o = by["plain"], by["ours"]

    def ready(rs: list[StormResult]) -> list[float]:
        return [x for r in rs for x in r.ready]

    def per(rs: list[StormResult], part: str) -> float:
        return statistics.mean(r.steady_parts_mb[part] / len(r.students) for r in rs)

    def cpu(rs: list[StormResult], part: str) -> float:
        return statistics.mean(r.cpu_parts_s.get(part, 0.0) / len(r.students) for r in rs)

    rp, ro = ready(p), ready(o)
    print(f"storms: {', '.join(r.label for r in results)}; load before/after each: "
          + "; ".join(f"{r.label} {r.load[0]} / {r.load[1]}" for r in results))
    for q, name in ((.5, "p50"), (.95, "p95")):
        print(f"server ready {name}: ours {pct(ro, q):.1f} s / plain {pct(rp, q):.1f} s = "
              f"{pct(ro, q) / pct(rp, q):.2f}x" + (" (target <= 1.3x)" if q == .95 else ""))
    print(f"server ready max: ours {max(ro):.1f} s / plain {max(rp):.1f} s")
    jo, jp = [x for r in o for x in r.java_first], [x for r in p for x in r.java_first]
    print(f"Java 1st result p50/p95: ours {pct(jo, .5):.1f}/{pct(jo, .95):.1f} s, plain "
          f"{pct(jp, .5):.1f}/{pct(jp, .95):.1f} s")
    print("CPU s/student (server, java, python): ours " +
          ", ".join(f"{cpu(o, k):.1f}" for k in ("server", "java", "python")) + "; plain " +
          ", ".join(f"{cpu(p, k):.1f}" for k in ("server", "java", "python")))
    steady_o = statistics.mean(r.per_student(r.steady_mb) for r in o)
    steady_p = statistics.mean(r.per_student(r.steady_mb) for r in p)
    print(f"steady memory/student: ours {steady_o:.0f} MB / plain {steady_p:.0f} MB = "
          f"{steady_o / steady_p:.2f}x")
    jb, ja = per(p, "java"), per(o, "java")
    print(f"Java kernel/student: stock JJava {jb:.0f} MB -> classroom {ja:.0f} MB "
          f"({(1 - ja / jb) * 100:.0f}% less)")
    wb = jb + per(p, "server") + per(p, "python")
    wa = ja + per(o, "server") + per(o, "python")
    print(f"student with Java (server+kernels): {wb:.0f} MB -> {wa:.0f} MB "
          f"({(1 - wa / wb) * 100:.0f}% less; target >= 40%); students per GB "
          f"{1024 / wb:.1f} -> {1024 / wa:.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--students", type=int, default=30)
    ap.add_argument("--storms", default="plain,ours",
                    help="comma list of plain, ours, ours-stockjvm (default plain,ours); a "
                    "label may repeat, e.g. plain,ours,ours,plain, and is then pooled")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per step and student")
    ap.add_argument("--settle", type=float, default=15, help="seconds before steady memory")
    ap.add_argument("--warmup", type=float, default=10,
                    help="seconds between a hub's start and its storm")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (hub logs)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    if os.geteuid() != 0:
        print("run as root (system accounts, PAM)", file=sys.stderr)
        return 2
    for tool in ("mosquitto", "configurable-http-proxy", "java"):
        if not shutil.which(tool):
            print(f"{tool} is not installed", file=sys.stderr)
            return 2
    storms = [s.strip() for s in args.storms.split(",") if s.strip()]
    # A host's package is pip-installed, with its byte code compiled at install; this checkout
    # is an editable install whose server modules only the students' servers import, and they
    # cannot write __pycache__ here: without this, each of them compiled the extension anew.
    # (Not the snippet files: they are data, not modules.)
    import compileall
    import re

    import jupyter_extension_companion
    compileall.compile_dir(Path(jupyter_extension_companion.__file__).parent, quiet=1,
                           rx=re.compile(r"[/\\]snippets[/\\]"))
    work = Path(tempfile.mkdtemp(prefix="class-storm-", dir="/var/tmp"))
    os.chmod(work, 0o711)
    venv = hub_venv()
    java_src = venv / "share" / "jupyter" / "kernels" / "java"
    if not (java_src / "jjava-launcher.jar").is_file():
        print(f"no JJava kernelspec at {java_src}", file=sys.stderr)
        return 2
    libs_paths = replace(ClassroomPaths().with_prefix(work / "libs"), venv=venv)
    print(f"fetching {', '.join(JARS)} (Maven Central)", flush=True)
    store = JarStore(libs_paths, KernelCatalog(replace(libs_paths, kernels_dir=work / "nokernels"),
                                               system_dirs=[]))
    for coords in JARS:
        store.add_maven(coords)
    for p in [work / "libs", *(work / "libs").rglob("*")]:
        p.chmod(p.stat().st_mode | 0o044 | (0o011 if p.is_dir() else 0))
    mqtt_port = free_port()
    mosq_conf = work / "mosquitto.conf"
    mosq_conf.write_text(f"listener {mqtt_port} 127.0.0.1\nallow_anonymous true\n")
    mosq = subprocess.Popen(["mosquitto", "-c", str(mosq_conf)],  # noqa: S603,S607
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", mqtt_port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    ours = HubLauncher(work / "ours", spawn_timeout=int(args.timeout))
    names: list[str] = []
    results: list[StormResult] = []
    plain: PlainHub | None = None
    try:
        ours.start()
        roster = ours.roster("class-storm")
        print(f"making {args.students} students ({PREFIX}...)", flush=True)
        for _ in range(args.students):
            name = PREFIX + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))
            names.append(name)
            roster.add(name)
        ours.stop()
        cpu_count = os.cpu_count()
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        print(f"host: {cpu_count} CPUs, {mem_gb:.1f} GB; N={args.students}; storms {storms}",
              flush=True)
        for i, label in enumerate(storms):
            variant = "ours" if label == "ours" else "stock"
            jpath = kernels_root(work / f"jupyter-{i}-{label}", java_src, variant,
                                 libs_paths.java_libs, libs_paths)
            print(f"\n== storm {label} ==", flush=True)
            if label == "plain":
                plain = PlainHub(work / f"plain-{i}", jpath, int(args.timeout)).start()
                _api("POST", f"{plain.api_url}/users", plain.token, {"usernames": names})
                tokens = {n: plain.user_token(n) for n in names}
                assert plain.process is not None
                r = storm(label, plain.process.pid, plain.url, plain.api_url, plain.token, names,
                          tokens, mqtt_port, args.timeout, args.settle, args.warmup)
                stop_servers(plain.api_url, plain.token, names)
                left = kill_leftovers(names)
                if left:
                    print(f"  [{label}] {len(left)} processes of the students outlived their "
                          f"servers (killed): {', '.join(sorted(set(left)))}", flush=True)
                plain.stop()
                plain = None
            else:
                ours.settings.spawner_env = {"JUPYTER_PATH": str(jpath)}
                ours.start()
                tokens = {n: ours.user_token(n, note="storm", expires_in=7200) for n in names}
                assert ours.process is not None
                r = storm(label, ours.process.pid, ours.url, ours.api_url, ours.token, names,
                          tokens, mqtt_port, args.timeout, args.settle, args.warmup)
                stop_servers(ours.api_url, ours.token, names)
                left = kill_leftovers(names)
                if left:
                    print(f"  [{label}] {len(left)} processes of the students outlived their "
                          f"servers (killed): {', '.join(sorted(set(left)))}", flush=True)
                ours.stop()
            report(r)
            results.append(r)
        summary(results)
        if args.json:
            args.json.write_text(json.dumps([{
                "label": r.label, "n": len(r.students),
                "ok": sum(1 for s in r.students if s.java_ok and s.python_ok),
                "ready_p50": pct(r.ready, .5), "ready_p95": pct(r.ready, .95),
                "ready_max": max(r.ready, default=None),
                "java_first_p50": pct(r.java_first, .5), "java_first_p95": pct(r.java_first, .95),
                "peak_mb": r.peak_mb, "steady_mb": r.steady_mb,
                "steady_per_student_mb": r.per_student(r.steady_mb),
                "steady_parts_per_student_mb": {k: v / len(r.students)
                                                for k, v in r.steady_parts_mb.items()},
                "cpu_s": r.cpu_s, "wall_s": r.wall_s,
                "cpu_per_student_s": {k: v / len(r.students) for k, v in r.cpu_parts_s.items()},
                "load_before": r.load[0], "load_after": r.load[1],
            } for r in results], indent=1))
    finally:
        if plain is not None:
            plain.stop()
        ours.stop()
        if names:
            ours.start()
            roster = ours.roster("class-storm")
            for n in names:
                try:
                    roster.remove(n)
                except Exception as e:  # noqa: BLE001
                    print(f"could not remove {n}: {e}", file=sys.stderr)
            ours.stop()
        mosq.terminate()
        mosq.wait(10)
    failed = any(s.error for r in results for s in r.students)
    if failed or args.keep:
        print(f"hub logs and scratch files kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
