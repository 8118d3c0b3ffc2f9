"""JarStore: upload checks, trash/restore, listing, class path matching (no network)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import jar_files
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.jar_files import check_jar_bytes, on_classpath
from jupyter_extension_companion.provision.jars import JarStore
from jupyter_extension_companion.provision.kernels import KernelCatalog


def make_jar(
    entries: dict[str, bytes] | None = None, pom: tuple[str, str, str] | None = None
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        for name, data in (entries or {"a/B.class": b"\xca\xfe\xba\xbe"}).items():
            zf.writestr(name, data)
        if pom:
            g, a, v = pom
            zf.writestr(
                f"META-INF/maven/{g}/{a}/pom.properties",
                f"#generated\ngroupId={g}\nartifactId={a}\nversion={v}\n",
            )
    return buf.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> JarStore:
    paths = ClassroomPaths().with_prefix(tmp_path)
    k = paths.kernels / "java"
    k.mkdir(parents=True)
    (k / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["java", "-jar", "{resource_dir}/jjava.jar", "{connection_file}"],
                "display_name": "Java",
                "language": "java",
                "env": {"JJAVA_CLASSPATH": f"{paths.java_libs}/*"},
            }
        )
    )
    return JarStore(paths, KernelCatalog(paths, system_dirs=[]))


def test_upload_lists_with_coords_and_kernels(store):
    data = make_jar(pom=("org.example", "demo", "1.2"))
    change = store.add_upload("demo-1.2.jar", data)
    assert change.changed and change.restart == ["java"]
    [info] = store.list()
    assert info.file == "demo-1.2.jar" and info.size == len(data)
    assert info.coords == "org.example:demo:1.2" and info.kernels == ["java"]
    assert len(info.sha256) == 64
    assert (store.folder / "demo-1.2.jar").stat().st_mode & 0o777 == 0o644
    # same bytes again: nothing to change
    assert not store.add_upload("demo-1.2.jar", data).changed
    # no temp files left
    assert sorted(p.name for p in store.folder.iterdir()) == ["demo-1.2.jar"]


@pytest.mark.parametrize(
    "name", ["../x.jar", "a/b.jar", "x.zip", ".hidden.jar", "x.jar\x00", "", "a\\b.jar", "-x.jar"]
)
def test_bad_names_refused(store, name):
    with pytest.raises(ClassroomError):
        store.add_upload(name, make_jar())
    assert not store.folder.exists() or not list(store.folder.iterdir())


def bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("META-INF/MANIFEST.MF", "x")
        zf.writestr("a/Big.class", b"\0" * (20 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, code",
    [
        (b"hello, I am a text file\n", "not_a_jar"),
        (b"PK\x03\x04 truncated garbage", "not_a_jar"),
        (make_jar({"../evil.class": b"x"}), "unsafe_entry"),
        (make_jar({"/etc/evil.class": b"x"}), "unsafe_entry"),
        (bomb(), "zip_bomb"),
    ],
    ids=["text", "broken-zip", "dotdot", "absolute", "bomb"],
)
def test_bad_content_refused(store, data, code):
    with pytest.raises(ClassroomError) as e:
        store.add_upload("x.jar", data)
    assert e.value.code == code
    assert not store.folder.exists() or not list(store.folder.iterdir())


def test_zip_without_classes_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(ClassroomError, match="no classes"):
        check_jar_bytes(buf.getvalue())


def test_oversize_refused(monkeypatch, store):
    monkeypatch.setattr(jar_files, "MAX_JAR_BYTES", 100)
    with pytest.raises(ClassroomError) as e:
        store.add_upload("x.jar", make_jar({"a/B.class": b"x" * 500}))
    assert e.value.status == 413


def test_remove_and_restore(store):
    store.add_upload("a.jar", make_jar())
    ch = store.remove("a.jar")
    assert ch.changed and ch.restart == ["java"]
    assert store.list() == [] and store.trashed() == ["a.jar"]
    assert not store.remove("a.jar").changed
    assert store.restore("a.jar").changed
    assert [j.file for j in store.list()] == ["a.jar"]
    assert not store.restore("a.jar").changed
    with pytest.raises(NotFound):
        store.remove("nope.jar")
    with pytest.raises(NotFound):
        store.restore("nope.jar")


def test_restore_conflict(store):
    store.add_upload("a.jar", make_jar())
    store.remove("a.jar")
    store.add_upload("a.jar", make_jar({"b/C.class": b"y"}))
    with pytest.raises(ClassroomError) as e:
        store.restore("a.jar")
    assert e.value.status == 409


def test_replacing_keeps_old_in_trash(store):
    store.add_upload("a.jar", make_jar())
    ch = store.add_upload("a.jar", make_jar({"b/C.class": b"y"}))
    assert ch.changed and "replaced" in ch.message
    assert store.trashed() == ["a.jar"]


def test_on_classpath():
    jar = Path("/opt/libs/java/x.jar")
    assert on_classpath(jar, ["/opt/libs/java/*"])
    assert on_classpath(jar, ["/opt/libs/java/x.jar"])
    assert on_classpath(jar, ["/opt/libs/java/x*.jar"])
    assert not on_classpath(jar, ["/opt/libs/*"])
    assert not on_classpath(jar, ["/opt/other/*", "relative/*"])


def test_restart_needed_reports_kernelspecs(store):
    store.add_upload("a.jar", make_jar())
    rows = store.restart_needed(["a.jar"])
    assert {r["kernel"] for r in rows} == {"java"}


def test_add_maven_with_fake_repo_and_tamper(store):
    import hashlib

    data = make_jar(pom=("g", "a", "1"))
    files = {
        "https://r.example/m2/g/a/1/a-1.jar": data,
        "https://r.example/m2/g/a/1/a-1.jar.sha1": hashlib.sha1(data).hexdigest().encode(),
    }

    def fetch(url):
        if url not in files:
            raise NotFound(url)
        return files[url]

    store.fetch = fetch
    [ch] = store.add_maven("g:a:1", repository="https://r.example/m2/")
    assert ch.changed and ch.details["verified"]["sha1"] == hashlib.sha1(data).hexdigest()
    store.remove("a-1.jar")
    files["https://r.example/m2/g/a/1/a-1.jar"] = data[:-1] + b"X"
    with pytest.raises(ClassroomError) as e:
        store.add_maven("g:a:1", repository="https://r.example/m2")
    assert e.value.code == "checksum_mismatch"
    assert [p.name for p in store.folder.iterdir()] == []


def test_cli_upload_list_remove(tmp_path, capsys, monkeypatch):
    from jupyter_extension_companion.cli import common as cli_common
    from jupyter_extension_companion.cli.main import main

    monkeypatch.setattr(cli_common.os, "geteuid", lambda: 0)
    good = tmp_path / "good.jar"
    good.write_bytes(make_jar(pom=("org.example", "good", "1.0")))
    text = tmp_path / "notes.jar"
    text.write_text("not a jar\n")
    prefix = ["--prefix", str(tmp_path / "host")]
    assert main([*prefix, "jars", "upload", str(good)]) == 0
    assert "good.jar: added" in capsys.readouterr().out
    assert main([*prefix, "jars", "upload", str(text)]) == 1
    assert "not a jar" in capsys.readouterr().err
    assert main([*prefix, "jars", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [j["coords"] for j in data["jars"]] == ["org.example:good:1.0"]
    assert main([*prefix, "jars", "remove", "good.jar"]) == 0
    assert main([*prefix, "jars", "restore", "good.jar"]) == 0
    assert main([*prefix, "jars", "add", "not-coordinates"]) == 1
    assert "group:artifact:version" in capsys.readouterr().err
    audit = (tmp_path / "host/var/lib/jupyterhub-classroom/audit.log").read_text().splitlines()
    assert [(json.loads(line)["action"], json.loads(line)["outcome"]) for line in audit] == [
        ("jar.upload", "ok"),
        ("jar.upload", "refused"),  # not a jar: provision refused it
        ("jar.remove", "ok"),
        ("jar.restore", "ok"),
        ("jar.add_maven", "refused"),  # bad coordinates
    ]
