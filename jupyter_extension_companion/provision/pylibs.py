"""Python packages for everyone in ``paths.python_libs`` (on every kernel's ``PYTHONPATH``).

Installs go through the venv's pip with ``--target``, as the guide does for paho-mqtt. Only a
plain ``name`` or ``name==version`` is accepted: no options, URLs, paths, extras or markers, so
a requirement can never make pip read a file or reach another index.
"""

from __future__ import annotations

import builtins
import csv
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .audit import SYSTEM, AuditLog, auditor_for
from .changes import Change, Progress, no_progress
from .commands import run
from .errors import ClassroomError, NotFound
from .trash import Trash

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_REQ = re.compile(rf"({_NAME})(?:==([A-Za-z0-9][A-Za-z0-9.+!_-]*))?")



def canonical(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(requirement: str) -> tuple[str, str | None]:
    """``name`` or ``name==version`` -> (name, version); anything else is refused."""
    req = (requirement or "").strip()
    if req.startswith("-"):
        raise ClassroomError(
            f"{req!r} looks like a pip option; give a package name like paho-mqtt==2.1.0",
            code="bad_requirement",
        )
    if "://" in req or "/" in req or "\\" in req or req.startswith("."):
        raise ClassroomError(
            f"{req!r} is a URL or a path; only packages from PyPI by name can be installed",
            code="bad_requirement",
        )
    m = _REQ.fullmatch(req)
    if not m:
        raise ClassroomError(
            f"{req!r} is not a plain requirement: use NAME or NAME==VERSION "
            "(no extras, markers, ranges or options)",
            code="bad_requirement",
        )
    return m.group(1), m.group(2)


@dataclass
class PyLib:
    """One installed distribution in the shared folder."""

    name: str
    version: str
    files: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class SharedPythonLibs:
    """The shared Python folder (``/opt/jupyterhub-libs/python``)."""

    def __init__(self, paths: ClassroomPaths | None = None, python: str | Path | None = None, *,
                 actor: str = SYSTEM, audit: AuditLog | None = None):
        self.paths = paths or ClassroomPaths()
        self.python = Path(python) if python else self.paths.venv / "bin" / "python"
        self.auditor = auditor_for(self.paths, actor, audit)  # each change is one audit line

    @property
    def folder(self) -> Path:
        return self.paths.python_libs

    def _dist_infos(self) -> dict[str, Path]:
        out: dict[str, Path] = {}
        if not self.folder.is_dir():
            return out
        for d in self.folder.glob("*.dist-info"):
            meta = _metadata(d)
            if meta:
                out[canonical(meta[0])] = d
        return out

    def list(self) -> builtins.list[PyLib]:
        """Installed distributions with their (pinned) versions."""
        out = []
        for d in self._dist_infos().values():
            name, version = _metadata(d) or (d.name, "?")
            out.append(PyLib(name, version, len(_record(d))))
        return sorted(out, key=lambda p: canonical(p.name))

    def install(self, requirement: str, progress: Progress | None = None) -> Change:
        """``pip install --target <shared folder> --upgrade REQ`` with the venv's pip."""
        return self.auditor.run("pylib.install", str(requirement), self._install, requirement,
                                progress)

    def _install(self, requirement: str, progress: Progress | None) -> Change:
        progress = progress or no_progress
        name, version = parse_requirement(requirement)
        current = {canonical(p.name): p.version for p in self.list()}
        if version and current.get(canonical(name)) == version:
            return Change(name, "pylib.install", False, f"{name}=={version}: nothing to change")
        if not self.python.exists():
            raise ClassroomError(f"No venv python at {self.python} (run the installer first)")
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o755)
        progress(f"pip install {requirement.strip()}", None)
        # pip --target replaces packages in place; build in a scratch folder first so a failed
        # install never leaves a half-written package in the folder students import from
        with tempfile.TemporaryDirectory(dir=self.folder.parent, prefix=".pylib-") as tmp:
            run(
                [
                    str(self.python),
                    "-m",
                    "pip",
                    "install",
                    "--no-input",
                    "--disable-pip-version-check",
                    "--only-binary=:all:",
                    "--target",
                    tmp,
                    requirement.strip(),
                ],
                timeout=900,
                env={**os.environ, "PIP_NO_INPUT": "1"},
            )
            progress("copying into the shared folder", 0.8)
            installed = []
            staged = Path(tmp)
            for d in staged.glob("*.dist-info"):
                meta = _metadata(d)
                if meta:
                    installed.append(meta)
                    old = self._dist_infos().get(canonical(meta[0]))
                    if old is not None:
                        self._remove_dist(old)
            for item in staged.iterdir():
                if item.name == "bin":
                    continue  # console scripts would point at the scratch folder
                dest = self.folder / item.name
                if dest.is_dir() and item.is_dir():
                    shutil.copytree(item, dest, dirs_exist_ok=True)
                    shutil.rmtree(item)
                else:
                    if dest.is_dir():
                        shutil.rmtree(dest)
                    os.replace(item, dest)
        _make_readable(self.folder)
        after = {canonical(p.name): p.version for p in self.list()}
        new = current.get(canonical(name)) != after.get(canonical(name))
        summary = ", ".join(f"{n}=={v}" for n, v in sorted(installed))
        progress("done", 1.0)
        return Change(
            name,
            "pylib.install",
            new or bool(installed),
            f"installed {summary}" if installed else f"{name}: nothing to change",
            str(self.folder),
            details={"installed": [{"name": n, "version": v} for n, v in installed]},
        )

    def remove(self, name: str) -> Change:
        """Remove distribution ``name`` (the files its RECORD lists) from the shared folder."""
        return self.auditor.run("pylib.remove", str(name), self._remove, name)

    def _remove(self, name: str) -> Change:
        name = (name or "").strip()
        if not re.fullmatch(_NAME, name):
            raise ClassroomError(f"Invalid package name {name!r}", code="bad_requirement")
        d = self._dist_infos().get(canonical(name))
        if d is None:
            raise NotFound(f"{name} is not installed in {self.folder}")
        meta = _metadata(d) or (name, "?")
        root = self.folder.resolve()
        files = self._dist_files(d)
        entry = self._trash.put_files(meta[0], root, files)
        self._prune({p.parent for p in files})
        return Change(
            meta[0],
            "pylib.remove",
            True,
            f"{meta[0]}=={meta[1]}: moved to the trash ({len(files)} files)",
            str(entry),
        )

    @property
    def _trash(self) -> Trash:
        return Trash(self.paths, "pylibs")

    def trashed(self) -> builtins.list[str]:
        """Python libraries in the trash (restorable)."""
        return self._trash.names()

    def restore(self, name: str) -> Change:
        """Put a removed library's files back into the shared folder (refused if one of its
        files is there again: remove the newer install first)."""
        return self.auditor.run("pylib.restore", str(name), self._restore, name)

    def _restore(self, name: str) -> Change:
        name = (name or "").strip()
        if not re.fullmatch(_NAME, name):
            raise ClassroomError(f"Invalid package name {name!r}", code="bad_requirement")
        entry = next((n for n in self._trash.names() if canonical(n) == canonical(name)), None)
        if entry is None:
            if canonical(name) in self._dist_infos():
                return Change(name, "pylib.restore", False, f"{name}: nothing to change")
            raise NotFound(f"No Python library named {name} in the trash")
        self.folder.mkdir(parents=True, exist_ok=True)
        restored = self._trash.take_files(entry, self.folder.resolve())
        _make_readable(self.folder)
        version = next((p.version for p in self.list() if canonical(p.name) == canonical(entry)),
                       "?")
        return Change(entry, "pylib.restore", True,
                      f"{entry}=={version}: restored ({len(restored)} files)", str(self.folder))

    def _dist_files(self, dist_info: Path) -> builtins.list[Path]:
        """The files of an installed distribution (its RECORD and its .dist-info folder)."""
        root = self.folder.resolve()
        files: set[Path] = set()
        for rel in _record(dist_info):
            p = (self.folder / rel).resolve()
            # RECORD entries are relative; never follow one outside the shared folder
            if root in p.parents and (p.is_file() or p.is_symlink()):
                files.add(p)
        if dist_info.is_dir():
            files.update(p.resolve() for p in dist_info.rglob("*") if p.is_file())
        return sorted(files)

    def _remove_dist(self, dist_info: Path) -> int:
        files = self._dist_files(dist_info)
        for p in files:
            p.unlink()
        self._prune({p.parent for p in files})
        return len(files)

    def _prune(self, dirs: set[Path]) -> None:
        """Remove the folders in ``dirs`` (and their parents) that became empty."""
        root = self.folder.resolve()
        for d in sorted(dirs, key=lambda x: len(x.parts), reverse=True):
            while d != root and root in d.parents:
                try:
                    d.rmdir()
                except OSError:
                    break
                d = d.parent


def _metadata(dist_info: Path) -> tuple[str, str] | None:
    try:
        text = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    name = version = None
    for line in text.splitlines():
        if not line.strip():
            break
        if line.startswith("Name:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("Version:"):
            version = line.split(":", 1)[1].strip()
    return (name, version) if name and version else None


def _record(dist_info: Path) -> list[str]:
    try:
        with open(dist_info / "RECORD", newline="", encoding="utf-8") as f:
            return [row[0] for row in csv.reader(f) if row]
    except OSError:
        return []


def _make_readable(folder: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(folder):
        os.chmod(dirpath, (os.stat(dirpath).st_mode | 0o555) & 0o7755)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                os.chmod(p, (os.stat(p).st_mode | 0o444) & 0o7755)
