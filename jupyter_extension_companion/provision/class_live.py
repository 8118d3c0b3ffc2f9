"""The class live (issue 13): who is online, servers, kernels and their state, memory per
student, the last error in a student's notebook: without opening any student's server.

Where each figure comes from, and what it costs:

- **Hub** (one paged ``GET /users``; the models carry each user's groups, so the class needs
  no call of its own): the server's state (ready, pending, started) and ``last_activity``.
  Shared by all panels and reused for a few seconds (:class:`_HubUsers`): the hub is asked at
  most once per :data:`HUB_FRESH` seconds, however many teachers watch. No student's server is called: we hold
  no token for it, and a student's server is the student's (it could answer anything).
- **Process table** (``/proc``, read as root; one pass): the processes of the students' uids
  (the owner of ``/proc/PID``), their memory (RSS) and CPU. A kernel is a process whose command
  line holds a kernel connection file (``kernel-<id>.json``): its language from the command
  (ipykernel, JJava/IJava, IRkernel), its state ``busy`` when its main thread is runnable or
  it used more than :data:`BUSY_CPU_PERCENT` of a core since the last refresh, ``idle``
  otherwise. That is not the kernel protocol's
  execution state (only the server knows that), but it is what a teacher needs: a cell that
  keeps running, a kernel that eats memory. A process that made itself non-dumpable shows as
  root's and is not counted: the figures are for the teacher's overview, not a control.
- **Last error**: the newest notebook in the student's ``~/notebooks`` (read as root by
  :mod:`.student_notebooks`, never following a symlink), parsed only when it changed; the last
  ``error`` output in it. Only for students with a running server.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..paths import ClassroomPaths
from .errors import ClassroomError, NotFound

#: a kernel that used more than this share of one core since the last refresh is "busy"
#: (an idle ipykernel or JJava uses well below 1 %)
BUSY_CPU_PERCENT = 5.0
#: a running server whose hub activity is older than this is shown as not online
ONLINE_SECONDS = 10 * 60
_KERNEL_FILE = re.compile(rb"kernel-([0-9a-f-]{8,64})\.json")
_PAGE = os.sysconf("SC_PAGE_SIZE")
_HZ = os.sysconf("SC_CLK_TCK")


@dataclass
class KernelLive:
    """One kernel of a student, from the process table."""

    id: str
    language: str
    #: ``busy`` / ``idle`` (runnable now, or CPU since the last refresh)
    state: str
    cpu_percent: float | None
    memory_mb: float
    pids: list[int]


@dataclass
class StudentLive:
    """One student in the live panel."""

    name: str
    online: bool
    last_activity: str | None
    server_running: bool
    server_ready: bool
    server_pending: str | None
    server_started: str | None
    memory_mb: float
    processes: int
    kernels: list[KernelLive] = field(default_factory=list)
    #: ``{"notebook", "ename", "evalue", "modified"}`` or None
    last_error: dict[str, Any] | None = None


@dataclass
class ClassLive:
    """The whole panel: one refresh."""

    class_name: str | None
    time: str
    students: list[StudentLive]
    #: milliseconds spent per source (hub, processes, notebooks)
    timings: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("class_name")
        return data


def _parse_time(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _language(cmdline: bytes) -> str:
    low = cmdline.lower()
    if b"ipykernel" in low:
        return "python"
    if b"jjava" in low or b"ijava" in low:
        return "java"
    if b"irkernel" in low:
        return "r"
    return "other"


@dataclass
class _Proc:
    pid: int
    uid: int
    cmdline: bytes
    state: str
    ticks: int
    start: int
    rss: int


def _read_proc(pid: str, uid: int) -> _Proc | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read(8192)
    except OSError:
        return None
    try:
        fields = stat.rsplit(b")", 1)[1].split()
        return _Proc(pid=int(pid), uid=uid, cmdline=cmdline.replace(b"\0", b" "),
                     state=fields[0].decode(), ticks=int(fields[11]) + int(fields[12]),
                     start=int(fields[19]), rss=int(fields[21]) * _PAGE)
    except (IndexError, ValueError):
        return None


def processes_of(uids: set[int]) -> dict[int, list[_Proc]]:
    """uid -> the processes of that uid (owner of ``/proc/PID``), one pass over ``/proc``."""
    out: dict[int, list[_Proc]] = {}
    if not uids:
        return out
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            uid = entry.stat(follow_symlinks=False).st_uid
        except OSError:
            continue
        if uid not in uids:
            continue
        proc = _read_proc(entry.name, uid)
        if proc is not None:
            out.setdefault(uid, []).append(proc)
    return out


class _CpuMemory:
    """CPU ticks of each process at the last refresh, to tell busy kernels from idle ones."""

    def __init__(self) -> None:
        self._last: dict[tuple[int, int], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def percent(self, procs: list[_Proc], now: float) -> dict[int, float | None]:
        out: dict[int, float | None] = {}
        with self._lock:
            seen: dict[tuple[int, int], tuple[int, float]] = {}
            for p in procs:
                key = (p.pid, p.start)
                before = self._last.get(key)
                seen[key] = (p.ticks, now)
                if before is not None and now - before[1] < 0.2:
                    seen[key] = before  # too close to the last look: keep its baseline
                    before = None
                if before is None:
                    out[p.pid] = None
                else:
                    out[p.pid] = 100.0 * (p.ticks - before[0]) / _HZ / (now - before[1])
            # forget what was not seen for a while (gone, or no panel shows it any more)
            self._last = {k: v for k, v in self._last.items() if now - v[1] < 300} | seen
        return out


_CPU = _CpuMemory()


class _ErrorCache:
    """The last error of a student's newest notebook, re-read only when that file changed."""

    def __init__(self) -> None:
        self._by_file: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {}
        self._lock = threading.Lock()

    def last_error(self, viewer: Any, student: str) -> dict[str, Any] | None:
        try:
            listing = viewer._list(student)
        except (ClassroomError, OSError):
            return None
        if not listing.notebooks:
            return None
        newest = max(listing.notebooks, key=lambda n: n.modified)
        key = (student, newest.path)
        stamp = f"{newest.modified}/{newest.size}"
        with self._lock:
            cached = self._by_file.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            copy = viewer._read(student, newest.path)
        except (ClassroomError, OSError):
            return None
        found = None
        for cell in copy.notebook.get("cells", []):
            for out in cell.get("outputs") or []:
                if isinstance(out, dict) and out.get("output_type") == "error":
                    found = {"notebook": newest.path, "ename": str(out.get("ename", ""))[:200],
                             "evalue": str(out.get("evalue", ""))[:500],
                             "modified": newest.modified}
        with self._lock:
            self._by_file[key] = (stamp, found)
        return found


