"""Shared jars for real: Maven Central downloads with checksum checks, uploads, trash."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import maven
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.jars import JarStore
from jupyter_extension_companion.provision.kernels import KernelCatalog

pytestmark = [pytest.mark.real]

CSV = "org.apache.commons:commons-csv:1.10.0"
CSV_URL = f"{maven.MAVEN_CENTRAL}/org/apache/commons/commons-csv/1.10.0/commons-csv-1.10.0.jar"


@pytest.fixture
def store(tmp_path: Path) -> JarStore:
    paths = ClassroomPaths().with_prefix(tmp_path)
    return JarStore(paths, KernelCatalog(paths, system_dirs=[]))


def _published_sha1() -> str:
    with urllib.request.urlopen(CSV_URL + ".sha1", timeout=60) as r:  # noqa: S310
        return r.read().decode().split()[0]


def test_add_commons_csv_from_maven_central(store):
    seen = []
    [change] = store.add_maven(CSV, progress=lambda m, f: seen.append(m))
    assert change.changed
    path = store.folder / "commons-csv-1.10.0.jar"
    # what is on disk is what Maven Central's own checksum says
    assert hashlib.sha1(path.read_bytes()).hexdigest() == _published_sha1()
    assert change.details["verified"]["sha1"] == _published_sha1()
    [info] = store.list()
    assert info.coords == CSV and info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert any("verified" in m for m in seen)
    # the JDK agrees it is a jar
    out = subprocess.run(
        ["jar", "tf", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "org/apache/commons/csv/CSVFormat.class" in out
    # again: nothing to change
    assert not store.add_maven(CSV)[0].changed


def test_tampered_download_is_refused(store, monkeypatch):
    real = maven.urllib_fetch

    def tampering(url: str, timeout: float = 60) -> bytes:
        data = real(url, timeout)
        if url.endswith(".jar"):
            data = data[:-10] + b"0123456789"  # a flipped tail: still starts like a zip
        return data

    monkeypatch.setattr(maven, "urllib_fetch", tampering)
    with pytest.raises(ClassroomError) as e:
        store.add_maven(CSV)
    assert e.value.code == "checksum_mismatch"
    assert "mismatch" in e.value.message
    assert not store.folder.exists() or list(store.folder.iterdir()) == []


def test_unknown_coordinates(store):
    with pytest.raises(NotFound, match="does not exist"):
        store.add_maven("org.apache.commons:commons-csv:0.0.0-nope")
    with pytest.raises(ClassroomError, match="group:artifact:version"):
        store.add_maven("commons-csv")


def test_with_dependencies_from_maven_central(store):
    changes = store.add_maven("org.apache.httpcomponents:httpclient:4.5.14", with_dependencies=True)
    names = sorted(c.name for c in changes)
    assert names == [
        "commons-codec-1.11.jar",
        "commons-logging-1.2.jar",
        "httpclient-4.5.14.jar",
        "httpcore-4.4.16.jar",
    ]


def _jar_bytes(tmp_path: Path) -> bytes:
    src = tmp_path / "src" / "demo"
    src.mkdir(parents=True)
    (src / "Hello.java").write_text(
        'package demo; public class Hello { public static String hi() { return "hi"; } }'
    )
    subprocess.run(["javac", "-d", str(tmp_path / "out"), str(src / "Hello.java")], check=True)
    subprocess.run(
        ["jar", "cf", str(tmp_path / "demo.jar"), "-C", str(tmp_path / "out"), "."], check=True
    )
    return (tmp_path / "demo.jar").read_bytes()


def test_upload_valid_jar_and_renamed_text(store, tmp_path):
    ch = store.add_upload("demo-hello.jar", _jar_bytes(tmp_path))
    assert ch.changed and [j.file for j in store.list()] == ["demo-hello.jar"]
    with pytest.raises(ClassroomError) as e:
        store.add_upload("notes.jar", b"These are my notes, not a jar.\n")
    assert e.value.code == "not_a_jar" and "not a jar" in e.value.message
    assert [j.file for j in store.list()] == ["demo-hello.jar"]


def test_dotdot_entry_and_bomb_refused(store):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        zf.writestr("../../etc/cron.d/evil", "* * * * * root id\n")
    with pytest.raises(ClassroomError) as e:
        store.add_upload("evil.jar", buf.getvalue())
    assert e.value.code == "unsafe_entry"

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        for i in range(4):
            zf.writestr(f"a/Big{i}.class", b"\0" * (100 * 1024 * 1024))
    assert len(bomb.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(ClassroomError) as e:
        store.add_upload("bomb.jar", bomb.getvalue())
    assert e.value.code == "zip_bomb"
    assert not store.folder.exists() or list(store.folder.iterdir()) == []


def test_remove_restore_roundtrip(store, tmp_path):
    store.add_upload("demo.jar", _jar_bytes(tmp_path))
    store.remove("demo.jar")
    assert (store.trash / "demo.jar").is_file() and store.list() == []
    store.restore("demo.jar")
    assert [j.file for j in store.list()] == ["demo.jar"]
    shutil.rmtree(store.trash, ignore_errors=True)


def test_cli_add_prints_progress_and_lists(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    prefix = str(tmp_path / "host")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_extension_companion.cli.main",
            "--prefix",
            prefix,
            "jars",
            "add",
            CSV,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert (
        "verified commons-csv-1.10.0.jar (sha1)" in out and "commons-csv-1.10.0.jar: added" in out
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_extension_companion.cli.main",
            "--prefix",
            prefix,
            "jars",
            "list",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert CSV in out
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_extension_companion.cli.main",
            "--prefix",
            prefix,
            "jars",
            "add",
            "org.apache.commons:commons-csv:0.0.404",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 1 and "does not exist" in bad.stderr
