"""Notebook templates: shipped ones are valid, class ones override, saving validates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import snippets as S
from jupyter_extension_companion.provision import templates as T
from jupyter_extension_companion.provision.errors import ClassroomError

pytest_plugins = ("pytest_jupyter.jupyter_server",)
PACKAGE = [(T.PACKAGE_TEMPLATES, "package")]


def test_shipped_templates():
    found = {t.name: t for t in T.list_templates(PACKAGE)}
    assert set(found) == {"mqtt_python", "mqtt_java"}
    assert (found["mqtt_python"].kernel, found["mqtt_python"].language) == ("python3", "python")
    assert (found["mqtt_java"].kernel, found["mqtt_java"].language) == ("java", "java")
    assert found["mqtt_python"].title == "MQTT in Python"
    for name in found:
        nb = T.get_template(name, PACKAGE)["notebook"]
        nbformat.validate(nbformat.from_dict(nb))
        kinds = [c["cell_type"] for c in nb["cells"]]
        assert "markdown" in kinds and "code" in kinds
        text = json.dumps(nb)
        assert set(re.findall(r"\{\{\s*([a-z_]+)\s*\}\}", text)) <= set(S.PLACEHOLDERS)
        assert "{{client_id}}" in text and "{{topic_prefix}}" in text


def sample_notebook() -> dict:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    cell.execution_count = 3
    nb.cells = [nbformat.v4.new_markdown_cell("# Lab 3"), cell]
    return json.loads(json.dumps(nb))


def test_add_class_template_clears_outputs_and_overrides(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    nb = sample_notebook()
    r = T.add_class_template(paths, name="mqtt_python", title="Our lab", notebook=nb)
    assert r["changed"]
    saved = json.loads(Path(r["path"]).read_text())
    assert saved["cells"][1]["outputs"] == [] and saved["cells"][1]["execution_count"] is None
    assert saved["metadata"]["classroom"]["title"] == "Our lab"
    search = [(T.class_templates_dir(paths), "class"), *PACKAGE]
    found = {t.name: t for t in T.list_templates(search)}
    assert found["mqtt_python"].source == "class" and found["mqtt_python"].title == "Our lab"
    assert found["mqtt_java"].source == "package"
    again = T.add_class_template(paths, name="mqtt_python", title="Our lab", notebook=nb)
    assert again["changed"] is False


@pytest.mark.parametrize(
    "kw",
    [
        {"name": "../x"},
        {"name": "A"},
        {"name": "a b"},
        {"title": " "},
        {"title": "a\nb"},
        {"notebook": "not a notebook"},
        {"notebook": {"cells": "x"}},
        {"notebook": {"nbformat": 3}},
        {"notebook": None},
        {"description": "x" * 501},
    ],
)
def test_add_class_template_refuses_bad_input(tmp_path: Path, kw):
    paths = ClassroomPaths().with_prefix(tmp_path)
    args = {"name": "lab3", "title": "Lab 3", "notebook": sample_notebook()}
    args.update(kw)
    with pytest.raises(ClassroomError):
        T.add_class_template(paths, **args)
    assert not T.class_templates_dir(paths).exists()


def test_get_unknown_or_bad_name():
    with pytest.raises(ClassroomError) as e:
        T.get_template("nope", PACKAGE)
    assert e.value.status == 404
    with pytest.raises(ClassroomError) as e:
        T.get_template("../etc/passwd", PACKAGE)
    assert e.value.status == 400


# pytest-jupyter runs its server on its own loop: requests go through io_loop.run_sync.
@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyter_extension_companion": True}}}


def test_server_templates(jp_fetch, io_loop, tmp_path, monkeypatch):
    data = tmp_path / "data"
    folder = data / "classroom" / "templates"
    folder.mkdir(parents=True)
    (folder / "lab3.ipynb").write_text(json.dumps(sample_notebook()))
    monkeypatch.setenv("JUPYTER_PATH", str(data))
    body = json.loads((io_loop.run_sync(lambda: jp_fetch("classroom", "api", "templates"))).body)
    names = {t["name"]: t for t in body["templates"]}
    assert {"mqtt_python", "mqtt_java", "lab3"} <= set(names)
    assert names["lab3"]["source"] == "class"
    one = json.loads(
        (io_loop.run_sync(lambda: jp_fetch("classroom", "api", "templates", "mqtt_java"))).body
    )
    assert one["notebook"]["metadata"]["kernelspec"]["name"] == "java"
    with pytest.raises(HTTPClientError) as e:
        io_loop.run_sync(lambda: jp_fetch("classroom", "api", "templates", "nope"))
    assert e.value.code == 404
