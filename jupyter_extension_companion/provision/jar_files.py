"""What a jar file is to the classroom: a safe name, safe contents (no zip bomb, no unsafe
entries), its Maven coordinates, its checksum, and whether a Java class path includes it."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path, PurePosixPath

from .errors import ClassroomError

MAX_JAR_BYTES = 50 * 1024 * 1024  # an upload or download larger than this is refused
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # zip-bomb guard: total declared size
MAX_RATIO = 100  # zip-bomb guard: total uncompressed / compressed
MAX_ENTRIES = 65536

_JAR_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+\-]*\.jar")

# (path, size, mtime_ns, inode) -> (sha256, maven coords); listing 200 jars stays cheap
_CACHE: dict[tuple[str, int, int, int], tuple[str, dict[str, str] | None]] = {}


def check_jar_name(filename: str) -> str:
    """A jar file name: no folders, starts with a letter or digit, ends in ``.jar``."""
    if not isinstance(filename, str) or "/" in filename or "\\" in filename or "\x00" in filename:
        raise ClassroomError(
            f"Invalid jar name {filename!r}: give a file name without folders", code="bad_jar_name"
        )
    if not _JAR_NAME.fullmatch(filename) or len(filename) > 200:
        raise ClassroomError(
            f"Invalid jar name {filename!r}: letters, digits, '.', '_', '+', '-' and ending in .jar",
            code="bad_jar_name",
        )
    return filename


def check_jar_bytes(data: bytes, label: str = "upload") -> None:
    """Refuse anything that is not a plausible, safe jar: size, zip magic, a readable zip, no
    absolute or ``..`` entries, no zip bomb, and at least one class or ``META-INF`` entry."""
    if len(data) > MAX_JAR_BYTES:
        raise ClassroomError(
            f"{label} is {len(data) // (1024 * 1024)} MB; the limit is {MAX_JAR_BYTES // (1024 * 1024)} MB",
            code="too_large",
            status=413,
        )
    if not data.startswith(b"PK\x03\x04"):
        raise ClassroomError(
            f"{label} is not a jar (it does not start like a zip file)", code="not_a_jar"
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise ClassroomError(
            f"{label} is not a valid jar (broken zip: {e})", code="not_a_jar"
        ) from e
    if len(infos) > MAX_ENTRIES:
        raise ClassroomError(f"{label} has {len(infos)} entries; refusing", code="zip_bomb")
    total = 0
    has_content = False
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise ClassroomError(
                f"{label} has an unsafe entry {name!r} (absolute or '..'); refusing",
                code="unsafe_entry",
            )
        total += info.file_size
        if name.endswith(".class") or name.startswith("META-INF/"):
            has_content = True
    compressed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_RATIO:
        raise ClassroomError(
            f"{label} unpacks to {total} bytes from {compressed} (ratio {total / compressed:.0f}); "
            "refusing a possible zip bomb",
            code="zip_bomb",
        )
    if not has_content:
        raise ClassroomError(f"{label} has no classes and no META-INF: not a jar", code="not_a_jar")
    try:
        bad = zf.testzip()  # sizes are bounded above: this reads at most MAX_UNCOMPRESSED_BYTES
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
        raise ClassroomError(f"{label} is not a valid jar ({e})", code="not_a_jar") from e
    if bad is not None:
        raise ClassroomError(f"{label} is damaged (bad CRC in {bad!r})", code="not_a_jar")


def read_maven_coords(path: Path) -> dict[str, str] | None:
    """Group, artifact and version from the jar's ``META-INF/maven/*/*/pom.properties``."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [
                n
                for n in zf.namelist()
                if n.startswith("META-INF/maven/") and n.endswith("/pom.properties")
            ]
            if not names:
                return None
            # a shaded jar carries several; the one whose artifact matches the file name is its own
            names.sort(key=lambda n: (n.split("/")[-2] not in path.name, n))
            text = zf.read(names[0]).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    props: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "!")) and "=" in line:
            k, v = line.split("=", 1)
            props[k.strip()] = v.strip()
    if not {"groupId", "artifactId", "version"} <= props.keys():
        return None
    return {"group": props["groupId"], "artifact": props["artifactId"], "version": props["version"]}


def describe_jar(path: Path) -> tuple[int, str, dict[str, str] | None, float]:
    """(size, SHA-256, Maven coordinates, mtime) of a jar, cached by size, mtime and inode."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in _CACHE:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _CACHE[key] = (h.hexdigest(), read_maven_coords(path))
    sha, coords = _CACHE[key]
    return st.st_size, sha, coords, st.st_mtime


def on_classpath(jar: Path | PurePosixPath, entries: list[str]) -> bool:
    """Does a Java class path (entries: files, ``dir/*``, or globs as JJava reads them) include ``jar``?"""
    jar = PurePosixPath(str(jar))
    for e in entries:
        if e.endswith("/*") and PurePosixPath(e[:-2]) == jar.parent:
            return True
        if not e.startswith("/"):
            continue
        if PurePosixPath(e) == jar or (any(c in e for c in "*?[") and jar.match(e)):
            return True
    return False
