"""Maven repositories: parse coordinates, download artifacts verified against published checksums,
and resolve the runtime dependencies a POM declares.

Only what a teacher needs for "put this library on the class path" is implemented: plain
``group:artifact:version`` coordinates of jar artifacts, property interpolation through the parent
chain, versions from ``dependencyManagement`` (including imported BOMs), exclusions, and
nearest-wins conflict resolution as Maven does it. Version ranges are refused with a message.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from .changes import Progress, no_progress
from .errors import ClassroomError, NotFound

MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024  # no jar or POM a class needs is larger

#: Checksum files Maven repositories publish next to an artifact, strongest last.
CHECKSUMS = (("sha1", hashlib.sha1), ("sha256", hashlib.sha256), ("sha512", hashlib.sha512))

_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_VERSION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-+]*")
_PROP = re.compile(r"\$\{([^}]+)\}")

Fetch = Callable[[str], bytes]



@dataclass(frozen=True)
class Coordinates:
    """``group:artifact:version`` of a jar artifact."""

    group: str
    artifact: str
    version: str

    @classmethod
    def parse(cls, text: str) -> Coordinates:
        """Parse ``group:artifact:version``; refuse anything else with a message that shows the form."""
        text = (text or "").strip()
        parts = text.split(":")
        if len(parts) != 3:
            raise ClassroomError(
                f"Maven coordinates must be group:artifact:version "
                f"(e.g. org.apache.commons:commons-csv:1.10.0), got {text!r}",
                code="bad_coordinates",
            )
        group, artifact, version = parts
        if not _PART.fullmatch(group) or ".." in group:
            raise ClassroomError(f"Invalid Maven group id {group!r}", code="bad_coordinates")
        if not _PART.fullmatch(artifact) or ".." in artifact:
            raise ClassroomError(f"Invalid Maven artifact id {artifact!r}", code="bad_coordinates")
        if not _VERSION.fullmatch(version) or ".." in version:
            raise ClassroomError(
                f"Invalid version {version!r}: give one exact version (no ranges)",
                code="bad_coordinates",
            )
        return cls(group, artifact, version)

    def __str__(self) -> str:
        return f"{self.group}:{self.artifact}:{self.version}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.artifact)

    def path(self, ext: str = "jar") -> str:
        """The artifact's path below a repository root."""
        return (
            f"{self.group.replace('.', '/')}/{self.artifact}/{self.version}/"
            f"{self.artifact}-{self.version}.{ext}"
        )

    @property
    def filename(self) -> str:
        return f"{self.artifact}-{self.version}.jar"


