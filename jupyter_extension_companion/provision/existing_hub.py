"""Hosts built by hand from the teaching guide: read what their hub config says.

The old ``jupyterhub_config.py`` is executed the way JupyterHub would (it is root's own file), but
in a separate Python process with a fresh traitlets ``Config`` as ``c`` and a dummy
``get_config``, so nothing it does reaches the installer. Only plain values come back as JSON:
allowed users, admins, the spawner environment (``CLASSPATH``) and the bind URL.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..provision.errors import ClassroomError

# Runs in the child process: argv[1] is the config file. Prints one JSON object.
_READER = r"""
import json, os, sys
from traitlets.config import Config, LazyConfigValue

path = os.path.abspath(sys.argv[1])
c = Config()

def get_config():
    return c

def load_subconfig(name, path=None):
    full = name if os.path.isabs(name) else os.path.join(os.path.dirname(path_stack[-1]), name)
    if os.path.exists(full):
        run(full)

path_stack = []

def run(file):
    path_stack.append(file)
    with open(file, encoding="utf-8") as f:
        code = compile(f.read(), file, "exec")
    ns = {"c": c, "get_config": get_config, "load_subconfig": load_subconfig,
          "__file__": file, "__name__": "__main__"}
    exec(code, ns)
    path_stack.pop()

run(path)

def value(section, key, initial=None):
    if section not in c or key not in c[section]:
        return None
    v = c[section][key]
    if isinstance(v, LazyConfigValue):
        v = v.get_value(initial if initial is not None else type(initial)())
    return v

def names(key):
    out = set()
    for section in ("Authenticator", "PAMAuthenticator", "LocalAuthenticator", "JupyterHub"):
        v = value(section, key, set())
        if v:
            out.update(str(x) for x in v)
    return sorted(out)

env = {}
for section in ("Spawner", "LocalProcessSpawner"):
    v = value(section, "environment", {})
    if isinstance(v, dict):
        env.update({str(k): str(x) for k, x in v.items() if isinstance(x, (str, int, float))})
port = value("JupyterHub", "port")
print(json.dumps({
    "allowed_users": names("allowed_users") + names("whitelist"),
    "admin_users": names("admin_users"),
    "environment": env,
    "bind_url": value("JupyterHub", "bind_url"),
    "port": port if isinstance(port, int) else None,
    "authenticator_class": str(value("JupyterHub", "authenticator_class") or ""),
    "db_url": str(value("JupyterHub", "db_url") or ""),
}))
"""


@dataclass
class OldConfig:
    """What a hand-built hub config said, as far as the installer keeps it."""

    path: Path
    allowed_users: list[str] = field(default_factory=list)
    admin_users: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    bind_url: str | None = None
    port: int | None = None
    authenticator_class: str = ""
    db_url: str = ""

    @property
    def classpath(self) -> str | None:
        """The ``CLASSPATH`` the guide put in the spawner environment (never reaches Java)."""
        return self.environment.get("CLASSPATH") or None

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "allowed_users": self.allowed_users,
            "admin_users": self.admin_users,
            "environment": self.environment,
            "bind_url": self.bind_url,
            "port": self.port,
        }


def read_old_config(path: Path, python: Path | None = None, timeout: float = 60) -> OldConfig:
    """Execute the hub config at ``path`` in a sandboxed ``c`` and return its users and env.

    ``python`` is the interpreter to use (the old venv's, so the config's own imports work);
    default: this one. Raises ClassroomError with the config's error if it does not run.
    """
    interpreter = str(python) if python and Path(python).exists() else sys.executable
    try:
        proc = subprocess.run(  # noqa: S603 - argv list
            [interpreter, "-c", _READER, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(Path(path).parent),
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise ClassroomError(f"reading the old hub config {path} took over {timeout:.0f} s") from e
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise ClassroomError(
            f"could not read the existing hub config {path} (to keep its users): "
            + " / ".join(tail)
            + ". Fix it, or move it away, and re-run.",
            code="old_config_unreadable",
        )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return OldConfig(
        path=Path(path),
        allowed_users=list(dict.fromkeys(data["allowed_users"])),
        admin_users=list(data["admin_users"]),
        environment=dict(data["environment"]),
        bind_url=data.get("bind_url") or None,
        port=data.get("port"),
        authenticator_class=data.get("authenticator_class", ""),
        db_url=data.get("db_url", ""),
    )


def hub_db_candidates(old: OldConfig, unit: Path | None = None) -> list[Path]:
    """Where a hand-started hub kept its sqlite database (its users added in the admin page).

    ``db_url`` defaults to ``sqlite:///jupyterhub.sqlite``, relative to the folder the hub was
    started in: the config's folder, the unit's ``WorkingDirectory``, ``/`` (systemd's default)
    or root's home.
    """
    folders = [old.path.parent]
    if unit is not None and unit.is_file():
        for line in unit.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip().startswith("WorkingDirectory="):
                folders.append(Path(line.split("=", 1)[1].strip()))
    folders += [Path("/"), Path("/root")]
    url = old.db_url or "sqlite:///jupyterhub.sqlite"
    if not url.startswith("sqlite:///"):
        return []
    name = url[len("sqlite:///"):]
    if name.startswith("/"):
        return [Path(name)]
    return list(dict.fromkeys(f / name for f in folders))


def read_hub_db_users(db: Path) -> tuple[list[str], list[str]]:
    """(users, admins) from a JupyterHub sqlite database, opened read-only."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    except sqlite3.Error:
        return [], []
    try:
        rows = conn.execute("SELECT name, admin FROM users").fetchall()
    except sqlite3.Error:
        return [], []
    finally:
        conn.close()
    users = sorted(str(n) for n, _ in rows)
    admins = sorted(str(n) for n, a in rows if a)
    return users, admins
