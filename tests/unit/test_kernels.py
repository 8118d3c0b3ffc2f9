"""KernelCatalog on scratch kernel folders: listing, precedence, env/class path edits, removal."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.provision.kernel_install import (
    CLASSROOM_JVM_OPTIONS,
    FORMER_JVM_OPTIONS,
)
from jupyter_extension_companion.provision.kernels import KernelCatalog, check_kernel_name


def spec(folder: Path, **kw) -> None:
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(kw))


@pytest.fixture
def catalog(tmp_path: Path) -> KernelCatalog:
    paths = ClassroomPaths().with_prefix(tmp_path)
    system = tmp_path / "usr-share-kernels"
    spec(
        paths.kernels / "java",
        argv=["java", "-jar", "{resource_dir}/jjava.jar", "{connection_file}"],
        display_name="Java (jjava)",
        language="java",
        env={"JJAVA_CLASSPATH": f"{paths.java_libs}/*:/extra/x.jar"},
    )
    spec(
        paths.kernels / "python3",
        argv=["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name="Python 3",
        language="python",
    )
    spec(system / "ir", argv=["R", "-e", "IRkernel::main()"], display_name="R", language="R")
    spec(system / "python3", argv=["python3"], display_name="Old Python", language="python")
    return KernelCatalog(paths, system_dirs=[system])


def test_list(catalog):
    ks = {(k.name, k.shadowed): k for k in catalog.list()}
    java = ks[("java", False)]
    assert java.kind == "jjava" and java.classpath == [
        f"{catalog.paths.java_libs}/*",
        "/extra/x.jar",
    ]
    assert ks[("python3", False)].display_name == "Python 3"
    assert ks[("python3", True)].display_name == "Old Python"  # the venv's comes first
    assert ks[("ir", False)].kind == "r"
    assert catalog.get("python3").display_name == "Python 3"


@pytest.mark.parametrize("name", ["Java", "../x", "a/b", "", ".", "..", "x y", "java;rm"])
def test_bad_names(catalog, name):
    with pytest.raises(ClassroomError):
        check_kernel_name(name)
    with pytest.raises(ClassroomError):
        catalog.set_env(name, {})


def test_set_env_and_classpath(catalog):
    before = (catalog.paths.kernels / "java" / "kernel.json").read_text()
    with pytest.raises(ClassroomError):
        catalog.set_env("java", {"BAD-NAME": "x"})
    with pytest.raises(ClassroomError):
        catalog.set_env("java", {"A": "two\nlines"})
    assert (catalog.paths.kernels / "java" / "kernel.json").read_text() == before

    ch = catalog.set_env("java", {"JJAVA_CLASSPATH": "/a/*", "JJAVA_JVM_OPTS": "-Xmx512m"})
    assert ch.changed and ch.restart == ["java"]
    assert not catalog.set_env(
        "java", {"JJAVA_CLASSPATH": "/a/*", "JJAVA_JVM_OPTS": "-Xmx512m"}
    ).changed
    ch = catalog.set_classpath("java", ["/opt/x/*", "/opt/y.jar"])
    assert catalog.get("java").classpath == ["/opt/x/*", "/opt/y.jar"]
    assert catalog.get("java").env["JJAVA_JVM_OPTS"] == "-Xmx512m"
    with pytest.raises(ClassroomError, match="absolute"):
        catalog.set_classpath("java", ["relative/*"])
    with pytest.raises(ClassroomError, match="not a Java kernel"):
        catalog.set_classpath("python3", ["/x/*"])
    # the argv and other keys survive
    assert (
        json.loads((catalog.paths.kernels / "java" / "kernel.json").read_text())["language"]
        == "java"
    )


def test_remove_to_trash(catalog):
    ch = catalog.remove("java")
    assert ch.changed and Path(ch.path, "kernel.json").is_file()
    with pytest.raises(NotFound):
        catalog.get("java")
    # removing the venv's python3 uncovers the system one
    catalog.remove("python3")
    assert catalog.get("python3").display_name == "Old Python"


def test_install_java_refuses_bad_input(catalog, tmp_path):
    with pytest.raises(ClassroomError):
        catalog.install_java(kind="beakerx")
    with pytest.raises(ClassroomError, match="zip"):
        catalog.install_java(kind="ijava")
    notzip = tmp_path / "x.zip"
    notzip.write_text("hi")
    with pytest.raises(ClassroomError, match="not a zip"):
        catalog.install_java(kind="ijava", ijava_zip=notzip)


def test_install_ijava_from_zip(catalog, tmp_path):
    import zipfile

    z = tmp_path / "ijava-1.3.0.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("install.py", "# installer")
        zf.writestr(
            "java/kernel.json",
            json.dumps(
                {
                    "argv": [
                        "java",
                        "-jar",
                        "@KERNEL_INSTALL_DIRECTORY@/ijava-1.3.0.jar",
                        "{connection_file}",
                    ],
                    "display_name": "Java",
                    "language": "java",
                    "interrupt_mode": "message",
                    "env": {},
                }
            ),
        )
        zf.writestr("java/ijava-1.3.0.jar", b"PK\x03\x04jar")
    ch = catalog.install_java(kind="ijava", ijava_zip=z)
    assert ch.changed
    k = catalog.get("java")
    assert k.kind == "ijava"
    assert k.env == {"IJAVA_CLASSPATH": f"{catalog.paths.java_libs}/*"}
    assert k.argv[2] == "{resource_dir}/ijava-1.3.0.jar"
    assert not catalog.install_java(kind="ijava", ijava_zip=z).changed


def test_cli_env_and_list(catalog, capsys, monkeypatch):
    from jupyter_extension_companion.cli import common as cli_common
    from jupyter_extension_companion.cli import kernels as cli_kernels

    monkeypatch.setattr(cli_common.os, "geteuid", lambda: 0)
    monkeypatch.setattr(cli_kernels, "KernelCatalog", lambda paths, **kw: catalog)
    from jupyter_extension_companion.cli.main import main

    assert main(["kernels", "env", "java", "JJAVA_JVM_OPTS=-Xmx256m"]) == 0
    assert catalog.get("java").env["JJAVA_JVM_OPTS"] == "-Xmx256m"
    assert main(["kernels", "env", "java", "JJAVA_JVM_OPTS="]) == 0
    assert "JJAVA_JVM_OPTS" not in catalog.get("java").env
    assert main(["kernels", "env", "java", "no-equals"]) == 1
    assert main(["kernels", "env", "Bad Name", "A=1"]) == 1
    capsys.readouterr()
    assert main(["kernels", "list", "--json"]) == 0
    names = [k["name"] for k in json.loads(capsys.readouterr().out)["kernels"]]
    assert names[:2] == ["java", "python3"]


def test_install_jjava_in_place_in_the_venv(tmp_path):
    """Default layout: pip's JJava kernelspec folder is the one students get; no pip run when
    jjava is installed already, the env is added, and a second run changes nothing."""
    import os
    import sys
    from dataclasses import replace

    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    os.symlink(sys.executable, venv / "bin" / "python")
    (venv / "lib" / "python3.11" / "site-packages" / "jjava-1.0a8.dist-info").mkdir(parents=True)
    spec_dir = venv / "share" / "jupyter" / "kernels" / "java"
    spec(
        spec_dir,
        argv=[
            "java",
            "-jar",
            "{resource_dir}/jjava-launcher.jar",
            "{resource_dir}/jjava.jar",
            "{connection_file}",
        ],
        display_name="Java (jjava)",
        language="java",
        env={},
    )
    (spec_dir / "jjava.jar").write_bytes(b"PK\x03\x04")
    (spec_dir / "jjava-launcher.jar").write_bytes(b"PK\x03\x04")
    paths = replace(ClassroomPaths().with_prefix(tmp_path), venv=venv)
    cat = KernelCatalog(paths, system_dirs=[])
    assert paths.kernels / "java" == spec_dir
    assert not paths.java_libs.exists()
    ch = cat.install_java()
    assert ch.changed
    # JJava stops at start ("Error resolving glob") when its class path folder is missing
    assert paths.java_libs.is_dir()
    java = cat.get("java")
    assert java.env == {"JJAVA_CLASSPATH": f"{paths.java_libs}/*",
                        "JDK_JAVA_OPTIONS": CLASSROOM_JVM_OPTIONS} and java.kind == "jjava"
    # started without JJava's launcher JVM (issue 14): one JVM per kernel, not two; with the
    # start guard where javac could build it (issue 11)
    from jupyter_extension_companion.provision.kernel_guard import GUARD_JAR, GUARD_OPTION

    guard = [GUARD_OPTION] if shutil.which("javac") else []
    assert java.argv == ["java", *guard, "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED",
                         "-jar", "{resource_dir}/jjava.jar", "{connection_file}"]
    assert (spec_dir.parent / "java" / GUARD_JAR).is_file() == bool(guard)
    assert (spec_dir / "jjava.jar").is_file() and (spec_dir / "jjava-launcher.jar").is_file()
    assert not cat.install_java().changed
    assert sorted(p.name for p in spec_dir.parent.iterdir()) == ["java"]  # no staging leftovers
    # the teacher's JVM options (Kernels section) survive a re-install
    cat.set_env("java", {**java.env, "JDK_JAVA_OPTIONS": "-Xmx512m"})
    assert not cat.install_java().changed
    assert cat.get("java").env["JDK_JAVA_OPTIONS"] == "-Xmx512m"
    # an unchanged former default is not the teacher's choice: today's default replaces it
    cat.set_env("java", {**java.env, "JDK_JAVA_OPTIONS": FORMER_JVM_OPTIONS[-1]})
    assert cat.install_java().changed
    assert cat.get("java").env["JDK_JAVA_OPTIONS"] == CLASSROOM_JVM_OPTIONS


def test_class_data_option_goes_right_after_java() -> None:
    from jupyter_extension_companion.provision.kernel_cds import CDS_OPTION
    from jupyter_extension_companion.provision.kernel_cds import with_cds as _with_cds

    direct = {"argv": ["java", "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-jar",
                       "{resource_dir}/jjava.jar", "{connection_file}"], "env": {}}
    with_archive = _with_cds(direct, True)
    assert with_archive["argv"][:2] == ["java", CDS_OPTION]
    assert _with_cds(with_archive, True) == with_archive  # once
    assert _with_cds(with_archive, False) == direct
    assert direct["argv"][1] != CDS_OPTION  # the spec given is not changed


def test_the_recorded_archive_is_never_read_through_a_link(tmp_path: Path) -> None:
    """The archive is written by the kernel test account: root reads it only as a regular file
    in that folder, never through a symlink (e.g. to /etc/shadow)."""
    from jupyter_extension_companion.provision.kernel_cds import (
        read_regular_file as _read_regular_file,
    )

    secret = tmp_path / "secret"
    secret.write_bytes(b"root only")
    (tmp_path / "jjava.jsa").symlink_to(secret)
    assert _read_regular_file(tmp_path / "jjava.jsa", 1024) is None
    os.mkfifo(tmp_path / "fifo.jsa")
    assert _read_regular_file(tmp_path / "fifo.jsa", 1024) is None
    (tmp_path / "big.jsa").write_bytes(b"x" * 2048)
    assert _read_regular_file(tmp_path / "big.jsa", 1024) is None
    (tmp_path / "ok.jsa").write_bytes(b"archive")
    assert _read_regular_file(tmp_path / "ok.jsa", 1024) == b"archive"


def test_start_guard_option_goes_right_after_java_once() -> None:
    from jupyter_extension_companion.provision.kernel_cds import CDS_OPTION, with_cds
    from jupyter_extension_companion.provision.kernel_guard import (
        GUARD_OPTION,
        with_guard,
        without_guard,
    )

    direct = {"argv": ["java", "--add-opens", "jdk.jshell/jdk.jshell=ALL-UNNAMED", "-jar",
                       "{resource_dir}/jjava.jar", "{connection_file}"]}
    guarded = with_guard(direct, True)
    assert guarded["argv"][:2] == ["java", GUARD_OPTION]
    assert with_guard(guarded, True) == guarded
    assert with_guard(guarded, False) == direct
    both = with_cds(guarded, True)
    assert without_guard(with_cds(both, False)["argv"]) == direct["argv"]
    assert both["argv"].count(CDS_OPTION) == 1 and both["argv"].count(GUARD_OPTION) == 1


def test_students_servers_pick_new_ports_when_a_kernel_restarts() -> None:
    """jupyter_client's port cache gives a restarted kernel its old ports: a port another
    kernel took at start stays taken for every restart (issue 11, provision/kernel_guard.py)."""
    cfg = Path(__file__).resolve().parents[2] / "jupyter-config" / "server-config"
    data = json.loads((cfg / "jupyter_extension_companion.json").read_text())
    assert data["KernelManager"] == {"cache_ports": False}