def urllib_fetch(url: str, timeout: float = 60) -> bytes:
    """GET ``url``; 404 becomes :class:`NotFound`, other failures a ClassroomError."""
    if not url.startswith(("https://", "http://")):
        raise ClassroomError(f"Only http(s) repositories are supported, not {url!r}")
    req = urllib.request.Request(url, headers={"User-Agent": "jupyterlab-classroom"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked
            data = resp.read(MAX_DOWNLOAD_BYTES + 1)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            raise NotFound(f"not found: {url}") from e
        raise ClassroomError(f"download failed ({e.code} {e.reason}): {url}", status=502) from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise ClassroomError(
            f"cannot reach {url}: {getattr(e, 'reason', e)} (check the network or the repository URL)",
            code="unreachable",
            status=502,
        ) from e
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise ClassroomError(
            f"{url} is larger than {MAX_DOWNLOAD_BYTES // (1024 * 1024)} MB; refusing it",
            code="too_large",
            status=413,
        )
    return data


def normalize_repository(url: str) -> str:
    """Check a repository URL (http/https, no credentials, no query) and strip the trailing slash."""
    url = (url or "").strip()
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise ClassroomError(
            f"Repository must be an http(s) URL like {MAVEN_CENTRAL}, got {url!r}",
            code="bad_repository",
        )
    if parsed.username or parsed.password or parsed.query or parsed.fragment:
        raise ClassroomError(
            "Repository URL must not contain credentials, a query or a fragment",
            code="bad_repository",
        )
    return url.rstrip("/")


class ChecksumMismatch(ClassroomError):
    """A downloaded artifact does not match the checksum the repository publishes."""

    def __init__(self, message: str):
        super().__init__(message, code="checksum_mismatch", status=502)


def verify_checksums(data: bytes, url: str, fetch: Fetch) -> dict[str, str]:
    """Check ``data`` against every checksum file published next to ``url``.

    Returns ``{algorithm: hex}`` of those checked. Raises :class:`ChecksumMismatch` on any
    mismatch, and refuses an artifact that has no published checksum at all.
    """
    checked: dict[str, str] = {}
    for algo, fn in CHECKSUMS:
        try:
            published = fetch(f"{url}.{algo}").decode("ascii", "replace").strip()
        except NotFound:
            continue
        # Some repositories write "<hex>  <filename>"; take the first token.
        expected = published.split()[0].lower() if published else ""
        actual = fn(data).hexdigest()
        if expected != actual:
            raise ChecksumMismatch(
                f"Checksum mismatch for {url.rsplit('/', 1)[-1]}: the repository publishes "
                f"{algo} {expected or '(empty)'}, the download has {actual}. Nothing was kept; "
                "try again, and if it persists the repository or the network is not trustworthy."
            )
        checked[algo] = actual
    if not checked:
        raise ChecksumMismatch(
            f"{url} has no published checksum (.sha1/.sha256/.sha512); refusing an unverified jar"
        )
    return checked


@dataclass
class _Pom:
    coords: Coordinates
    properties: dict[str, str] = field(default_factory=dict)
    managed: dict[tuple[str, str], str] = field(default_factory=dict)
    dependencies: list[dict] = field(default_factory=list)
    packaging: str = "jar"


def _strip_ns(root: ET.Element) -> ET.Element:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _text(el: ET.Element | None, tag: str) -> str | None:
    if el is None:
        return None
    child = el.find(tag)
    return child.text.strip() if child is not None and child.text else None


class MavenRepository:
    """A Maven repository (Maven Central by default) reached over HTTP(S)."""

    def __init__(self, url: str = MAVEN_CENTRAL, fetch: Fetch | None = None):
        self.url = normalize_repository(url)
        self.fetch: Fetch = fetch or urllib_fetch
        self._poms: dict[Coordinates, _Pom] = {}

    def artifact_url(self, coords: Coordinates, ext: str = "jar") -> str:
        return f"{self.url}/{coords.path(ext)}"

    def download(self, coords: Coordinates) -> tuple[bytes, dict[str, str]]:
        """Download the jar of ``coords`` and verify it; returns (bytes, checksums checked)."""
        url = self.artifact_url(coords)
        try:
            data = self.fetch(url)
        except NotFound as e:
            raise NotFound(
                f"{coords} does not exist in {self.url} (check group, artifact and version)"
            ) from e
        return data, verify_checksums(data, url, self.fetch)

    # -- POM handling -----------------------------------------------------------------------

    def _pom(self, coords: Coordinates) -> _Pom:
        if coords in self._poms:
            return self._poms[coords]
        url = self.artifact_url(coords, "pom")
        try:
            raw = self.fetch(url)
        except NotFound as e:
            raise NotFound(f"{coords} does not exist in {self.url} (no POM at {url})") from e
        verify_checksums(raw, url, self.fetch)
        try:
            root = _strip_ns(ET.fromstring(raw))  # noqa: S314 - POMs from a verified repository
        except ET.ParseError as e:
            raise ClassroomError(f"The POM of {coords} is not valid XML: {e}") from e

        props: dict[str, str] = {}
        managed: dict[tuple[str, str], str] = {}
        parent_el = root.find("parent")
        if parent_el is not None:
            pg, pa, pv = (_text(parent_el, t) for t in ("groupId", "artifactId", "version"))
            if pg and pa and pv:
                parent = self._pom(Coordinates(pg, pa, pv))
                props.update(parent.properties)
                managed.update(parent.managed)
        group = _text(root, "groupId") or (_text(parent_el, "groupId") or coords.group)
        version = _text(root, "version") or (_text(parent_el, "version") or coords.version)
        props.update(
            {
                "project.groupId": group,
                "project.artifactId": _text(root, "artifactId") or coords.artifact,
                "project.version": version,
                "pom.groupId": group,
                "pom.version": version,
                "version": version,
                "groupId": group,
            }
        )
        if parent_el is not None:
            props["project.parent.version"] = _text(parent_el, "version") or ""
            props["project.parent.groupId"] = _text(parent_el, "groupId") or ""
        props_el = root.find("properties")
        if props_el is not None:
            for p in props_el:
                if isinstance(p.tag, str):
                    props[p.tag] = (p.text or "").strip()

        def interp(value: str | None) -> str | None:
            if value is None:
                return None
            for _ in range(10):
                new = _PROP.sub(lambda m: props.get(m.group(1), m.group(0)), value)
                if new == value:
                    break
                value = new
            return value

        for dep in root.findall("dependencyManagement/dependencies/dependency"):
            g, a, v = (interp(_text(dep, t)) for t in ("groupId", "artifactId", "version"))
            if not (g and a and v):
                continue
            if _text(dep, "scope") == "import" and _text(dep, "type") == "pom":
                try:
                    bom = self._pom(Coordinates(g, a, v))
                except ClassroomError:
                    continue
                for k, mv in bom.managed.items():
                    managed.setdefault(k, mv)
            else:
                managed[(g, a)] = v

        deps = []
        for dep in root.findall("dependencies/dependency"):
            g, a = interp(_text(dep, "groupId")), interp(_text(dep, "artifactId"))
            if not (g and a):
                continue
            deps.append(
                {
                    "group": g,
                    "artifact": a,
                    "version": interp(_text(dep, "version")),
                    "scope": interp(_text(dep, "scope")) or "compile",
                    "optional": (_text(dep, "optional") or "false").lower() == "true",
                    "type": interp(_text(dep, "type")) or "jar",
                    "classifier": interp(_text(dep, "classifier")),
                    "exclusions": {
                        (_text(x, "groupId") or "*", _text(x, "artifactId") or "*")
                        for x in dep.findall("exclusions/exclusion")
                    },
                }
            )
        pom = _Pom(
            Coordinates(group, coords.artifact, version),
            props,
            managed,
            deps,
            _text(root, "packaging") or "jar",
        )
        self._poms[coords] = pom
        return pom

    def resolve(self, root: Coordinates, progress: Progress | None = None) -> list[Coordinates]:
        """``root`` followed by its runtime dependencies (compile + runtime scope, not optional),
        transitively, nearest first; one version per group:artifact (nearest wins, as Maven)."""
        progress = progress or no_progress
        seen: dict[tuple[str, str], Coordinates] = {root.key: root}
        order = [root]
        queue: list[tuple[Coordinates, frozenset, dict[tuple[str, str], str]]] = [
            (root, frozenset(), {})
        ]
        while queue:
            coords, exclusions, outer_managed = queue.pop(0)
            progress(f"reading POM of {coords}", None)
            pom = self._pom(coords)
            for dep in pom.dependencies:
                key = (dep["group"], dep["artifact"])
                if dep["scope"] not in ("compile", "runtime") or dep["optional"]:
                    continue
                if dep["type"] != "jar" or dep["classifier"]:
                    continue
                if _excluded(key, exclusions) or key in seen:
                    continue
                version = outer_managed.get(key) or dep["version"] or pom.managed.get(key)
                if not version or "${" in version:
                    raise ClassroomError(
                        f"Cannot determine the version of {key[0]}:{key[1]} needed by {coords}; "
                        "add it by its own coordinates"
                    )
                if version.startswith(("[", "(")):
                    version = _range_pick(version, key, coords)
                dc = Coordinates.parse(f"{key[0]}:{key[1]}:{version}")
                seen[key] = dc
                order.append(dc)
                # the root's dependencyManagement wins over what dependencies declare
                managed = dict(pom.managed) if coords == root else outer_managed
                queue.append((dc, exclusions | frozenset(dep["exclusions"]), managed))
        return order


def _excluded(key: tuple[str, str], exclusions: frozenset) -> bool:
    return any((g in ("*", key[0])) and (a in ("*", key[1])) for g, a in exclusions)


def _range_pick(version: str, key: tuple[str, str], needed_by: Coordinates) -> str:
    # "[1.2.3]" pins one version; real ranges are refused rather than guessed
    m = re.fullmatch(r"\[([^,\[\]()]+)\]", version)
    if m:
        return m.group(1)
    raise ClassroomError(
        f"{needed_by} asks for {key[0]}:{key[1]} in the version range {version}; "
        "add that dependency by exact coordinates first"
    )
