"""Roster benchmark on a real hub (root): import 200 students through the service API against a
floor measured in the same run, then the class-list latency with 1000 students.

    sudo .venv/bin/python bench/roster/run.py [--students 200] [--list-students 1000]

Floor: a plain loop of ``useradd -m``, one ``chpasswd`` batch and one hub ``POST /users`` with
all names. Targets: import <= 1.5 x floor; list p95 <= 150 ms. Every account it makes starts
with ``clt`` + random letters and is removed at the end (also on failure).
"""

from __future__ import annotations

import argparse
import pwd
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from jupyter_extension_companion.provision.hub_process import HubLauncher
from jupyter_extension_companion.provision.passwords import generate_password
from jupyter_extension_companion.provision.roster import NewStudent


def _prefix() -> str:
    return "clt" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(5))


def _remove(hub: HubLauncher, names: list[str]) -> None:
    """Delete hub users and accounts (only names with our ``clt`` prefix)."""
    client = hub.hub()
    for name in names:
        assert name.startswith("clt")
        try:
            client.delete_user(name)
        except Exception:  # noqa: BLE001
            pass
        try:
            if pwd.getpwnam(name).pw_uid >= 1000:
                subprocess.run(["userdel", "-r", "--", name], check=False,  # noqa: S603,S607
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except KeyError:
            pass


def floor(hub: HubLauncher, names: list[str]) -> float:
    """Seconds for the bare minimum: useradd -m loop, one chpasswd, one hub POST /users."""
    t0 = time.perf_counter()
    for name in names:
        subprocess.run(["useradd", "-m", "--", name], check=True)  # noqa: S603,S607
    lines = "".join(f"{n}:{generate_password()}\n" for n in names)
    subprocess.run(["chpasswd"], input=lines, text=True, check=True)  # noqa: S603,S607
    hub.hub().add_users(names)
    return time.perf_counter() - t0


def import_via_service(hub: HubLauncher, token: str, names: list[str]) -> tuple[float, float]:
    """(seconds for preview + apply until the job is done, seconds for apply alone)."""
    api = hub.service_api
    headers = {"Authorization": f"token {token}"}
    csv = "username;full name\n" + "".join(f"{n};Student {i}\n" for i, n in enumerate(names))
    t0 = time.perf_counter()
    r = requests.post(f"{api}/roster/preview", json={"csv": csv}, headers=headers, timeout=120)
    r.raise_for_status()
    rows = [{"username": row["username"], "full_name": row["input"]["full_name"]}
            for row in r.json()["rows"] if row["action"] == "create"]
    assert len(rows) == len(names), r.json()["summary"]
    t1 = time.perf_counter()
    r = requests.post(f"{api}/roster/apply", json={"rows": rows}, headers=headers, timeout=120)
    r.raise_for_status()
    job = r.json()["job"]
    while True:
        state = requests.get(f"{api}/jobs/{job}", headers=headers, timeout=60).json()
        if state["state"] != "running":
            break
        time.sleep(0.05)
    t2 = time.perf_counter()
    assert state["state"] == "done", state
    ok = sum(1 for res in state["result"]["results"] if res["ok"])
    assert ok == len(names), [res for res in state["result"]["results"] if not res["ok"]][:3]
    return t2 - t0, t2 - t1


def list_latency(hub: HubLauncher, token: str, rounds: int) -> tuple[float, float, int]:
    """p50, p95 (ms) of GET /api/v1/users through the proxy, and the number of users listed."""
    headers = {"Authorization": f"token {token}"}
    session = requests.Session()
    times = []
    count = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        r = session.get(f"{hub.service_api}/users", headers=headers, timeout=60)
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        count = len(r.json()["users"])
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--list-students", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--list-only", action="store_true", help="skip the import benchmark")
    args = parser.parse_args()
    prefix = _prefix()
    made: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="clt-bench-"))
    with HubLauncher(workdir, students_spawn=False, log_level="WARN") as hub:
        try:
            teacher = f"{prefix}t"
            made.append(teacher)
            hub.roster("bench").add(teacher, teacher=True)
            token = hub.user_token(teacher, note="bench")

            if not args.list_only:
                # A B B A: floor, import, import, floor (the machine's load drifts; each run
                # starts from the same accounts: what a run made is removed, untimed, after it)
                floors: list[float] = []
                imports: list[tuple[float, float]] = []
                for round_, kind in enumerate("FIIF"):
                    batch = [f"{prefix}{kind.lower()}{round_}{i:04d}" for i in range(args.students)]
                    made += batch
                    if kind == "F":
                        floors.append(floor(hub, batch))
                    else:
                        imports.append(import_via_service(hub, token, batch))
                    _remove(hub, batch)
                t_floor = sum(floors) / len(floors)
                t_import = sum(i[0] for i in imports) / len(imports)
                t_apply = sum(i[1] for i in imports) / len(imports)
                print(f"floor (useradd -m loop + 1 chpasswd + 1 POST /users), {args.students} "
                      f"students: {t_floor:.2f} s (runs: "
                      f"{', '.join(f'{t:.1f}' for t in floors)})")
                print(f"import through the service API (preview + apply job), {args.students} "
                      f"students: {t_import:.2f} s (runs: "
                      f"{', '.join(f'{t[0]:.1f}' for t in imports)}; apply alone {t_apply:.2f} s)")
                print(f"ratio import / floor: {t_import / t_floor:.2f}x (target <= 1.5x); "
                      f"apply alone / floor: {t_apply / t_floor:.2f}x")

            extra = max(0, args.list_students - 1)
            more = [f"{prefix}l{i:04d}" for i in range(extra)]
            made += more
            t0 = time.perf_counter()
            results = hub.roster("bench").add_many([NewStudent(n) for n in more])
            assert all(r.ok for r in results), [r for r in results if not r.ok][:3]
            print(f"(setup: {extra} more students via Roster.add_many in "
                  f"{time.perf_counter() - t0:.1f} s)")
            p50, p95, count = list_latency(hub, token, args.rounds)
            print(f"list latency, GET /api/v1/users with {count} users ({args.rounds} calls): "
                  f"p50 {p50:.0f} ms, p95 {p95:.0f} ms (target p95 <= 150 ms)")
            roster = hub.roster("bench")
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                roster.list(fresh=True)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"  for reference, Roster.list(fresh=True) in-process (full hub listing "
                  f"each time): p50 {statistics.median(times):.0f} ms")
        finally:
            print(f"cleaning up {len(made)} accounts ...", file=sys.stderr)
            _remove(hub, made)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
