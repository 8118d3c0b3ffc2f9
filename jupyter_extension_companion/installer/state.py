"""What the installer remembers between runs (``{state}/installer.json``, root-only).

It records what the installer itself put on the host (so ``--uninstall`` removes only that), the
fingerprint of the installed package (so a re-run reinstalls only when the source changed), the
hash of the hub config it wrote last (so hand edits are backed up, never silently lost) and the
users adopted from a guide-built host (so they stay in every regenerated config).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from ..provision.atomic import write_text_atomic


def state_file(paths: ClassroomPaths) -> Path:
    return paths.state / "installer.json"


def load_state(paths: ClassroomPaths) -> dict[str, Any]:
    """The installer's memory, or an empty dict on a fresh host."""
    try:
        data = json.loads(state_file(paths).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def update_state(paths: ClassroomPaths, **changes: Any) -> None:
    """Merge ``changes`` into the stored state (atomic write, 0600)."""
    data = load_state(paths)
    data.update(changes)
    paths.state.mkdir(parents=True, exist_ok=True)
    write_text_atomic(state_file(paths), json.dumps(data, indent=2, sort_keys=True) + "\n", 0o600)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# What a wheel is built from (wheelbuild): a change in any of these means a new wheel.
_TREE_FILES = ("pyproject.toml", "package.json", "package-lock.json", "install.json",
               "tsconfig.json")
_TREE_FOLDERS = ("jupyter_extension_companion", "src", "style", "schema", "jupyter-config")


def tree_fingerprint(root: Path) -> str:
    """A hash of a source tree's package files (names and contents), for ``--package DIR``.

    A built lab extension (``labextension/``) is output, not source: it does not count.
    """
    h = hashlib.sha256()
    wanted = [root / name for name in _TREE_FILES]
    for folder in _TREE_FOLDERS:
        if (root / folder).is_dir():
            wanted += sorted(
                p
                for p in (root / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and "labextension" not in p.parts
                and not p.name.endswith(".pyc")
            )
    for p in wanted:
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + b"\0")
            h.update(p.read_bytes())
    return h.hexdigest()
