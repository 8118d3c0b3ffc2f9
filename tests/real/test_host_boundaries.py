"""Root touching a student's files and account, raced by the student (real accounts, root).

Each test makes ``clt`` accounts in a scratch home root (below /var/tmp, so the students can
reach their homes) and runs the student's side as that account (``subprocess`` with ``user=``).
The hub is a fake (it records the order of calls); the hook under test is the one the rendered
hub config holds.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.system_accounts import SystemAccounts

from .users_fixture import remove_test_users, system_user_prefix

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (creates system users)"),
]

RACE_SECONDS = float(os.environ.get("CLASSROOM_RACE_SECONDS", "30"))
STUDENT_PYTHON = "/usr/bin/python3"

# The student's side of the notebooks race. As soon as root has made ~/notebooks, the student
# swaps it with a symlink to the target, again and again (renameat2 RENAME_EXCHANGE: one atomic
# syscall per swap), so that the name is a symlink half of the time; then clears the name for
# the next round.
RACER = r"""
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
def swap():
    return libc.renameat2(AT_FDCWD, b"notebooks", AT_FDCWD, b"link", RENAME_EXCHANGE) == 0
def reset():
    for name in ("notebooks", "link"):
        try:
            os.unlink(name)
        except IsADirectoryError:
            os.rmdir(name)
        except FileNotFoundError:
            pass
    os.symlink(sys.argv[1], "link")
target, end = sys.argv[1], float(sys.argv[2])
reset()
rounds = 0
spins = 0
while True:
    spins += 1
    if spins % 4096 == 0 and time.time() > end:
        break
    if not swap():
        continue
    for _ in range(300):
        swap()
    reset()
    rounds += 1
print(rounds)
"""


class Env(SimpleNamespace):
    paths: ClassroomPaths
    accounts: SystemAccounts
    made: list[str]

    def name(self, suffix: str) -> str:
        n = f"{self.prefix}{suffix}"
        self.made.append(n)
        return n


@pytest.fixture
def env() -> Iterator[Env]:
    # /var/tmp, not pytest's tmp_path (below a root-only folder): students must reach their homes
    scratch = Path(tempfile.mkdtemp(prefix="clt-host-", dir="/var/tmp"))
    os.chmod(scratch, 0o755)
    paths = ClassroomPaths().with_prefix(scratch)
    e = Env(paths=paths, accounts=SystemAccounts(paths), made=[], prefix=system_user_prefix(),
            scratch=scratch)
    try:
        yield e
    finally:
        remove_test_users(e.made)
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def root_file() -> Iterator[Path]:
    """A root-owned file in a root-only scratch folder: what the student wants chowned."""
    folder = Path(tempfile.mkdtemp(prefix="clt-rootfile-", dir="/var/tmp"))
    target = folder / "secret"
    target.write_text("root only\n")
    os.chown(target, 0, 0)
    os.chmod(target, 0o600)
    try:
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_student(accounts: SystemAccounts, name: str, argv: list[str], **kw) -> subprocess.Popen:
    """Start ``argv`` as the student, in their home, with a plain environment."""
    account = accounts.get(name)
    assert account is not None
    return subprocess.Popen(  # noqa: S603
        argv, user=account.uid, group=account.gid, extra_groups=[], cwd=account.home,
        env={"PATH": "/usr/bin:/bin", "HOME": account.home}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, **kw)


def race_notebooks(env: Env, name: str, root_file: Path, make) -> None:
    """Run ``make()`` (as root) in a loop while the student swaps ~/notebooks for a symlink to
    ``root_file``; the file's owner and mode must never change."""
    account = env.accounts.get(name)
    nb = Path(account.home) / "notebooks"
    os.rmdir(nb)  # the race starts from a home without the folder (as before a first spawn)
    before = root_file.stat()
    cpus = sorted(os.sched_getaffinity(0))
    racer = as_student(env.accounts, name, [STUDENT_PYTHON, "-c", RACER, str(root_file),
                                            str(time.time() + RACE_SECONDS)],
                       preexec_fn=lambda: os.sched_setaffinity(0, {cpus[-1]}))
    calls = made = wins = 0
    # Root on one CPU, the student on another: when both run, they run at the same time (the
    # best odds a student gets on a real host, also when the test machine is busy).
    os.sched_setaffinity(0, {cpus[0]})
    try:
        deadline = time.monotonic() + RACE_SECONDS
        while time.monotonic() < deadline:
            calls += 1
            try:
                made += bool(make())
            except Exception:  # noqa: BLE001,S110 - a refusal is the right answer to a race
                pass
            st = root_file.stat()
            if (st.st_uid, st.st_gid, st.st_mode) != (before.st_uid, before.st_gid,
                                                      before.st_mode):
                wins += 1
                os.chown(root_file, before.st_uid, before.st_gid)  # and keep counting
                os.chmod(root_file, stat.S_IMODE(before.st_mode))
    finally:
        os.sched_setaffinity(0, set(cpus))
        out, err = racer.communicate(timeout=RACE_SECONDS + 30)
    rounds = int(out.strip() or 0)
    print(f"race: {calls} calls, {made} folders made, {rounds} student swaps, {wins} wins")
    assert racer.returncode == 0, err
    assert rounds > 50 and made > 50, "the race did not really run"
    assert wins == 0, f"the student got a root file chowned {wins} times in {RACE_SECONDS:.0f} s"


