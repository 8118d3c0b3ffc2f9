"""Maven coordinates, checksum verification and dependency resolution against a fake repository."""

from __future__ import annotations

import hashlib

import pytest

from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.maven import (
    ChecksumMismatch,
    Coordinates,
    MavenRepository,
    normalize_repository,
    verify_checksums,
)

REPO = "https://repo.example/maven2"


class FakeRepo:
    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []

    def put(self, path: str, data: bytes, sums=("sha1",)):
        self.files[f"{REPO}/{path}"] = data
        for algo in sums:
            self.files[f"{REPO}/{path}.{algo}"] = hashlib.new(algo, data).hexdigest().encode()

    def pom(self, coords: str, body: str = "", parent: str | None = None):
        c = Coordinates.parse(coords)
        par = ""
        if parent:
            pg, pa, pv = parent.split(":")
            par = f"<parent><groupId>{pg}</groupId><artifactId>{pa}</artifactId><version>{pv}</version></parent>"
        xml = (
            '<project xmlns="http://maven.apache.org/POM/4.0.0">'
            f"{par}<groupId>{c.group}</groupId><artifactId>{c.artifact}</artifactId>"
            f"<version>{c.version}</version>{body}</project>"
        )
        self.put(c.path("pom"), xml.encode())
        self.put(c.path("jar"), b"PK\x03\x04" + coords.encode())

    def __call__(self, url: str) -> bytes:
        self.requests.append(url)
        if url not in self.files:
            raise NotFound(url)
        return self.files[url]


def dep(coords: str, scope: str = "", optional: bool = False, extra: str = "") -> str:
    g, a, *v = coords.split(":")
    version = f"<version>{v[0]}</version>" if v else ""
    s = f"<scope>{scope}</scope>" if scope else ""
    o = "<optional>true</optional>" if optional else ""
    return f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>{version}{s}{o}{extra}</dependency>"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "gson",
        "com.google:gson",
        "a:b:c:d",
        "a b:c:1",
        "a:b:[1.0,2.0)",
        "../x:y:1",
        "a:b:1;rm",
        "-x:y:1",
    ],
)
def test_bad_coordinates_are_refused(text):
    with pytest.raises(ClassroomError) as e:
        Coordinates.parse(text)
    assert e.value.code == "bad_coordinates"


def test_coordinates_path():
    c = Coordinates.parse(" org.apache.commons:commons-csv:1.10.0 ")
    assert c.path() == "org/apache/commons/commons-csv/1.10.0/commons-csv-1.10.0.jar"
    assert c.filename == "commons-csv-1.10.0.jar"


@pytest.mark.parametrize(
    "url", ["ftp://x/y", "file:///etc", "https://u:p@host/m2", "https://h/m?x=1", "nope"]
)
def test_bad_repository_urls(url):
    with pytest.raises(ClassroomError):
        normalize_repository(url)


def test_checksums_all_published_are_checked():
    repo = FakeRepo()
    repo.put("a.jar", b"PK\x03\x04data", sums=("sha1", "sha256", "sha512"))
    assert set(verify_checksums(b"PK\x03\x04data", f"{REPO}/a.jar", repo)) == {
        "sha1",
        "sha256",
        "sha512",
    }
    # a wrong sha512 alone is enough to refuse
    repo.files[f"{REPO}/a.jar.sha512"] = b"00" * 64
    with pytest.raises(ChecksumMismatch):
        verify_checksums(b"PK\x03\x04data", f"{REPO}/a.jar", repo)


def test_checksum_with_filename_suffix_and_missing_checksum():
    repo = FakeRepo()
    data = b"PK\x03\x04x"
    repo.files[f"{REPO}/b.jar.sha1"] = (hashlib.sha1(data).hexdigest() + "  b.jar\n").encode()
    assert verify_checksums(data, f"{REPO}/b.jar", repo) == {"sha1": hashlib.sha1(data).hexdigest()}
    with pytest.raises(ChecksumMismatch, match="no published checksum"):
        verify_checksums(data, f"{REPO}/none.jar", repo)


def test_download_tampered_is_refused():
    repo = FakeRepo()
    repo.pom("g:a:1")
    good = repo.files[f"{REPO}/g/a/1/a-1.jar"]
    data, sums = MavenRepository(REPO, fetch=repo).download(Coordinates.parse("g:a:1"))
    assert data == good and "sha1" in sums
    repo.files[f"{REPO}/g/a/1/a-1.jar"] = good + b"tampered"
    with pytest.raises(ChecksumMismatch, match="mismatch"):
        MavenRepository(REPO, fetch=repo).download(Coordinates.parse("g:a:1"))


def test_missing_artifact_is_not_found():
    with pytest.raises(NotFound, match="does not exist"):
        MavenRepository(REPO, fetch=FakeRepo()).download(Coordinates.parse("g:nope:1"))


def test_resolve_runtime_dependencies():
    repo = FakeRepo()
    # parent manages versions and defines a property
    repo.pom(
        "g:parent:1",
        "<properties><lib.version>2.0</lib.version></properties>"
        "<dependencyManagement><dependencies>"
        + dep("g:managed:3.0")
        + "</dependencies></dependencyManagement>",
    )
    repo.pom(
        "g:app:1",
        "<dependencies>"
        + dep("g:lib:${lib.version}")
        + dep("g:managed")
        + dep("g:testonly:1", scope="test")
        + dep("g:prov:1", scope="provided")
        + dep("g:opt:1", optional=True)
        + dep("g:rt:1", scope="runtime")
        + dep(
            "g:excl:1",
            extra="<exclusions><exclusion><groupId>g</groupId><artifactId>gone</artifactId></exclusion></exclusions>",
        )
        + "</dependencies>",
        parent="g:parent:1",
    )
    repo.pom("g:lib:2.0", "<dependencies>" + dep("g:deep:1") + dep("g:rt:9") + "</dependencies>")
    repo.pom("g:managed:3.0")
    repo.pom("g:rt:1")
    repo.pom("g:excl:1", "<dependencies>" + dep("g:gone:1") + "</dependencies>")
    repo.pom("g:deep:1")
    got = [str(c) for c in MavenRepository(REPO, fetch=repo).resolve(Coordinates.parse("g:app:1"))]
    # nearest wins: g:rt:1 (direct) over g:rt:9 (transitive); excluded, test, provided, optional skipped
    assert got == ["g:app:1", "g:lib:2.0", "g:managed:3.0", "g:rt:1", "g:excl:1", "g:deep:1"]


def test_resolve_refuses_version_range():
    repo = FakeRepo()
    repo.pom("g:app:1", "<dependencies>" + dep("g:lib:[1.0,2.0)") + "</dependencies>")
    with pytest.raises(ClassroomError, match="range"):
        MavenRepository(REPO, fetch=repo).resolve(Coordinates.parse("g:app:1"))
