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
    # the browser sends its UI language: German prose for a German Lab, English otherwise
    de = json.loads((io_loop.run_sync(lambda: jp_fetch(
        "classroom", "api", "templates", "mqtt_java", params={"locale": "de_DE"}))).body)
    assert de["notebook"]["cells"][0]["source"].startswith("# MQTT in Java: ein Temperatursensor")
    listed = json.loads((io_loop.run_sync(lambda: jp_fetch(
        "classroom", "api", "templates", params={"locale": "de-DE"}))).body)["templates"]
    assert {t["name"]: t["translation"] for t in listed}["mqtt_java"] == "de"
    fr = json.loads((io_loop.run_sync(lambda: jp_fetch(
        "classroom", "api", "templates", "mqtt_java", params={"locale": "fr"}))).body)
    assert fr["notebook"] == one["notebook"]
    with pytest.raises(HTTPClientError) as e:
        io_loop.run_sync(lambda: jp_fetch("classroom", "api", "templates", "nope"))
    assert e.value.code == 404


# -- the German versions (issue 11): same code, German prose ---------------------------------
GERMAN = T.PACKAGE_TEMPLATES / "de"
# a string literal, a comment (Python '#', Java '//'), a word, a number, any other character
_TOKEN = re.compile(
    r'(?P<string>[fb]?"(?:\\.|[^"\\\n])*"|[fb]?\'(?:\\.|[^\'\\\n])*\')'
    r"|(?P<comment>#[^\n]*|//[^\n]*)"
    r"|(?P<word>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<number>\d[\d.]*)"
    r"|(?P<other>\S)"
)
# data the code sends or matches on (JSON keys and values, topic suffixes): must stay the same
_DATA = re.compile(r"[a-z_0-9]*")


def code_shape(source: str) -> list[str]:
    """A code cell without its comments, with human text in string literals blanked (it is
    translated); identifiers, placeholders, numbers and data strings stay."""
    out: list[str] = []
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup
        if kind == "comment":
            continue
        text = m.group()
        if kind == "string":
            body = text.lstrip("fb")[1:-1]
            text = text if _DATA.fullmatch(body) else '"<text>"'
        out.append(text)
    return out


def comments(source: str) -> list[str]:
    return [m.group() for m in _TOKEN.finditer(source) if m.lastgroup == "comment"]


def cells(name: str, folder: Path) -> list[tuple[str, str]]:
    nb = json.loads((folder / f"{name}.ipynb").read_text(encoding="utf-8"))
    return [(c["cell_type"], c["source"] if isinstance(c["source"], str) else "".join(c["source"]))
            for c in nb["cells"]]


SHIPPED = sorted(p.stem for p in T.PACKAGE_TEMPLATES.glob("*.ipynb"))
# common English words that German prose never has as whole words
_ENGLISH = re.compile(r"\b(the|your|you|and|with|when|this|that|from|which|what|is|are|of|"
                      r"it|only|run|cells|readings|listen)\b", re.IGNORECASE)


def test_every_shipped_template_has_a_german_version():
    assert SHIPPED == ["mqtt_java", "mqtt_python"]
    assert sorted(p.stem for p in GERMAN.glob("*.ipynb")) == SHIPPED


def test_code_shape_sees_a_changed_identifier_but_not_a_translated_comment():
    """The drift check itself can fail (an identifier or a data string changed)."""
    en = 'TOPIC = TOPIC_PREFIX + "sensor"  # the topic\nprint("Published", TOPIC)'
    de = 'TOPIC = TOPIC_PREFIX + "sensor"  # das Topic\nprint("Veröffentlicht", TOPIC)'
    assert code_shape(en) == code_shape(de)
    assert code_shape(en) != code_shape(de.replace("TOPIC_PREFIX", "THEMA_PREFIX"))
    assert code_shape(en) != code_shape(de.replace('"sensor"', '"sensor1"'))
    assert code_shape('String t = p + "x"; // c') != code_shape('String t = p + "y"; // c')


