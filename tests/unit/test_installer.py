"""The installer's step engine, options, dry run, adoption parsing and checks (no root needed)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from jupyter_extension_companion.installer.engine import Context, Step, run_steps
from jupyter_extension_companion.installer.main import check_host, defaults_steps, install_steps
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.installer.steps_python import package_fingerprint, unsatisfied
from jupyter_extension_companion.installer.uninstall import uninstall_steps
from jupyter_extension_companion.provision import health as checks
from jupyter_extension_companion.provision.errors import ClassroomError, CommandFailed
from jupyter_extension_companion.provision.existing_hub import read_old_config

GUIDE_CONFIG = """\
# jupyterhub_config.py as the teaching guide writes it
c = get_config()
c.JupyterHub.authenticator_class = 'jupyterhub.auth.PAMAuthenticator'
c.Spawner.default_url = '/lab'
c.Spawner.notebook_dir = '~/notebooks'
c.Authenticator.admin_users = {'teacher'}
c.Authenticator.allowed_users = {'anna', 'ben'}
c.Spawner.environment = {
    'CLASSPATH': '/opt/jupyterhub-libs/java/*',
    'PYTHONPATH': '/opt/jupyterhub-libs/python',
}
c.JupyterHub.bind_url = 'http://:8000'
"""


@dataclass
class FakeStep(Step):
    changes: list[str] = field(default_factory=list)
    fail: Exception | None = None
    applied: int = 0

    def plan(self, ctx: Context) -> list[str]:
        return list(self.changes)

    def apply(self, ctx: Context, changes: list[str]) -> str:
        if self.fail is not None:
            raise self.fail
        self.applied += 1
        return f"{len(changes)} made"


def _ctx(tmp_path: Path, argv: list[str] | None = None, dry_run: bool = False) -> Context:
    options = parse_options(["--prefix", str(tmp_path), "--admin", "teacher", *(argv or [])])
    return Context(options, options.paths, out=io.StringIO(), log_path=tmp_path / "install.log",
                   dry_run=dry_run)


def test_one_line_per_step_with_counter_and_outcome(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    ctx.open_log()
    steps = [FakeStep("First", []), FakeStep("Second", ["make x"])]
    report = run_steps(ctx, steps, "again")
    ctx.close_log()
    lines = ctx.out.getvalue().splitlines()
    assert lines == ["[ 1/2] First … nothing to change", "[ 2/2] Second … done (1 made)"]
    assert report.ok and report.changed and steps[1].applied == 1
    log = (tmp_path / "install.log").read_text()
    assert "change: make x" in log


def test_failing_step_shows_output_and_how_to_resume_and_stops(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    boom = CommandFailed(["pip", "install", "x"], 1, "ERROR: no index\nline two")
    later = FakeStep("Later", ["y"])
    report = run_steps(ctx, [FakeStep("Pip", ["x"], fail=boom), later], "sudo bash b.sh --admin t")
    text = ctx.out.getvalue()
    assert not report.ok
    assert "[ 1/2] Pip … FAILED" in text
    assert "| ERROR: no index" in text and "| line two" in text
    assert "re-run the same command to resume: sudo bash b.sh --admin t" in text
    assert later.applied == 0 and "Later" not in text


def test_dry_run_never_applies(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, dry_run=True)
    step = FakeStep("Thing", ["create a"])
    report = run_steps(ctx, [step], "again")
    assert step.applied == 0 and report.ok
    assert "would create a" in ctx.out.getvalue()
    with pytest.raises(RuntimeError):
        ctx.run(["true"])


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        out[str(p.relative_to(root))] = f"{oct(st.st_mode)} {digest}"
    return out


def test_dry_run_of_every_install_step_changes_nothing(tmp_path: Path) -> None:
    # a host shaped like the guide's, so that adoption is planned too
    (tmp_path / "etc/jupyterhub").mkdir(parents=True)
    (tmp_path / "etc/jupyterhub/jupyterhub_config.py").write_text(GUIDE_CONFIG)
    before = _tree(tmp_path)
    ctx = _ctx(tmp_path, ["--skip-apt"], dry_run=True)
    report = run_steps(ctx, install_steps(), "again")
    assert report.ok, ctx.out.getvalue()
    assert _tree(tmp_path) == before
    text = ctx.out.getvalue()
    assert "keep its users (2) and admins (teacher)" in text
    assert "move CLASSPATH=/opt/jupyterhub-libs/java/* into the Java kernelspec" in text
    assert "would create the venv" in text


def test_the_ui_tests_hub_runs_the_installers_own_defaults_steps(tmp_path: Path) -> None:
    """ui-tests/start_hub.py runs defaults_steps(): they are the install's, in its order, and
    they write no news prompt and school.json into the venv they are given."""
    names = [type(s).__name__ for s in install_steps()]
    mine = [type(s).__name__ for s in defaults_steps()]
    assert mine == ["LabDefaultsStep", "SchoolDefaultsStep"]
    start = names.index(mine[0])
    assert names[start:start + len(mine)] == mine
    ctx = _ctx(tmp_path, [])
    assert run_steps(ctx, defaults_steps(), "again").ok, ctx.out.getvalue()
    overrides = json.loads(ctx.paths.lab_settings_overrides.read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false"}
    school = json.loads((ctx.paths.venv / "share/jupyter/classroom/school.json").read_text())
    assert school == {"show_server_owner": True, "student_extension_manager": False}


def test_dry_run_of_uninstall_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "etc/jupyterhub/jupyterhub_config.d").mkdir(parents=True)
    (tmp_path / "etc/jupyterhub/jupyterhub_config.d/local.py").write_text("c.X = 1\n")
    before = _tree(tmp_path)
    ctx = _ctx(tmp_path, ["--uninstall"], dry_run=True)
    assert run_steps(ctx, uninstall_steps(), "again").ok
    assert _tree(tmp_path) == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--admin", "Bad Name"], "not a valid user name"),
        (["--admin", "t", "--java-kernel", "ijava"], "needs --ijava-zip"),
        (["--admin", "t", "--ijava-zip", "/etc/hostname"], "only goes with --java-kernel ijava"),
        (["--admin", "t", "--port", "881"], "must differ"),
        (["--admin", "t", "--port", "0"], "port number"),
        (["--admin", "t", "--prefix", "relative"], "absolute"),
        (["--admin", "t", "--package", "/nope/x.whl"], "no such file"),
        (["--admin", "t", "--pip-index-url", "file:///etc"], "http(s) URL"),
        (["--admin", "t", "--foreground", "--no-start"], "contradict"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(argv: list[str], message: str) -> None:
    with pytest.raises(ClassroomError) as e:
        parse_options(argv)
    assert message in e.value.message


def test_prefix_moves_every_path_but_homes(tmp_path: Path) -> None:
    o = parse_options(["--prefix", str(tmp_path), "--admin", "t"])
    assert o.paths.venv == tmp_path / "opt/jupyterhub-venv"
    assert o.paths.hub_config == tmp_path / "etc/jupyterhub/jupyterhub_config.py"
    assert o.paths.libs == tmp_path / "opt/jupyterhub-libs"
    assert o.paths.state == tmp_path / "var/lib/jupyterhub-classroom"
    assert o.unit_path == tmp_path / "etc/systemd/system/jupyterhub.service"
    assert o.paths.home_root == Path("/home")


def test_os_check_refuses_other_systems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    o = parse_options(["--admin", "t"])
    check_host(o, {"ID": "debian", "VERSION_ID": "12"})
    check_host(o, {"ID": "ubuntu", "VERSION_ID": "24.04"})
    with pytest.raises(ClassroomError, match="Ubuntu 24.04 and Debian 12.*Fedora"):
        check_host(o, {"ID": "fedora", "VERSION_ID": "40", "PRETTY_NAME": "Fedora 40"})
    check_host(parse_options(["--admin", "t", "--force-os"]), {"ID": "fedora"})
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(ClassroomError, match="root"):
        check_host(o, {"ID": "debian", "VERSION_ID": "12"})


def test_guide_config_is_read_in_a_sandbox(tmp_path: Path) -> None:
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(GUIDE_CONFIG + "c.Authenticator.allowed_users.add('carl')\n")
    old = read_old_config(path)
    assert old.allowed_users == ["anna", "ben", "carl"]
    assert old.admin_users == ["teacher"]
    assert old.classpath == "/opt/jupyterhub-libs/java/*"
    assert old.bind_url == "http://:8000"


def test_lazy_additions_and_subconfigs_are_read(tmp_path: Path) -> None:
    (tmp_path / "extra.py").write_text("c.Authenticator.admin_users.add('second')\n")
    path = tmp_path / "jupyterhub_config.py"
    path.write_text(textwrap.dedent("""\
        c = get_config()
        c.Authenticator.allowed_users.update({'x1', 'x2'})
        c.Authenticator.admin_users = {'boss'}
        load_subconfig('extra.py')
    """))
    old = read_old_config(path)
    assert old.allowed_users == ["x1", "x2"]
    assert sorted(old.admin_users) == ["boss", "second"]
    assert old.classpath is None


def test_a_broken_old_config_is_refused_with_its_error(tmp_path: Path) -> None:
    path = tmp_path / "jupyterhub_config.py"
    path.write_text("c = get_config()\nraise ValueError('half edited')\n")
    with pytest.raises(ClassroomError, match="half edited"):
        read_old_config(path)


def test_requirements_and_fingerprints(tmp_path: Path) -> None:
    installed = {"jupyterhub": "5.5.4", "jjava": "1.0a8", "paho-mqtt": "1.6.1"}
    assert unsatisfied(["jupyterhub>=5.2,<6", "jjava==1.0a8", "paho-mqtt>=2,<3", "ipykernel"],
                       installed) == ["paho-mqtt>=2,<3", "ipykernel"]
    whl = tmp_path / "x-0.1-py3-none-any.whl"
    whl.write_bytes(b"one")
    first = package_fingerprint(str(whl))
    whl.write_bytes(b"two")
    assert package_fingerprint(str(whl)) != first
    assert package_fingerprint("jupyterlab-classroom") == "spec:jupyterlab-classroom"


def test_readable_by_checks_every_folder_above(tmp_path: Path) -> None:
    # pytest's tmp_path lies below a root-only folder: a student could not reach it at all
    folder = tmp_path / "libs"
    folder.mkdir()
    jar = folder / "a.jar"
    jar.write_bytes(b"PK")
    os.chmod(folder, 0o755)
    os.chmod(jar, 0o644)
    assert checks.readable_by(jar, os.getuid(), {os.getgid()})
    if not checks.readable_by(tmp_path, 65534, {65534}):
        assert not checks.readable_by(jar, 65534, {65534})
    base = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        _check_modes(base)
    finally:
        shutil.rmtree(base)


def _check_modes(base: Path) -> None:
    os.chmod(base, 0o755)
    folder = base / "libs"
    folder.mkdir()
    jar = folder / "a.jar"
    jar.write_bytes(b"PK")
    os.chmod(folder, 0o755)
    os.chmod(jar, 0o644)
    assert checks.readable_by(jar, 65534, {65534})
    os.chmod(jar, 0o600)
    assert not checks.readable_by(jar, 65534, {65534})
    os.chmod(jar, 0o644)
    os.chmod(folder, 0o750)
    assert not checks.readable_by(jar, 65534, {65534})


def test_https_warning_only_for_plain_http_beyond_loopback() -> None:
    assert checks.check_https("http://:8000").level == "warn"
    assert checks.check_https("http://10.0.0.5:8000").level == "warn"
    assert checks.check_https("http://127.0.0.1:8000").level == "ok"
    assert checks.check_https("https://hub.example.org").level == "ok"


def test_users_of_the_old_hub_database_are_found(tmp_path: Path) -> None:
    import sqlite3

    from jupyter_extension_companion.provision.existing_hub import (
        hub_db_candidates,
        read_hub_db_users,
    )

    config = tmp_path / "jupyterhub_config.py"
    config.write_text(GUIDE_CONFIG)
    unit = tmp_path / "jupyterhub.service"
    unit.write_text("[Service]\nWorkingDirectory=/srv/hub\nExecStart=x\n")
    old = read_old_config(config)
    candidates = hub_db_candidates(old, unit)
    assert candidates[:2] == [tmp_path / "jupyterhub.sqlite", Path("/srv/hub/jupyterhub.sqlite")]
    db = sqlite3.connect(tmp_path / "jupyterhub.sqlite")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, admin BOOLEAN)")
    db.executemany("INSERT INTO users (name, admin) VALUES (?, ?)", [("dora", 0), ("teacher", 1)])
    db.commit()
    db.close()
    assert read_hub_db_users(tmp_path / "jupyterhub.sqlite") == (["dora", "teacher"], ["teacher"])
    assert read_hub_db_users(tmp_path / "missing.sqlite") == ([], [])


def test_libs_writable_by_students_is_a_failure(tmp_path: Path) -> None:
    from jupyter_extension_companion.paths import ClassroomPaths

    paths = ClassroomPaths().with_prefix(tmp_path)
    for folder in (paths.libs, paths.java_libs, paths.python_libs, paths.r_libs):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        assert checks.check_libs_permissions(paths).level == "ok"
    os.chmod(paths.java_libs, 0o777)
    finding = checks.check_libs_permissions(paths)
    assert finding.level == "fail" and "writable by group/others" in finding.what
    assert "chmod -R go-w" in finding.fix


def test_unreadable_entries_in_libs_are_made_readable(tmp_path: Path) -> None:
    from jupyter_extension_companion.installer.steps_system import make_readable, unreadable_in_libs

    (tmp_path / "java").mkdir()
    jar = tmp_path / "java" / "x.jar"
    jar.write_bytes(b"PK")
    os.chmod(jar, 0o600)
    os.chmod(tmp_path / "java", 0o700)
    assert set(unreadable_in_libs(tmp_path)) == {jar, tmp_path / "java"}
    assert make_readable(tmp_path) == 2
    assert unreadable_in_libs(tmp_path) == []
    assert jar.stat().st_mode & 0o777 == 0o644
