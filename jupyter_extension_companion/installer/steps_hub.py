"""Installer steps for the hub: adopt a guide-built host, write the hub config, the systemd unit."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..provision.atomic import write_text_atomic
from ..provision.commands import run as probe_run
from ..provision.errors import ClassroomError
from ..provision.existing_hub import hub_db_candidates, read_hub_db_users, read_old_config
from ..provision.health import systemd_running
from .engine import Context, Step, StepSkipped
from .state import load_state, sha256_file, sha256_text, update_state
from .steps_system import chosen_admin, find_proxy


def backup_path(path: Path, label: str = "backup") -> Path:
    """``path.<label>-YYYYmmdd-HHMMSS`` next to ``path`` (a free name)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    return candidate


def _split_classpath(value: str | None) -> list[str]:
    return [e for e in (value or "").split(os.pathsep) if e]


@dataclass
class AdoptStep(Step):
    """A host built by hand from the guide: keep its users, admin and class path."""

    title: str = "Existing hub (built by hand?)"

    def plan(self, ctx: Context) -> list[str]:
        config = ctx.paths.hub_config
        state = load_state(ctx.paths)
        adopted = state.get("adopted") or {}
        ctx.facts["adopted_users"] = list(adopted.get("allowed_users", []))
        ctx.facts["adopted_admins"] = list(adopted.get("admin_users", []))
        ctx.facts["adopted_classpath"] = list(adopted.get("classpath", []))
        if not ctx.facts.get("admin"):
            ctx.facts["admin"] = chosen_admin(ctx)
        if not config.is_file():
            return []
        if state.get("hub_config_sha") == sha256_file(config):
            return []  # the config we wrote last time, untouched
        venv_python = ctx.paths.venv / "bin" / "python"
        old = read_old_config(config, python=venv_python if venv_python.exists() else None)
        db_users: set[str] = set()
        db_admins: set[str] = set()
        for db in hub_db_candidates(old, ctx.options.unit_path):
            if db.is_file() and db.resolve() != (ctx.paths.state / "jupyterhub.sqlite").resolve():
                found_users, found_admins = read_hub_db_users(db)
                db_users.update(found_users)
                db_admins.update(found_admins)
        users = sorted(set(ctx.facts["adopted_users"]) | set(old.allowed_users) | db_users)
        admins = sorted(set(ctx.facts["adopted_admins"]) | set(old.admin_users) | db_admins)
        classpath = list(ctx.facts["adopted_classpath"])
        for entry in _split_classpath(old.classpath):
            if entry not in classpath:
                classpath.append(entry)
        ctx.facts.update(
            adopted_users=users,
            adopted_admins=admins,
            adopted_classpath=classpath,
            adopted_from=str(config),
        )
        if not ctx.facts.get("admin"):
            ctx.facts["admin"] = chosen_admin(ctx)
        changes = [f"back up {config} next to it", f"keep its users ({len(users)}) and admins "
                   f"({', '.join(admins) or 'none'})"]
        if db_users:
            changes.append(f"keep {len(db_users)} users from the old hub database")
        if old.classpath:
            changes.append(f"move CLASSPATH={old.classpath} into the Java kernelspec")
        if (ctx.paths.venv / "bin" / "jupyterhub").exists() and not state.get("venv_created"):
            changes.append(f"keep the existing venv {ctx.paths.venv}")
        return changes

    def apply(self, ctx: Context, changes: list[str]) -> str:
        config = ctx.paths.hub_config
        backup = backup_path(config, "backup")
        shutil.copy2(config, backup)
        state = load_state(ctx.paths)
        backups = list(state.get("backups", [])) + [str(backup)]
        update_state(
            ctx.paths,
            adopted={
                "allowed_users": ctx.facts["adopted_users"],
                "admin_users": ctx.facts["adopted_admins"],
                "classpath": ctx.facts["adopted_classpath"],
            },
            backups=backups,
        )
        ctx.facts["config_backup"] = str(backup)
        return (
            f"backed up to {backup.name}; kept {len(ctx.facts['adopted_users'])} users and "
            f"admins {', '.join(ctx.facts['adopted_admins']) or 'none'}"
        )


def hub_settings(ctx: Context):  # -> HubSettings (imported lazily: engineer B's module)
    from ..provision.hubconfig import HubSettings

    o = ctx.options
    admin = ctx.facts.get("admin")
    admins = sorted(set(ctx.facts.get("adopted_admins") or []) | ({admin} if admin else set()))
    allowed = sorted(set(ctx.facts.get("adopted_users") or []))
    proxy = ctx.facts.get("proxy") or find_proxy() or "configurable-http-proxy"
    return HubSettings(
        paths=ctx.paths,
        admin_users=admins,
        allowed_users=allowed,
        bind_url=f"http://{o.ip}:{o.port}",
        hub_bind_url=f"http://127.0.0.1:{o.hub_api_port}",
        proxy_api_port=o.proxy_api_port,
        service_port=o.service_port,
        venv=ctx.paths.venv,
        proxy_command=[proxy],
        # R_LIBS_SITE replaces Debian's site libraries (where r-cran-irkernel lives) unless it
        # ends with R's own default, %S.
        spawner_env={"R_LIBS_SITE": f"{ctx.paths.r_libs}:%S"},
        subdomain_host=o.subdomain_host,
    )


