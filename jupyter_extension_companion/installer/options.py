"""The installer's command line: every path an option with the guide's value as default."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..paths import ClassroomPaths
from ..provision.errors import ClassroomError
from ..provision.hubconfig import HUB_API_PORT, PROXY_API_PORT, SERVICE_PORT
from ..provision.lab_overrides import LANGUAGES
from .wheelbuild import is_checkout

DEFAULT_UNIT = Path("/etc/systemd/system/jupyterhub.service")
DEFAULT_PACKAGE = "jupyterlab-classroom"
_NAME_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass
class Options:
    paths: ClassroomPaths
    unit_path: Path
    python: Path
    admin: str | None = None
    port: int = 8000
    ip: str = ""
    hub_api_port: int = HUB_API_PORT
    proxy_api_port: int = PROXY_API_PORT
    service_port: int = SERVICE_PORT
    java_kernel: str = "jjava"
    ijava_zip: Path | None = None
    with_r: bool = False
    package: str = DEFAULT_PACKAGE
    pip_index_url: str | None = None
    prefix: Path | None = None
    dry_run: bool = False
    uninstall: bool = False
    foreground: bool = False
    no_start: bool = False
    force_os: bool = False
    skip_apt: bool = False
    skip_jars: bool = False
    subdomain_host: str = ""
    hosts_file: Path = Path("/etc/hosts")
    command_link: Path = Path("/usr/local/sbin/classroom")
    supervisor: bool = False
    supervisor_config: Path = Path("/etc/supervisor/supervisord.conf")
    language: str | None = None
    # idle timeouts in minutes (None: keep the host's current setting, defaults on a new host)
    kernel_idle_minutes: int | None = None
    server_idle_minutes: int | None = None
    # school defaults (None: keep the host's current setting, defaults on a new host)
    news_prompt: bool | None = None
    student_extension_manager: bool | None = None
    show_server_owner: bool | None = None
    argv: tuple[str, ...] = ()

    @property
    def hub_url(self) -> str:
        host = self.ip if self.ip not in ("", "0.0.0.0", "::") else "127.0.0.1"  # noqa: S104
        return f"http://{host}:{self.port}"


def _on_off(value: str | None) -> bool | None:
    return None if value is None else value == "on"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jupyter_extension_companion.installer",
        description="Turn this Ubuntu 24.04 / Debian 12 host into a classroom JupyterHub. "
        "Safe to run again at any time: each step changes only what is missing.",
    )
    p.add_argument("--admin", metavar="NAME", help="hub admin (teacher) account name")
    p.add_argument("--port", type=int, default=8000, help="public hub port (default 8000)")
    p.add_argument("--ip", default="", help="address the hub listens on (default: all)")
    # Internal ports below 1024: no student can listen there while the hub is down.
    p.add_argument("--hub-api-port", type=int, default=HUB_API_PORT,
                   help=f"internal hub API port on 127.0.0.1 (default {HUB_API_PORT})")
    p.add_argument("--proxy-api-port", type=int, default=PROXY_API_PORT,
                   help=f"internal proxy API port on 127.0.0.1 (default {PROXY_API_PORT})")
    p.add_argument("--service-port", type=int, default=SERVICE_PORT,
                   help=f"classroom service port on 127.0.0.1 (default {SERVICE_PORT})")
    p.add_argument("--java-kernel", choices=["jjava", "ijava"], default="jjava")
    p.add_argument("--ijava-zip", type=Path, metavar="PATH", help="IJava 1.3.0 release zip")
    p.add_argument("--with-r", action="store_true", help="also install R and its kernel (apt)")
    p.add_argument("--language", choices=sorted(LANGUAGES),
                   help="default JupyterLab language for everyone (de: German; each user may "
                   "still choose in Settings -> Language)")
    p.add_argument(
        "--package",
        default=DEFAULT_PACKAGE,
        metavar="SOURCE",
        help="where to install jupyterlab-classroom from: a wheel (path or URL), a package "
        "name on the index, or a checkout (its wheel is built with Node.js from PyPI) "
        "(default: the release on PyPI)",
    )
    p.add_argument("--pip-index-url", metavar="URL", help="Python package index to use")
    p.add_argument("--subdomain-host", metavar="HOST", default="",
                   help="serve each user's server on <name>.HOST (its own origin; needs wildcard "
                   "DNS and a wildcard certificate), e.g. https://hub.school.example")
    p.add_argument("--kernel-idle-minutes", type=int, metavar="MIN",
                   help="stop a student's kernel idle this long (default 20; 0: never)")
    p.add_argument("--server-idle-minutes", type=int, metavar="MIN",
                   help="stop a student's server idle this long (default 60; 0: never)")
    s = p.add_argument_group("school defaults (editable later in the sidebar; kept on a re-run "
                             "unless given)")
    for flag, text in (
        ("--news-prompt", "JupyterLab's 'get notified about Jupyter news?' prompt (default off)"),
        ("--student-extension-manager", "the Extension Manager in students' JupyterLab "
         "(default off)"),
        ("--show-server-owner", "a teacher who opens a student's server sees whose it is "
         "(default on)"),
    ):
        s.add_argument(flag, choices=["on", "off"], metavar="on|off", help=text)
    g = p.add_argument_group("paths (defaults are the teaching guide's)")
    g.add_argument("--prefix", type=Path, help="install every path below this scratch root")
    g.add_argument("--venv", type=Path, help="default /opt/jupyterhub-venv")
    g.add_argument("--hub-config-dir", type=Path, help="default /etc/jupyterhub")
    g.add_argument("--libs", type=Path, help="default /opt/jupyterhub-libs")
    g.add_argument("--state", type=Path, help="default /var/lib/jupyterhub-classroom")
    g.add_argument("--log-dir", type=Path, help="default /var/log/jupyterhub-classroom")
    g.add_argument("--home-root", type=Path, help="default /home (never below --prefix)")
    g.add_argument("--systemd-unit", type=Path, help=f"default {DEFAULT_UNIT}")
    g.add_argument("--python", type=Path, default=Path("/usr/bin/python3"),
                   help="Python that creates the venv (default /usr/bin/python3)")
    m = p.add_argument_group("mode")
    m.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    m.add_argument("--uninstall", action="store_true",
                   help="remove what the installer installed (keeps /home and the archives)")
    m.add_argument("--foreground", action="store_true",
                   help="after installing, run the hub in the foreground (hosts without systemd)")
    m.add_argument("--supervisor", action="store_true",
                   help="hosts without systemd: run the hub in the background under Debian's "
                   "supervisor (apt), started again after a reboot")
    m.add_argument("--no-start", action="store_true", help="do not start the hub")
    m.add_argument("--force-os", action="store_true", help="run on an unsupported OS anyway")
    m.add_argument("--skip-apt", action="store_true", help=argparse.SUPPRESS)
    m.add_argument("--skip-jars", action="store_true", help=argparse.SUPPRESS)
    return p


def _subdomain_host(value: str) -> str:
    from ..provision.hubconfig import normalize_subdomain_host

    return normalize_subdomain_host(value) if value else ""


def under_prefix(prefix: Path | None, path: Path) -> Path:
    """``path`` below a scratch ``--prefix`` (or ``path`` itself)."""
    return prefix / path.relative_to("/") if prefix else path


def parse_options(argv: list[str]) -> Options:
    """Parse and validate ``argv``; ClassroomError on bad input (before anything runs)."""
    args = build_parser().parse_args(argv)
    base = ClassroomPaths()
    if args.prefix is not None:
        if not args.prefix.is_absolute():
            raise ClassroomError("--prefix must be an absolute path")
        # Students' homes are real system homes: a scratch prefix never moves them.
        base = replace(base.with_prefix(args.prefix), home_root=base.home_root)
    overrides = {
        name: getattr(args, name)
        for name in ("venv", "hub_config_dir", "libs", "state", "log_dir", "home_root")
        if getattr(args, name) is not None
    }
    for name, value in overrides.items():
        if not value.is_absolute():
            raise ClassroomError(f"--{name.replace('_', '-')} must be an absolute path")
    paths = replace(base, **overrides)
    unit = args.systemd_unit or (
        args.prefix / DEFAULT_UNIT.relative_to("/") if args.prefix else DEFAULT_UNIT
    )
    if args.admin is not None and not _NAME_RE.fullmatch(args.admin):
        raise ClassroomError(
            f"--admin {args.admin!r} is not a valid user name (lowercase letter first, then "
            "a-z, 0-9, _ or -, at most 32 characters)"
        )
    for flag in ("port", "hub_api_port", "proxy_api_port", "service_port"):
        if not 1 <= getattr(args, flag) <= 65535:
            raise ClassroomError(f"--{flag.replace('_', '-')} must be a port number (1-65535)")
    if len({args.port, args.hub_api_port, args.proxy_api_port, args.service_port}) != 4:
        raise ClassroomError(
            "--port, --hub-api-port, --proxy-api-port and --service-port must differ"
        )
    if args.java_kernel == "ijava":
        if args.ijava_zip is None:
            raise ClassroomError(
                "--java-kernel ijava needs --ijava-zip PATH (the IJava 1.3.0 release zip you "
                "downloaded from github.com/SpencerPark/IJava/releases)"
            )
        if not args.ijava_zip.is_file():
            raise ClassroomError(f"--ijava-zip {args.ijava_zip}: no such file")
    elif args.ijava_zip is not None:
        raise ClassroomError("--ijava-zip only goes with --java-kernel ijava")
    if args.foreground and args.no_start:
        raise ClassroomError("--foreground and --no-start contradict each other")
    if args.supervisor and args.foreground:
        raise ClassroomError("--supervisor and --foreground contradict each other: choose one")
    if args.uninstall and args.foreground:
        raise ClassroomError("--uninstall and --foreground contradict each other")
    package = args.package
    if package != DEFAULT_PACKAGE and not re.match(r"^https?://\S+$", package):
        candidate = Path(package)
        if candidate.suffix == ".whl" or package.startswith(("/", ".")):
            if not candidate.exists():
                raise ClassroomError(f"--package {package}: no such file or folder")
            if candidate.is_dir() and not is_checkout(candidate):
                raise ClassroomError(
                    f"--package {package}: not a checkout of jupyterlab-classroom (no "
                    "pyproject.toml and package-lock.json); give a wheel, a URL or a package name"
                )
            package = str(candidate.resolve())
    if args.pip_index_url is not None and not re.fullmatch(r"https?://\S+", args.pip_index_url):
        raise ClassroomError("--pip-index-url must be an http(s) URL")
    for flag in ("kernel_idle_minutes", "server_idle_minutes"):
        value = getattr(args, flag)
        if value is not None and not (value == 0 or 1 <= value <= 7 * 24 * 60):
            raise ClassroomError(
                f"--{flag.replace('_', '-')} must be 0 (never) or 1 to 10080 minutes (7 days)")
    return Options(
        paths=paths,
        unit_path=unit,
        python=args.python,
        admin=args.admin,
        port=args.port,
        ip=args.ip,
        hub_api_port=args.hub_api_port,
        proxy_api_port=args.proxy_api_port,
        service_port=args.service_port,
        java_kernel=args.java_kernel,
        ijava_zip=args.ijava_zip.resolve() if args.ijava_zip else None,
        with_r=args.with_r,
        package=package,
        pip_index_url=args.pip_index_url,
        prefix=args.prefix,
        dry_run=args.dry_run,
        uninstall=args.uninstall,
        foreground=args.foreground,
        no_start=args.no_start,
        force_os=args.force_os,
        skip_apt=args.skip_apt,
        skip_jars=args.skip_jars,
        subdomain_host=_subdomain_host(args.subdomain_host),
        hosts_file=under_prefix(args.prefix, Path("/etc/hosts")),
        command_link=under_prefix(args.prefix, Path("/usr/local/sbin/classroom")),
        supervisor=args.supervisor,
        supervisor_config=under_prefix(args.prefix, Path("/etc/supervisor/supervisord.conf")),
        language=args.language,
        kernel_idle_minutes=args.kernel_idle_minutes,
        server_idle_minutes=args.server_idle_minutes,
        news_prompt=_on_off(args.news_prompt),
        student_extension_manager=_on_off(args.student_extension_manager),
        show_server_owner=_on_off(args.show_server_owner),
        argv=tuple(argv),
    )
