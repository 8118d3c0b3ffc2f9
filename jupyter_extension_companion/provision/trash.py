"""One trash for what the teacher removes from the shared stores: jars, Python libraries, kernels.

``paths.trash/<kind>/<name>`` holds the removed thing as it was (a jar file, a kernelspec
folder, or a folder with a Python library's files laid out as in the shared folder). Removing
the same name again keeps the older entry as ``<name>.<time>.old`` (never restorable by name,
but nothing is lost). :meth:`Trash.take` moves an entry back; it refuses when something of that
name is in place again.

The trash is root's: the folders are 0700, and nothing in them is ever followed for a student.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .audit import SYSTEM
from .changes import Change
from .errors import ClassroomError, NotFound

#: the stores that remove to the trash, as the CLI and the API name them
KINDS = ("jars", "pylibs", "kernels")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+\-]*")


@dataclass
class TrashEntry:
    """One restorable entry: its kind, name and when it was removed (seconds since the epoch)."""

    kind: str
    name: str
    removed: float


def check_kind(kind: str) -> str:
    """``kind`` if it is one of :data:`KINDS`, else a refusal that names them."""
    if kind not in KINDS:
        raise ClassroomError(f"The trash holds {', '.join(KINDS)}, not {kind!r}.", code="bad_kind")
    return kind


class Trash:
    """The trash of one store (``kind``: jars, pylibs or kernels)."""

    def __init__(self, paths: ClassroomPaths, kind: str):
        self.kind = check_kind(kind)
        self.folder = paths.trash / kind

    def _entry(self, name: str) -> Path:
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name.endswith(".old"):
            raise ClassroomError(f"{name!r} is not a name in the trash.", code="bad_name")
        return self.folder / name

    def names(self) -> list[str]:
        """The restorable entries, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir()
                      if not p.name.endswith(".old") and not p.name.startswith("."))

    def entries(self) -> list[TrashEntry]:
        """The restorable entries with the time each was removed."""
        return [TrashEntry(self.kind, n, (self.folder / n).lstat().st_mtime) for n in self.names()]

    def __contains__(self, name: str) -> bool:
        try:
            return os.path.lexists(self._entry(name))
        except ClassroomError:
            return False

    def _make_room(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder.parent, 0o700)
        os.chmod(self.folder, 0o700)
        entry = self._entry(name)
        if os.path.lexists(entry):
            # keep the older removed copy under a time-stamped name
            stamp = f"{time.strftime('%Y%m%d-%H%M%S')}.{time.time_ns() % 1_000_000_000:09d}"
            entry.rename(self.folder / f"{name}.{stamp}.old")
        return entry

    def put(self, name: str, item: Path) -> Path:
        """Move ``item`` (a file or a folder) into the trash as ``name``; returns where it went."""
        entry = self._make_room(name)
        shutil.move(str(item), entry)
        os.utime(entry, follow_symlinks=False)  # "removed at": now
        return entry

    def put_files(self, name: str, base: Path, files: list[Path]) -> Path:
        """Move ``files`` (each below ``base``) into the trash as ``name``, keeping their paths
        relative to ``base`` (a Python library is files spread over several folders)."""
        entry = self._make_room(name)
        entry.mkdir(mode=0o700)
        for f in files:
            rel = f.relative_to(base)
            (entry / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(f), entry / rel)
        return entry

    def _take_entry(self, name: str) -> Path:
        entry = self._entry(name)
        if not os.path.lexists(entry):
            raise NotFound(f"Nothing named {name} in the trash of {self.kind}.")
        return entry

    def take(self, name: str, dest: Path) -> Path:
        """Move entry ``name`` back to ``dest``; refused (409) if ``dest`` exists."""
        entry = self._take_entry(name)
        if os.path.lexists(dest):
            raise ClassroomError(f"{dest} exists: remove it first, then restore {name}.",
                                 code="exists", status=409)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(entry), dest)
        return dest

    def take_files(self, name: str, base: Path) -> list[Path]:
        """Move the files of entry ``name`` (see :meth:`put_files`) back below ``base``; refused
        (409) before anything moves if one of them exists there."""
        entry = self._take_entry(name)
        files = [p for p in sorted(entry.rglob("*")) if not p.is_dir()]
        clash = [base / p.relative_to(entry) for p in files
                 if os.path.lexists(base / p.relative_to(entry))]
        if clash:
            raise ClassroomError(f"{clash[0]} exists: remove {name} first, then restore it.",
                                 code="exists", status=409)
        out = []
        for p in files:
            dest = base / p.relative_to(entry)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(dest.parent, 0o755)
            shutil.move(str(p), dest)
            os.chmod(dest, 0o644)
            out.append(dest)
        shutil.rmtree(entry)
        return out


def everything(paths: ClassroomPaths) -> dict[str, list[dict[str, Any]]]:
    """Every restorable entry, per kind: ``{"jars": [...], "pylibs": [...], "kernels": [...]}``."""
    return {kind: [asdict(e) for e in Trash(paths, kind).entries()] for kind in KINDS}


def restore(paths: ClassroomPaths, kind: str, name: str, *, actor: str = SYSTEM) -> Change:
    """Bring ``name`` back from the trash of ``kind`` through its store (which audits it)."""
    # the stores use this module: import them here, not at the top
    from .jars import JarStore
    from .kernels import KernelCatalog
    from .pylibs import SharedPythonLibs

    check_kind(kind)
    if kind == "jars":
        return JarStore(paths, actor=actor).restore(name)
    if kind == "pylibs":
        return SharedPythonLibs(paths, actor=actor).restore(name)
    return KernelCatalog(paths, actor=actor).restore(name)