@pytest.mark.parametrize("name", SHIPPED)
def test_german_version_has_the_same_code(name: str):
    """The two languages cannot drift: the same cells in the same order, and every code cell
    the same after its comments and printed text are set aside (same identifiers, the
    snippets' vocabulary, the same data sent)."""
    en, de = cells(name, T.PACKAGE_TEMPLATES), cells(name, GERMAN)
    assert [k for k, _ in en] == [k for k, _ in de]
    for (kind, e), (_, d) in zip(en, de, strict=True):
        if kind == "code":
            assert code_shape(e) == code_shape(d)
        # the same placeholders, filled the same way for both languages
        assert re.findall(r"\{\{\s*[a-z_]+\s*\}\}", e) == re.findall(r"\{\{\s*[a-z_]+\s*\}\}", d)
    en_meta = json.loads((T.PACKAGE_TEMPLATES / f"{name}.ipynb").read_text())["metadata"]
    de_meta = json.loads((GERMAN / f"{name}.ipynb").read_text())["metadata"]
    assert de_meta["kernelspec"] == en_meta["kernelspec"]
    assert de_meta["classroom"]["title"] == en_meta["classroom"]["title"]  # one file name
    nbformat.validate(nbformat.from_dict(json.loads((GERMAN / f"{name}.ipynb").read_text())))


@pytest.mark.parametrize("name", SHIPPED)
def test_german_version_has_no_english_prose_left(name: str):
    """Every markdown cell and every comment is translated (none equal to the English one,
    no common English word in them)."""
    en, de = cells(name, T.PACKAGE_TEMPLATES), cells(name, GERMAN)
    for (kind, e), (_, d) in zip(en, de, strict=True):
        prose = [d] if kind == "markdown" else comments(d)
        english = [e] if kind == "markdown" else comments(e)
        assert len(prose) == len(english)
        for text, original in zip(prose, english, strict=True):
            assert text != original
            plain = re.sub(r"`[^`]*`|\{\{[^}]*\}\}", "", text)  # code and placeholders
            assert not _ENGLISH.findall(plain), text
    # its description is the German catalogue's (i18n/de/mqtt.json), as the launcher shows it
    from jupyter_extension_companion.provision.messages import translate

    en_meta = json.loads((T.PACKAGE_TEMPLATES / f"{name}.ipynb").read_text())["metadata"]
    de_meta = json.loads((GERMAN / f"{name}.ipynb").read_text())["metadata"]
    assert de_meta["classroom"]["description"] == translate(
        en_meta["classroom"]["description"], "de")
    assert de_meta["classroom"]["description"] != en_meta["classroom"]["description"]


@pytest.mark.parametrize("locale", ["de", "de_DE", "de-AT", "DE-de"])
def test_a_german_ui_gets_the_german_versions(locale: str):
    found = {t.name: t for t in T.list_templates(PACKAGE, locale)}
    assert {t.translation for t in found.values()} == {"de"}
    assert found["mqtt_python"].description.startswith("Ein Temperatursensor")
    assert found["mqtt_python"].path.endswith("/de/mqtt_python.ipynb")
    nb = T.get_template("mqtt_python", PACKAGE, locale)
    assert nb["notebook"]["cells"][0]["source"].startswith("# MQTT in Python: ein Temperatursensor")
    assert nb["template"]["translation"] == "de"


@pytest.mark.parametrize("locale", [None, "", "en", "en_US", "fr_FR", "../de", "deu"])
def test_other_languages_fall_back_to_english(locale):
    found = {t.name: t for t in T.list_templates(PACKAGE, locale)}
    assert {t.translation for t in found.values()} == {""}
    nb = T.get_template("mqtt_python", PACKAGE, locale)["notebook"]
    assert nb["cells"][0]["source"].startswith("# MQTT in Python: a temperature sensor")


def test_a_class_template_without_german_wins_over_the_shipped_german(tmp_path: Path):
    """The teacher's own template of the same name is served as it is, in every language;
    a broken German version is ignored."""
    paths = ClassroomPaths().with_prefix(tmp_path)
    T.add_class_template(paths, name="mqtt_python", title="Our lab", notebook=sample_notebook())
    search = [(T.class_templates_dir(paths), "class"), *PACKAGE]
    one = T.get_template("mqtt_python", search, "de_DE")
    assert one["template"]["source"] == "class" and one["template"]["translation"] == ""
    assert one["notebook"]["cells"][0]["source"] == "# Lab 3"
    german = T.class_templates_dir(paths) / "de"
    german.mkdir()
    (german / "mqtt_python.ipynb").write_text("{broken")
    assert T.get_template("mqtt_python", search, "de")["notebook"]["cells"][0]["source"] == "# Lab 3"
    de_nb = sample_notebook()
    de_nb["cells"][0]["source"] = "# Übung 3"
    (german / "mqtt_python.ipynb").write_text(json.dumps(de_nb))
    assert T.get_template("mqtt_python", search, "de")["notebook"]["cells"][0]["source"] == "# Übung 3"