def test_pre_spawn_hook_never_chowns_through_a_symlink(env, root_file):
    from traitlets.config import PyFileConfigLoader

    from jupyter_extension_companion.provision.hubconfig import HubSettings, write_hub_config

    settings = HubSettings(paths=env.paths, venv=Path(sys.prefix))
    write_hub_config(settings)
    cfg = PyFileConfigLoader(settings.paths.hub_config.name,
                             path=str(settings.paths.hub_config.parent)).load_config()
    hook = cfg.Spawner.pre_spawn_hook  # the function the rendered config gives the hub
    name = env.name("h")
    assert env.accounts.create(name)
    spawner = SimpleNamespace(user=SimpleNamespace(name=name, groups=[]))  # as the hub's User

    def make() -> bool:
        hook(spawner)
        return (Path(env.accounts.get(name).home) / "notebooks").is_dir()

    race_notebooks(env, name, root_file, make)


def test_ensure_notebooks_never_chowns_through_a_symlink(env, root_file):
    name = env.name("e")
    assert env.accounts.create(name)
    race_notebooks(env, name, root_file, lambda: env.accounts.ensure_notebooks(name))


# ---- the account files: a student's own GECOS cannot hide them --------------------------------


def roster_for(env: Env):
    from jupyter_extension_companion.provision.roster import Roster

    from .test_system_accounts import FakeHub

    hub = FakeHub()
    return Roster(hub, env.paths, env.accounts, actor="tester"), hub


def test_line_separator_in_gecos_hides_no_one(env):
    """``chfn`` (run by the student, allowed by Debian's CHFN_RESTRICT "rwh") puts U+2028 into
    their passwd line; list, disable and remove still find them."""
    import pwd

    from jupyter_extension_companion.provision.system_accounts import login_disabled

    roster, hub = roster_for(env)
    name = env.name("g")
    password = "Gecos-Test-4821"
    roster.add(name, password=password, full_name="Eve Example")
    account = env.accounts.get(name)
    chfn = subprocess.run(  # noqa: S603
        ["chfn", "-r", "R1\u2028hidden", name], user=account.uid, group=account.gid,
        extra_groups=[], input=password + "\n", capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, timeout=60)
    assert chfn.returncode == 0, chfn.stderr
    line = next(x for x in Path("/etc/passwd").read_text("utf-8").split("\n")
                if x.startswith(name + ":"))
    assert "\u2028" in line  # the student really did it

    listed = {s.name: s for s in roster.list()}
    assert name in listed and listed[name].system_account and listed[name].hub_user
    assert listed[name].full_name == "Eve Example"
    assert roster.disable(name).changed
    assert env.accounts.get(name).locked and login_disabled(name)
    change = roster.remove(name)
    assert change.changed and change.archive and Path(change.archive).is_file()
    with pytest.raises(KeyError):
        pwd.getpwnam(name)
    assert name not in hub.users and not env.paths.home_of(name).exists()


# ---- removal: a student writing in their home cannot leave a half-removed account -------------

WRITER = r"""
import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # it has to be killed
if os.fork() == 0:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
n = 0
with open("notebooks/log-%d.txt" % os.getpid(), "a") as log:
    while True:
        log.write("line %d\n" % n)
        log.flush()
        n += 1
        if n % 500 == 0:
            with open("notebooks/f-%d-%d.txt" % (os.getpid(), n), "w") as f:
                f.write("x" * 1000)
"""


def test_removal_while_the_student_writes(env):
    import pwd
    import tarfile
    import threading

    from jupyter_extension_companion.provision.errors import ClassroomError
    from jupyter_extension_companion.provision.system_accounts import _pids_of

    roster, hub = roster_for(env)
    name = env.name("w")
    roster.add(name, password="Writer-Test-9313")
    hub.users[name]["server"] = f"/user/{name}/"  # a running server: stopped first
    account = env.accounts.get(name)
    writer = as_student(env.accounts, name, [STUDENT_PYTHON, "-c", WRITER])
    threading.Thread(target=writer.wait, daemon=True).start()  # reap it (no zombie)
    home = Path(account.home)
    deadline = time.monotonic() + 30
    while not list((home / "notebooks").glob("f-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((home / "notebooks").glob("f-*")), "the student's writer did not start"
    try:
        change = roster.remove(name)
    except ClassroomError as exc:  # allowed only if nothing at all was removed
        assert name in hub.users, f"hub user gone although the removal failed: {exc}"
        assert env.accounts.get(name) is not None and home.is_dir(), exc
        raise
    assert change.changed and change.archive
    with tarfile.open(change.archive) as tar:
        names = tar.getnames()
        log = next(n for n in names if "/notebooks/log-" in n)
        assert tar.extractfile(log).read().startswith(b"line 0\n")
    assert name not in hub.users
    with pytest.raises(KeyError):
        pwd.getpwnam(name)
    assert not home.exists() and _pids_of(account.uid) == []
