"""Every validator refuses a value with a trailing newline (Python's ``$`` matches before a final
``\\n``; the validators use ``re.fullmatch``). Each case: the plain value passes, value + "\\n"
is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_extension_companion.provision import (
    broker,
    jar_files,
    kernels,
    maven,
    pylibs,
    snippets,
    templates,
)
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.usernames import check_username

NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}


def _snippet(tmp_path: Path, name: str) -> None:
    from jupyter_extension_companion.paths import ClassroomPaths

    snippets.add_class_snippet(ClassroomPaths().with_prefix(tmp_path), language="python",
                               name=name, body="print(1)\n", title="T")


def _template(tmp_path: Path, name: str) -> None:
    from jupyter_extension_companion.paths import ClassroomPaths

    templates.add_class_template(ClassroomPaths().with_prefix(tmp_path), name=name,
                                 notebook=NOTEBOOK, title="T")


def _env_key(tmp_path: Path, key: str) -> None:
    from jupyter_extension_companion.paths import ClassroomPaths

    paths = ClassroomPaths().with_prefix(tmp_path)
    folder = paths.kernels / "py"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(
        '{"argv": ["python3", "-m", "ipykernel", "-f", "{connection_file}"], '
        '"display_name": "Py", "language": "python"}')
    kernels.KernelCatalog(paths).set_env("py", {key: "1"})


CASES = {
    "username": (lambda tmp, v: check_username(v, accounts={}), "anna"),
    "kernel name": (lambda tmp, v: kernels.check_kernel_name(v), "java"),
    "kernel env key": (_env_key, "MY_VAR"),
    "maven group": (lambda tmp, v: maven.Coordinates.parse(f"{v}:gson:2.10.1"),
                    "com.google.code.gson"),
    "maven artifact": (lambda tmp, v: maven.Coordinates.parse(f"com.google:{v}:2.10.1"), "gson"),
    "jar name": (lambda tmp, v: jar_files.check_jar_name(v), "gson-2.10.1.jar"),
    "python requirement": (lambda tmp, v: pylibs.parse_requirement(v + "=="), None),
    "snippet name": (_snippet, "my-snippet"),
    "template name": (_template, "my-template"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_trailing_newline_is_refused(case, tmp_path):
    check, good = CASES[case]
    if good is not None:
        check(tmp_path, good)  # the plain value passes
    else:
        good = "paho-mqtt"
    with pytest.raises(ClassroomError):
        check(tmp_path, good + "\n")


def test_python_requirement_version_with_newline():
    assert pylibs.parse_requirement("paho-mqtt==2.1.0") == ("paho-mqtt", "2.1.0")
    with pytest.raises(ClassroomError):
        pylibs.parse_requirement("paho-mqtt==2.1.0\n\n--index-url=http://evil")
    with pytest.raises(ClassroomError):
        pylibs.parse_requirement("paho-mqtt\n==2.1.0")


def test_maven_coordinates_are_stored_without_the_newline():
    c = maven.Coordinates.parse("com.google.code.gson:gson:2.10.1\n")
    assert "\n" not in f"{c.group}:{c.artifact}:{c.version}"


def test_broker_host_with_newline_never_stored():
    settings = broker.validate({"host": "broker.school.example\n"})
    assert settings.host == "broker.school.example"
    with pytest.raises(ClassroomError):
        broker.validate({"host": "broker.school.example\nx"})


def test_installer_admin_and_index_url(tmp_path):
    from jupyter_extension_companion.installer.options import parse_options

    with pytest.raises(ClassroomError):
        parse_options(["--prefix", str(tmp_path), "--admin", "teacher\n"])
    with pytest.raises(ClassroomError):
        parse_options(["--prefix", str(tmp_path), "--pip-index-url", "https://pypi.example/\n"])
