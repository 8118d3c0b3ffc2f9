"""The class's shared jars in ``paths.java_libs``: list, add from Maven or by upload, trash, restore.

Every jar lands through a temporary file in the same folder that is renamed into place only after
it was checked (checksum published by the repository, or the upload checks), so a refusal leaves
nothing behind. Removed jars go to ``paths.trash/jars`` and can be restored.
"""

from __future__ import annotations

import builtins
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .audit import SYSTEM, AuditLog, auditor_for
from .changes import Change, Progress, no_progress
from .errors import ClassroomError, NotFound
from .jar_files import (
    check_jar_bytes,
    check_jar_name,
    describe_jar,
    on_classpath,
)
from .java_processes import java_kernel_processes
from .kernels import KernelCatalog, KernelInfo
from .maven import MAVEN_CENTRAL, Coordinates, Fetch, MavenRepository
from .trash import Trash


@dataclass
class JarInfo:
    """One shared jar as the teacher sees it."""

    file: str
    size: int
    sha256: str
    maven: dict[str, str] | None  # {"group", "artifact", "version"} from pom.properties
    kernels: builtins.list[str] = field(
        default_factory=list
    )  # kernelspecs with it on their class path
    modified: float = 0.0

    @property
    def coords(self) -> str | None:
        if not self.maven:
            return None
        return f"{self.maven['group']}:{self.maven['artifact']}:{self.maven['version']}"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["coords"] = self.coords
        return d


