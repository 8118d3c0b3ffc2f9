"""Class benchmark on a real hub (root): a re-import of classes through the service against a
floor measured in the same run, then the class list's latency with many students.

    sudo .venv/bin/python bench/roster/classes.py [--classes 30 --per-class 30]
                                                  [--list-students 3000] [--list-only]

Import: ``POST /api/v1/class-sync/preview`` + ``/apply`` (job) with ``classes x per-class``
students (default 900) in new classes. Floor: ``useradd -m`` loop, one ``chpasswd``, one hub
``POST /users``, then per class ``groupadd``, one hub group ``POST`` with its members and one
``gpasswd -M``. Order A B B A. Target: import <= 1.3 x floor.

List: ``list-students`` students (accounts made with ``newusers`` in batches, homes in the
scratch folder; the class list reads the hub's groups and /etc/group) in classes of 30; 100 x ``GET /api/v1/classes`` through the
proxy, p50/p95. Target p95 <= 50 ms. Every user, account and group it makes starts with ``clt``
and is removed at the end (also on failure).
"""

from __future__ import annotations

import argparse
import grp
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from run import _prefix  # type: ignore[import-not-found]

from jupyter_extension_companion.demo import HubLauncher
from jupyter_extension_companion.provision.passwords import generate_password


def _say(message: str) -> None:
    """A progress line on stderr, at once (the figures go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _remove(hub: HubLauncher, names: list[str]) -> None:
    """Delete hub users (8 at a time: the hub answers each in its own request) and then the
    system accounts (one ``userdel`` at a time: it locks /etc/passwd); only ``clt`` names."""
    assert all(n.startswith("clt") for n in names)
    client = hub.hub()

    def drop(name: str) -> None:
        try:
            client.delete_user(name)
        except Exception:  # noqa: BLE001
            pass

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(drop, names))
    for name in names:
        try:
            if pwd.getpwnam(name).pw_uid >= 1000:
                subprocess.run(["userdel", "-r", "--", name], check=False,  # noqa: S603,S607
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except KeyError:
            pass


def _drop_groups(hub: HubLauncher, names: list[str]) -> None:
    client = hub.hub()
    for name in names:
        assert name.startswith("clt")
        try:
            client.delete_group(name)
        except Exception:  # noqa: BLE001
            pass
        try:
            grp.getgrnam(name)
        except KeyError:
            continue
        subprocess.run(["groupdel", "--", name], check=False)  # noqa: S603,S607


def floor(hub: HubLauncher, classes: dict[str, list[str]]) -> float:
    client = hub.hub()
    names = [n for members in classes.values() for n in members]
    t0 = time.perf_counter()
    for name in names:
        subprocess.run(["useradd", "-m", "--", name], check=True)  # noqa: S603,S607
    lines = "".join(f"{n}:{generate_password()}\n" for n in names)
    subprocess.run(["chpasswd"], input=lines, text=True, check=True)  # noqa: S603,S607
    client.add_users(names)
    for klass, members in classes.items():
        subprocess.run(["groupadd", "--", klass], check=True)  # noqa: S603,S607
        client.create_group(klass, members)
        subprocess.run(["gpasswd", "-M", ",".join(members), "--", klass],  # noqa: S603,S607
                       check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def sync_via_service(hub: HubLauncher, token: str, classes: dict[str, list[str]]) -> float:
    api = hub.service_api
    headers = {"Authorization": f"token {token}"}
    rows = [{"class_name": k, "username": n, "full_name": f"Student {n[-4:]}"}
            for k, members in classes.items() for n in members]
    t0 = time.perf_counter()
    r = requests.post(f"{api}/class-sync/preview", json={"rows": rows}, headers=headers,
                      timeout=300)
    r.raise_for_status()
    assert r.json()["summary"]["new"] == len(rows), r.json()["summary"]
    r = requests.post(f"{api}/class-sync/apply", json={"rows": rows}, headers=headers,
                      timeout=300)
    r.raise_for_status()
    job = r.json()["job"]
    while True:
        state = requests.get(f"{api}/jobs/{job}", headers=headers, timeout=60).json()
        if state["state"] != "running":
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - t0
    assert state["state"] == "done", state
    assert not state["result"]["failed"], state["result"]["failed"][:3]
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=30)
    parser.add_argument("--per-class", type=int, default=30)
    parser.add_argument("--list-students", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--list-only", action="store_true")
    args = parser.parse_args()
    prefix = _prefix()
    made: list[str] = []
    groups: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="clt-bench-"))
    with HubLauncher(workdir, students_spawn=False, log_level="WARN") as hub:
        try:
            teacher = f"{prefix}t"
            made.append(teacher)
            hub.roster("bench").add(teacher, teacher=True)
            token = hub.user_token(teacher, note="bench")
            headers = {"Authorization": f"token {token}"}
            if not args.list_only:
                floors: list[float] = []
                imports: list[float] = []
                for round_, kind in enumerate("FIIF"):
                    batch = {f"{prefix}{kind.lower()}{round_}k{c:02d}":
                             [f"{prefix}{kind.lower()}{round_}{c:02d}{i:02d}"
                              for i in range(args.per_class)] for c in range(args.classes)}
                    names = [n for m in batch.values() for n in m]
                    made += names
                    groups += list(batch)
                    if kind == "F":
                        floors.append(floor(hub, batch))
                    else:
                        imports.append(sync_via_service(hub, token, batch))
                    _say(f"{'floor' if kind == 'F' else 'import'} {round_}: "
                         f"{(floors if kind == 'F' else imports)[-1]:.1f} s; removing")
                    _remove(hub, names)
                    _drop_groups(hub, list(batch))
                n = args.classes * args.per_class
                t_floor, t_import = statistics.mean(floors), statistics.mean(imports)
                print(f"floor ({n} students in {args.classes} classes): {t_floor:.1f} s "
                      f"(runs {', '.join(f'{t:.1f}' for t in floors)})")
                print(f"class sync through the service: {t_import:.1f} s "
                      f"(runs {', '.join(f'{t:.1f}' for t in imports)})")
                print(f"ratio import / floor: {t_import / t_floor:.2f}x (target <= 1.3x)",
                      flush=True)

            client = hub.hub()
            names = [f"{prefix}l{i:04d}" for i in range(args.list_students)]
            made += names
            t0 = time.perf_counter()
            homes = workdir / "homes"
            homes.mkdir()
            for i in range(0, len(names), 500):
                # the hub (LocalAuthenticator) wants system accounts: newusers makes 500 in one
                # run (the list benchmark does not read them; a useradd loop would take minutes)
                lines = "".join(f"{n}:{generate_password()}::::{homes / n}:/bin/bash\n"
                                for n in names[i:i + 500])
                subprocess.run(["newusers"], input=lines, text=True,  # noqa: S603,S607
                               check=True)
                client.add_users(names[i:i + 500])
            for c in range(0, len(names), 30):
                klass = f"{prefix}c{c // 30:03d}"
                groups.append(klass)
                r = requests.post(f"{hub.service_api}/classes", json={"name": klass},
                                  headers=headers, timeout=60)
                r.raise_for_status()
                client.add_group_members(klass, names[c:c + 30])
            print(f"(setup: {len(names)} hub users in {len(names) // 30} classes in "
                  f"{time.perf_counter() - t0:.1f} s)", flush=True)
            session = requests.Session()
            times = []
            count = 0
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                r = session.get(f"{hub.service_api}/classes", headers=headers, timeout=60)
                times.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
                count = sum(len(c["members"]) for c in r.json()["classes"])
            times.sort()
            print(f"class list, GET /api/v1/classes with {count} students "
                  f"({args.rounds} calls): p50 {statistics.median(times):.0f} ms, "
                  f"p95 {times[int(0.95 * (len(times) - 1))]:.0f} ms (target p95 <= 50 ms)",
                  flush=True)
        finally:
            _say(f"cleaning up {len(made)} users, {len(groups)} groups ...")
            _remove(hub, made)
            _drop_groups(hub, groups)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
