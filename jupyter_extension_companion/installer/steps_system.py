"""Installer steps for the operating system: apt packages, the proxy, folders, the admin account."""

from __future__ import annotations

import os
import shutil
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

from ..provision.atomic import write_text_atomic
from ..provision.commands import run as probe_run
from ..provision.errors import ClassroomError
from ..provision.first_login import keep_initial_password, pending_initial_password
from .checks import hostname_problem
from .engine import Context, Step
from .state import load_state, update_state

APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}

# (Debian package, commands that already satisfy it). Node.js and npm only run and install
# configurable-http-proxy: the lab extension is built with Node.js from PyPI (wheelbuild.py). A host whose Node.js or JDK came from
# elsewhere (NodeSource, Temurin) has the commands but not Debian's package, and installing
# Debian's npm next to NodeSource's nodejs would conflict: the commands decide.
BASE_PACKAGES: list[tuple[str, tuple[str, ...]]] = [
    ("python3-venv", ()),
    ("nodejs", ("node",)),
    ("npm", ("npm",)),
    ("default-jdk-headless", ("java", "javac", "jshell")),
    ("git", ("git",)),
    ("curl", ("curl",)),
    ("unzip", ("unzip",)),
]
R_PACKAGES: list[tuple[str, tuple[str, ...]]] = [
    ("r-base-core", ("R", "Rscript")),
    ("r-cran-irkernel", ()),
]
PROXY_NPM_PACKAGE = "configurable-http-proxy@^4.6"


def dpkg_installed(package: str) -> bool:
    """True if dpkg says ``package`` is installed."""
    if shutil.which("dpkg-query") is None:
        return False
    proc = probe_run(["dpkg-query", "-W", "-f=${Status}", package], check=False)
    return proc.returncode == 0 and proc.stdout.strip().endswith("installed") and (
        "not-installed" not in proc.stdout
    )


SUPERVISOR_PACKAGES: list[tuple[str, tuple[str, ...]]] = [("supervisor", ())]


def missing_apt_packages(with_r: bool, supervisor: bool = False) -> list[str]:
    wanted = (BASE_PACKAGES + (R_PACKAGES if with_r else [])
              + (SUPERVISOR_PACKAGES if supervisor else []))
    missing = []
    for package, commands in wanted:
        if commands and all(shutil.which(c) for c in commands):
            continue
        if not dpkg_installed(package):
            missing.append(package)
    return missing


@dataclass
class AptStep(Step):
    """System packages from apt (only those missing)."""

    title: str = "System packages (apt)"

    def plan(self, ctx: Context) -> list[str]:
        if ctx.options.skip_apt:
            return []
        missing = missing_apt_packages(ctx.options.with_r, ctx.options.supervisor)
        return [f"apt-get install {' '.join(missing)}"] if missing else []

    def apply(self, ctx: Context, changes: list[str]) -> str:
        missing = missing_apt_packages(ctx.options.with_r, ctx.options.supervisor)
        ctx.progress("apt-get update", None)
        ctx.run(["apt-get", "update"], env=APT_ENV, timeout=900)
        ctx.progress(f"installing {len(missing)} packages", 0.3)
        ctx.run(
            ["apt-get", "install", "-y", "--no-install-recommends", *missing],
            env=APT_ENV,
            timeout=3600,
        )
        return "installed " + " ".join(missing)


def find_proxy() -> str | None:
    """Absolute path of configurable-http-proxy, if installed."""
    for candidate in (
        shutil.which("configurable-http-proxy"),
        "/usr/local/bin/configurable-http-proxy",
        "/usr/bin/configurable-http-proxy",
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class ProxyStep(Step):
    """configurable-http-proxy from npm (global)."""

    title: str = "configurable-http-proxy (npm)"

    def plan(self, ctx: Context) -> list[str]:
        found = find_proxy()
        if found:
            ctx.facts["proxy"] = found
            return []
        return [f"npm install -g {PROXY_NPM_PACKAGE}"]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        ctx.run(["npm", "install", "-g", PROXY_NPM_PACKAGE], timeout=900)
        found = find_proxy()
        if not found:
            raise ClassroomError(
                "npm installed configurable-http-proxy but it is not on the PATH; check "
                "`npm prefix -g`"
            )
        ctx.facts["proxy"] = found
        update_state(ctx.paths, npm_proxy_installed=True)
        return f"installed {found}"


def _folders(ctx: Context) -> list[tuple[Path, int]]:
    p = ctx.paths
    return [
        (p.libs, 0o755),
        (p.python_libs, 0o755),
        (p.java_libs, 0o755),
        (p.r_libs, 0o755),
        (p.hub_config_dir, 0o755),
        (p.hub_config_d, 0o755),
        (p.state, 0o700),
        (p.archive, 0o700),
        (p.log_dir, 0o700),
    ]


def unreadable_in_libs(libs: Path) -> list[Path]:
    """Files and folders below ``libs`` that a student could not read (or enter)."""
    bad: list[Path] = []
    if not libs.is_dir():
        return bad
    for root, dirs, files in os.walk(libs):
        for d in dirs:
            path = Path(root) / d
            mode = path.lstat().st_mode
            if stat.S_ISDIR(mode) and (mode & 0o005) != 0o005:
                bad.append(path)
        for f in files:
            path = Path(root) / f
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode) and not mode & 0o004:
                bad.append(path)
    return bad