class JarStore:
    """The shared jars every student's Java kernel has on its class path."""

    def __init__(
        self,
        paths: ClassroomPaths | None = None,
        catalog: KernelCatalog | None = None,
        fetch: Fetch | None = None,
        *,
        actor: str = SYSTEM,
        audit: AuditLog | None = None,
    ):
        self.paths = paths or ClassroomPaths()
        self.catalog = catalog or KernelCatalog(self.paths)
        self.fetch = fetch  # None: urllib (tests pass a fake or a tampering wrapper)
        self.auditor = auditor_for(self.paths, actor, audit)  # each change is one audit line

    @property
    def folder(self) -> Path:
        return self.paths.java_libs

    @property
    def trash(self) -> Path:
        return self._trash.folder

    @property
    def _trash(self) -> Trash:
        return Trash(self.paths, "jars")

    def _java_kernels(self) -> builtins.list[KernelInfo]:
        return [k for k in self.catalog.list() if not k.shadowed and k.classpath]

    def list(self) -> builtins.list[JarInfo]:
        """Every jar in the shared folder with size, SHA-256, Maven coordinates and kernels."""
        if not self.folder.is_dir():
            return []
        kernels = self._java_kernels()
        out = []
        for p in sorted(self.folder.iterdir()):
            if p.name.startswith(".") or not p.name.endswith(".jar") or not p.is_file():
                continue
            size, sha, coords, mtime = describe_jar(p)
            out.append(
                JarInfo(
                    p.name,
                    size,
                    sha,
                    coords,
                    [k.name for k in kernels if on_classpath(p, k.classpath)],
                    mtime,
                )
            )
        return out

    def trashed(self) -> builtins.list[str]:
        """Jar files in the trash (restorable)."""
        return [n for n in self._trash.names() if n.endswith(".jar")]

    def kernels_using(self, filename: str) -> builtins.list[str]:
        """Kernelspecs whose class path includes ``filename`` in the shared folder."""
        path = self.folder / filename
        return [k.name for k in self._java_kernels() if on_classpath(path, k.classpath)]

    def running_kernels(self, filenames: builtins.list[str]) -> builtins.list[dict[str, Any]]:
        """The running kernel processes (pid, user, started) that must restart to see a change
        of ``filenames`` (see :meth:`restart_needed`)."""
        return [r for r in self.restart_needed(filenames) if r["pid"] is not None]

    def restart_needed(
        self, filenames: builtins.list[str] | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Running Java kernels that must restart to see a class path change.

        What root can see: the kernelspecs whose class path includes the changed jars, and the
        kernel processes on this host started from those kernelspecs (found in ``/proc``: their
        command line names the kernelspec's folder). A kernel reads its class path when it starts,
        so each of those processes needs a restart (Kernel → Restart) to see the change. Returns
        ``[{kernel, pid, user, started}]``; with no running kernel, ``[{kernel, pid: None}]`` per
        affected kernelspec so the caller can still say which kernels are concerned.
        """
        kernels = self._java_kernels()
        if filenames:
            kernels = [
                k
                for k in kernels
                if any(on_classpath(self.folder / f, k.classpath) for f in filenames)
            ]
        out: builtins.list[dict[str, Any]] = []
        procs = java_kernel_processes()
        for k in kernels:
            running = [p for p in procs if k.location in p["cmdline"]]
            for p in running:
                out.append(
                    {"kernel": k.name, "pid": p["pid"], "user": p["user"], "started": p["started"]}
                )
            if not running:
                out.append({"kernel": k.name, "pid": None, "user": None, "started": None})
        return out

    # -- adding -----------------------------------------------------------------------------

    def _install(
        self, staged: builtins.list[tuple[str, bytes]], action: str, details: dict
    ) -> builtins.list[Change]:
        """Write each (name, bytes) through a temp file in the shared folder, then rename."""
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o755)
        temps: builtins.list[tuple[str, Path, bytes]] = []
        changes: builtins.list[Change] = []
        try:
            for name, data in staged:
                fd, tmp_name = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".part")
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp_name, 0o644)
                temps.append((name, Path(tmp_name), data))
            for name, tmp, data in temps:
                dest = self.folder / name
                if dest.is_file() and dest.read_bytes() == data:
                    tmp.unlink()
                    changes.append(
                        Change(
                            name,
                            action,
                            False,
                            f"{name}: nothing to change",
                            str(dest),
                            details=details.get(name, {}),
                        )
                    )
                    continue
                replaced = dest.exists()
                if replaced:
                    self._to_trash(dest)
                os.replace(tmp, dest)
                changes.append(
                    Change(
                        name,
                        action,
                        True,
                        f"{name}: {'replaced (old one in the trash)' if replaced else 'added'}",
                        str(dest),
                        restart=self.kernels_using(name),
                        details={**details.get(name, {}), "running": self.running_kernels([name])},
                    )
                )
        finally:
            for _, leftover, _ in temps:
                leftover.unlink(missing_ok=True)
        return changes

    def add_maven(
        self,
        coords: str,
        repository: str = MAVEN_CENTRAL,
        with_dependencies: bool = False,
        progress: Progress | None = None,
    ) -> builtins.list[Change]:
        """Download ``group:artifact:version`` (and, optionally, its runtime dependencies) from
        ``repository``, verify each against the checksums the repository publishes, then put them
        in the shared folder. A mismatch or a missing artifact refuses the whole request and
        keeps nothing."""
        return self.auditor.run("jar.add_maven", coords, self._add_maven, coords, repository,
                                with_dependencies, progress, repository=repository)

    def _add_maven(self, coords: str, repository: str, with_dependencies: bool,
                   progress: Progress | None) -> builtins.list[Change]:
        progress = progress or no_progress
        root = Coordinates.parse(coords)
        repo = MavenRepository(repository or MAVEN_CENTRAL, fetch=self.fetch)
        wanted = [root]
        if with_dependencies:
            progress(f"resolving the runtime dependencies of {root}", 0.0)
            wanted = repo.resolve(root, progress=progress)
        staged: builtins.list[tuple[str, bytes]] = []
        details: dict[str, dict] = {}
        for i, c in enumerate(wanted):
            progress(f"downloading {c} ({i + 1}/{len(wanted)})", i / len(wanted))
            data, sums = repo.download(c)
            check_jar_bytes(data, c.filename)
            staged.append((c.filename, data))
            details[c.filename] = {"coords": str(c), "verified": sums, "repository": repo.url}
            progress(f"verified {c.filename} ({', '.join(sorted(sums))})", (i + 1) / len(wanted))
        changes = self._install(staged, "jar.add_maven", details)
        progress("done", 1.0)
        return changes

    def add_upload(self, filename: str, data: bytes) -> Change:
        """Add an uploaded jar after checking its name and content (see :func:`check_jar_bytes`)."""
        return self.auditor.run("jar.upload", str(filename), self._add_upload, filename, data,
                                size=len(data) if isinstance(data, (bytes, bytearray)) else None)

    def _add_upload(self, filename: str, data: bytes) -> Change:
        check_jar_name(filename)
        if not isinstance(data, (bytes, bytearray)):
            raise ClassroomError("upload data must be bytes")
        check_jar_bytes(bytes(data), filename)
        return self._install([(filename, bytes(data))], "jar.upload", {})[0]

    # -- removing ---------------------------------------------------------------------------

    def _to_trash(self, path: Path) -> Path:
        return self._trash.put(path.name, path)

    def remove(self, filename: str) -> Change:
        """Move a shared jar to the trash (``restore`` brings it back)."""
        return self.auditor.run("jar.remove", filename, self._remove, filename)

    def _remove(self, filename: str) -> Change:
        check_jar_name(filename)
        path = self.folder / filename
        if not path.is_file():
            if filename in self._trash:
                return Change(filename, "jar.remove", False, f"{filename}: already in the trash")
            raise NotFound(f"No shared jar named {filename}")
        restart = self.kernels_using(filename)
        dest = self._to_trash(path)
        return Change(
            filename,
            "jar.remove",
            True,
            f"{filename}: moved to the trash"
            + (f"; restart running {', '.join(restart)} kernels" if restart else ""),
            str(dest),
            restart=restart,
            details={"running": self.running_kernels([filename]) if restart else []},
        )

    def restore(self, filename: str) -> Change:
        """Move a jar back from the trash into the shared folder."""
        return self.auditor.run("jar.restore", filename, self._restore, filename)

    def _restore(self, filename: str) -> Change:
        check_jar_name(filename)
        dest = self.folder / filename
        if filename not in self._trash:
            if dest.is_file():
                return Change(filename, "jar.restore", False, f"{filename}: nothing to change")
            raise NotFound(f"No jar named {filename} in the trash")
        self._trash.take(filename, dest)
        os.chmod(dest, 0o644)
        return Change(
            filename,
            "jar.restore",
            True,
            f"{filename}: restored",
            str(dest),
            restart=self.kernels_using(filename),
            details={"running": self.running_kernels([filename])},
        )