_ERRORS = _ErrorCache()

#: the hub's user list is reused this long without asking again (seconds) ...
HUB_FRESH = 2.0
#: ... and served while a new one is fetched in the background up to this age; older, the
#: refresh waits for the hub. ``last_activity`` itself moves only every few minutes (the hub's
#: activity interval), so a panel a few seconds behind on it loses nothing.
HUB_STALE = 15.0


class _HubUsers:
    """The hub's user models, shared by every panel of this service (stale-while-revalidate):
    one ``GET /users`` per :data:`HUB_FRESH` seconds at most, however many teachers look."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()

    def get(self, hub: Any, fresh: bool = False) -> tuple[list[dict[str, Any]], float]:
        """(models, their age in seconds)."""
        key = str(getattr(hub, "api_url", id(hub)))
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None and not fresh:
            age = now - cached[0]
            if age < HUB_FRESH:
                return cached[1], age
            if age < HUB_STALE:
                self._refresh_later(key, hub)
                return cached[1], age
        return self._fetch(key, hub), 0.0

    def _fetch(self, key: str, hub: Any) -> list[dict[str, Any]]:
        taken = time.monotonic()
        users = hub.list_users()
        with self._lock:
            current = self._cache.get(key)
            if current is None or current[0] < taken:
                self._cache[key] = (taken, users)
        return users

    def _refresh_later(self, key: str, hub: Any) -> None:
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def run() -> None:
            try:
                self._fetch(key, hub)
            except Exception:  # noqa: BLE001, S110 - the next refresh asks again, in the open
                pass
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        threading.Thread(target=run, name="classroom-live-hub", daemon=True).start()

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


_HUB = _HubUsers()


def class_live(paths: ClassroomPaths, hub: Any, class_name: str | None = None, *,
               accounts: Any = None, errors: bool = True, fresh: bool = False) -> ClassLive:
    """One refresh of the live panel for class ``class_name`` (a hub group), or for every
    non-admin hub user when None. See the module doc for where each figure comes from.

    The hub's part may be up to :data:`HUB_STALE` seconds old (``timings["hub_age_s"]``);
    ``fresh`` asks the hub now (after stopping a server, say)."""
    from .student_notebooks import StudentNotebooks
    from .system_accounts import SystemAccounts

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # one request: the user models carry their groups (the class) as well
    users, age = _HUB.get(hub, fresh)
    models = {u["name"]: u for u in users}
    if class_name is None:
        members = {n for n, u in models.items() if not u.get("admin")}
    else:
        members = {n for n, u in models.items() if class_name in (u.get("groups") or [])}
        if not members:  # an empty class, or none of that name?
            group = hub.get_group(class_name)
            if group is None:
                raise NotFound(f"There is no class {class_name!r} (a hub group of that name).")
            members = {str(u) for u in group.get("users") or []}
    timings["hub_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    timings["hub_age_s"] = round(age, 1)

    t1 = time.perf_counter()
    accounts = accounts or SystemAccounts(paths)
    all_accounts = accounts.read_all()
    uid_of = {n: all_accounts[n].uid for n in members if n in all_accounts}
    procs = processes_of(set(uid_of.values()))
    now = time.monotonic()
    cpu = _CPU.percent([p for ps in procs.values() for p in ps], now)
    timings["processes_ms"] = round((time.perf_counter() - t1) * 1000, 1)

    t2 = time.perf_counter()
    viewer = StudentNotebooks(paths, accounts, max_depth=3, max_notebooks=200, max_scanned=2000)
    wall = time.time()
    students = []
    for name in sorted(members):
        model = models.get(name) or {}
        server = (model.get("servers") or {}).get("") or {}
        mine = procs.get(uid_of.get(name, -1), [])
        kernels: dict[str, KernelLive] = {}
        for p in mine:
            match = _KERNEL_FILE.search(p.cmdline)
            if not match:
                continue
            kid = match.group(1).decode()
            pct = cpu.get(p.pid)
            k = kernels.get(kid)
            if k is None:
                k = kernels[kid] = KernelLive(id=kid, language=_language(p.cmdline), state="idle",
                                              cpu_percent=None, memory_mb=0.0, pids=[])
            k.pids.append(p.pid)
            k.memory_mb = round(k.memory_mb + p.rss / 1e6, 1)
            if k.language == "other":
                k.language = _language(p.cmdline)
            if pct is not None:
                k.cpu_percent = round((k.cpu_percent or 0.0) + pct, 1)
        for k in kernels.values():
            # the main thread runnable now (it runs the cells), or CPU used since the last look
            runnable = any(p.state == "R" for p in mine if p.pid in k.pids)
            used = k.cpu_percent is not None and k.cpu_percent >= BUSY_CPU_PERCENT
            k.state = "busy" if runnable or used else "idle"
        activity = model.get("last_activity")
        seen = _parse_time(activity)
        ready = bool(server.get("ready"))
        running = ready or bool(server.get("pending")) or bool(mine and kernels)
        student = StudentLive(
            name=name,
            online=ready and seen is not None and wall - seen < ONLINE_SECONDS,
            last_activity=activity,
            server_running=running,
            server_ready=ready,
            server_pending=server.get("pending"),
            server_started=server.get("started"),
            memory_mb=round(sum(p.rss for p in mine) / 1e6, 1),
            processes=len(mine),
            kernels=sorted(kernels.values(), key=lambda k: k.id),
        )
        if errors and running:
            student.last_error = _ERRORS.last_error(viewer, name)
        students.append(student)
    timings["notebooks_ms"] = round((time.perf_counter() - t2) * 1000, 1)
    return ClassLive(class_name=class_name,
                     time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     students=students, timings=timings)