@dataclass
class FoldersStep(Step):
    """Shared library folders (readable by all), config, state and log folders."""

    title: str = "Folders and permissions"

    def plan(self, ctx: Context) -> list[str]:
        changes = []
        for path, mode in _folders(ctx):
            if not path.is_dir():
                changes.append(f"create {path}")
            elif (path.stat().st_mode & 0o777) != mode:
                changes.append(f"chmod {mode:o} {path}")
        bad = unreadable_in_libs(ctx.paths.libs)
        if bad:
            changes.append(f"make {len(bad)} entries in {ctx.paths.libs} readable by all")
        return changes

    def apply(self, ctx: Context, changes: list[str]) -> str:
        for path, mode in _folders(ctx):
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, mode)
        fixed = make_readable(ctx.paths.libs)
        extra = f", {fixed} made readable" if fixed else ""
        return f"{len(changes)} change(s){extra}"


def make_readable(libs: Path) -> int:
    """Give everyone read access below ``libs`` (and enter access on folders)."""
    fixed = 0
    for path in unreadable_in_libs(libs):
        mode = path.lstat().st_mode
        os.chmod(path, (mode & 0o7777) | (0o055 if stat.S_ISDIR(mode) else 0o044))
        fixed += 1
    return fixed


@dataclass
class AdminAccountStep(Step):
    """The teacher's system account (PAM login), created with a generated password if missing."""

    title: str = "Teacher account"

    def _admin(self, ctx: Context) -> str | None:
        return ctx.facts.get("admin")

    def plan(self, ctx: Context) -> list[str]:
        admin = self._admin(ctx)
        if not admin:
            return []
        import pwd

        try:
            pwd.getpwnam(admin)
        except KeyError:
            return [f"create the system account {admin} with a generated password"]
        return []

    def apply(self, ctx: Context, changes: list[str]) -> str:
        from ..provision.passwords import generate_password
        from ..provision.system_accounts import SystemAccounts

        admin = self._admin(ctx)
        assert admin
        accounts = SystemAccounts(ctx.paths)
        accounts.create(admin, full_name="Teacher")
        password = generate_password()
        accounts.set_passwords({admin: password})
        kept = keep_initial_password(ctx.paths, admin, password)
        # Printed now, before anything later can fail; never written to the log.
        ctx.facts["admin_password"] = password
        ctx.facts["admin_password_file"] = str(kept)
        ctx.out.write(f"\r\033[K  Password of {admin}: {password}\n" if _tty(ctx) else
                      f"  Password of {admin}: {password}\n")
        ctx.say(f"  (kept root-only in {kept} until {admin} first logs in)")
        update_state(ctx.paths, created_admin=admin)
        return f"created {admin}"


def _tty(ctx: Context) -> bool:
    return bool(getattr(ctx.out, "isatty", lambda: False)())


def password_hint(ctx: Context) -> str | None:
    """Where a teacher who has not logged in yet finds the generated password (or None)."""
    admin = ctx.facts.get("admin")
    if not admin or ctx.facts.get("admin_password"):
        return None  # none, or printed in this run
    kept = pending_initial_password(ctx.paths, admin)
    if kept is None:
        return None
    return (f"{admin} has not logged in yet; the generated password is in {kept} "
            f"(root only): sudo cat {kept}")


def chosen_admin(ctx: Context) -> str | None:
    """--admin, else the admin of an earlier run, else the first adopted admin."""
    if ctx.options.admin:
        return ctx.options.admin
    state = load_state(ctx.paths)
    if state.get("admin"):
        return str(state["admin"])
    adopted = ctx.facts.get("adopted_admins") or []
    return adopted[0] if adopted else None


HOSTS_MARK = "# added by jupyterlab-classroom: JupyterHub's proxy start connects to the host name"


@dataclass
class HostNameStep(Step):
    """The host name resolves (JupyterHub connects to it when the hub listens on all addresses).

    Debian's installer maps the host name to 127.0.1.1 in /etc/hosts; containers and chroots
    often lack that line, and the hub then fails with "Unexpected error connecting to NAME:8000".
    """

    title: str = "Host name resolves"

    def _line(self) -> str:
        return f"127.0.1.1\t{socket.gethostname()}\t{HOSTS_MARK}"

    def plan(self, ctx: Context) -> list[str]:
        if ctx.options.ip not in ("", "0.0.0.0", "::"):  # noqa: S104 - what we look for
            return []
        problem = hostname_problem()
        if problem is None:
            return []
        hosts = ctx.options.hosts_file
        try:
            if self._line() in hosts.read_text(encoding="utf-8").splitlines():
                return []  # ours is there (a scratch --prefix): the final check says the rest
        except FileNotFoundError:
            pass
        return [f"{problem}: add `127.0.1.1 {socket.gethostname()}` to {hosts}"]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        hosts = ctx.options.hosts_file
        try:
            text = hosts.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        else:
            shutil.copy2(hosts, hosts.with_name(hosts.name + ".classroom-backup"))
        if text and not text.endswith("\n"):
            text += "\n"
        hosts.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(hosts, text + self._line() + "\n", 0o644)
        return f"127.0.1.1 {socket.gethostname()} in {hosts}"


@dataclass
class CommandLinkStep(Step):
    """``classroom`` on root's PATH: a symlink in /usr/local/sbin to the venv's command."""

    title: str = "`classroom` command on root's PATH"

    def _target(self, ctx: Context) -> Path:
        return ctx.paths.venv / "bin" / "classroom"

    def plan(self, ctx: Context) -> list[str]:
        link = ctx.options.command_link
        target = self._target(ctx)
        if link.is_symlink() and Path(os.readlink(link)) == target:
            return []
        if link.exists() and not link.is_symlink():
            raise ClassroomError(
                f"{link} exists and is not the installer's link: move it away and re-run."
            )
        return [f"link {link} -> {target}"]

    def apply(self, ctx: Context, changes: list[str]) -> str:
        link = ctx.options.command_link
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.with_name(f".{link.name}.tmp")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(self._target(ctx))
        os.replace(tmp, link)  # atomic: an old link is swapped, never missing
        update_state(ctx.paths, command_link=str(link))
        return f"{link}"