@dataclass
class HubConfigStep(Step):
    """``jupyterhub_config.py`` from the one renderer, plus the CLI's hub access file."""

    title: str = "Hub configuration"

    def plan(self, ctx: Context) -> list[str]:
        if not ctx.facts.get("admin"):
            raise ClassroomError(
                "No hub admin: give --admin NAME (the teacher's account) on the first run."
            )
        from ..provision.hubconfig import hub_access_document, read_hub_access, render_hub_config

        settings = hub_settings(ctx)
        text = render_hub_config(settings)
        changes = []
        config = ctx.paths.hub_config
        try:
            current = config.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current != text:
            changes.append(f"{'write' if current is None else 'update'} {config}")
        existing = read_hub_access(ctx.paths)
        if existing is None or existing != hub_access_document(settings, existing["token"]):
            changes.append(f"write {ctx.paths.hub_access} (service token, root only)")
        return changes

    def apply(self, ctx: Context, changes: list[str]) -> str:
        from ..provision.hubconfig import render_hub_config, write_hub_config

        settings = hub_settings(ctx)
        write_hub_config(settings)
        text = render_hub_config(settings)
        update_state(ctx.paths, hub_config_sha=sha256_text(text), admin=ctx.facts.get("admin"))
        ctx.facts["hub_config_changed"] = True
        return f"admins: {', '.join(settings.admin_users)}; users kept: {len(settings.allowed_users)}"


def render_unit(ctx: Context) -> str:
    p = ctx.paths
    venv_bin = p.venv / "bin"
    return "\n".join(
        [
            "# Generated by jupyterlab-classroom's installer; re-run it instead of editing.",
            "[Unit]",
            "Description=JupyterHub (JupyterLab Classroom)",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "User=root",
            f"Environment=PATH={venv_bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            f"WorkingDirectory={p.state}",
            f"ExecStart={venv_bin / 'jupyterhub'} -f {p.hub_config}",
            "Restart=on-failure",
            "RestartSec=5",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
            "",
        ]
    )


def manages_unit(ctx: Context) -> bool:
    """systemctl is used only when systemd runs and the unit is in its own folder."""
    return systemd_running() and ctx.options.unit_path.parent == Path("/etc/systemd/system")


def _systemctl(*args: str) -> str:
    proc = probe_run(["systemctl", *args], check=False)
    return proc.stdout.strip()


NO_SYSTEMD = ("systemd is not running on this host (a container?), so no unit is written; "
              "keep the hub running with --supervisor (in the background, again after a "
              "reboot) or --foreground (in this terminal)")


@dataclass
class ServiceStep(Step):
    """How the hub keeps running: the systemd unit, or supervisor's program (``--supervisor``)."""

    title: str = "Hub service"

    def plan(self, ctx: Context) -> list[str]:
        if ctx.options.supervisor:
            from .supervisor import plan_supervisor

            return plan_supervisor(ctx)
        if not systemd_running():
            raise StepSkipped(NO_SYSTEMD)
        unit = ctx.options.unit_path
        text = render_unit(ctx)
        changes = []
        try:
            current = unit.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current != text:
            changes.append(f"write {unit}")
        if manages_unit(ctx):
            name = unit.name
            if _systemctl("is-enabled", name) != "enabled":
                changes.append(f"enable {name}")
            if not ctx.options.no_start:
                if _systemctl("is-active", name) != "active":
                    changes.append(f"start {name}")
                elif ctx.facts.get("hub_config_changed") or current != text:
                    changes.append(f"restart {name} (its configuration changed)")
        return changes

    def apply(self, ctx: Context, changes: list[str]) -> str:
        if ctx.options.supervisor:
            from .supervisor import apply_supervisor

            return apply_supervisor(ctx)
        unit = ctx.options.unit_path
        text = render_unit(ctx)
        if unit.exists() and not unit.read_text(encoding="utf-8").startswith(text.splitlines()[0]):
            shutil.copy2(unit, backup_path(unit, "backup"))
        unit_changed = write_text_atomic(unit, text, 0o644)
        update_state(ctx.paths, unit=str(unit))
        if not manages_unit(ctx):
            return f"wrote {unit}" if unit_changed else "unit in place"
        name = unit.name
        ctx.run(["systemctl", "daemon-reload"])
        ctx.run(["systemctl", "enable", name])
        if ctx.options.no_start:
            return f"{name} enabled (not started: --no-start)"
        if _systemctl("is-active", name) == "active":
            ctx.run(["systemctl", "restart", name])
            return f"{name} restarted"
        ctx.run(["systemctl", "start", name])
        return f"{name} enabled and started"


def preflight_admin(ctx: Context) -> None:
    """Settle who the admin is (fact ``admin``) before any step runs."""
    ctx.facts["admin"] = chosen_admin(ctx)
