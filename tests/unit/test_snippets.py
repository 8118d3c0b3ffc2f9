"""Snippet files: parsing, the data path overriding the package, filling, adding class snippets."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision import snippets as S
from jupyter_extension_companion.provision.errors import ClassroomError

pytest_plugins = ("pytest_jupyter.jupyter_server",)

MENU = {
    "connect",
    "publish",
    "subscribe",
    "publish_json",
    "receive_json",
    "disconnect",
    "roundtrip",
}
VALUES = {
    "host": "broker.example",
    "port": 1884,
    "tls": True,
    "topic_prefix": "class/anna/",
    "client_id": "anna-1a2b",
    "username": "cls",
    "password": 'pa"ss\\word',
}


def test_every_language_ships_the_whole_menu():
    found = S.list_snippets(search_path=[(S.PACKAGE_SNIPPETS, "package")])
    for language in S.LANGUAGES:
        names = {s.name for s in found if s.language == language}
        assert names == MENU, language
    for s in found:
        assert s.title and s.description and s.source == "package"
        assert "title:" not in s.body and "description:" not in s.body
        # every placeholder used is a known one
        for key in __import__("re").findall(r"\{\{\s*([a-z_]+)\s*\}\}", s.body):
            assert key in S.PLACEHOLDERS, (s.name, key)
    orders = [s.name for s in found if s.language == "python"]
    assert orders[0] == "connect" and orders[-1] == "roundtrip"


def test_python_snippets_use_paho2_and_loop_start():
    body = "\n".join(s.body for s in S.list_snippets("python"))
    assert "mqtt.CallbackAPIVersion.VERSION2" in body
    assert "loop_start()" in body and "loop_forever" not in body.replace("never loop_forever", "")


def test_java_snippets_use_memory_persistence_and_no_exit():
    for s in S.list_snippets("java"):
        assert "System.exit" not in s.body
        if "new MqttClient(" in s.body:
            assert "new MemoryPersistence()" in s.body
        assert "%classpath" not in s.body


def test_fill_python_and_java():
    py = S.fill(
        'H = "{{host}}"\nP = {{port}}\nT = {{tls}}\nW = "{{password}}"\n{{nope}}', VALUES, "python"
    )
    assert py == 'H = "broker.example"\nP = 1884\nT = True\nW = "pa\\"ss\\\\word"\n{{nope}}'
    assert "true" in S.fill("{{tls}}", VALUES, "java")
    assert S.fill("{{ topic_prefix }}", VALUES, "java") == "class/anna/"
    assert S.fill('"{{password}}"', VALUES, "python", code=False) == '"pa"ss\\word"'
    # a filled Python snippet compiles
    for s in S.list_snippets("python"):
        compile(S.fill(s.body, VALUES, "python"), s.name, "exec")


def test_data_path_overrides_package_and_adds(tmp_path: Path):
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "publish.py").write_text("# title: Mine\n# description: d\n\nprint(1)\n")
    (tmp_path / "python" / "extra-one.py").write_text("print(2)\n")
    (tmp_path / "python" / "Bad Name.py").write_text("print(3)\n")
    (tmp_path / "python" / "latin1.py").write_bytes(b"\xff\xfe print")
    found = S.list_snippets("python", [(tmp_path, "class"), (S.PACKAGE_SNIPPETS, "package")])
    by_name = {s.name: s for s in found}
    assert by_name["publish"].title == "Mine" and by_name["publish"].source == "class"
    assert by_name["publish"].body == "print(1)\n"
    assert by_name["extra-one"].title == "Extra one"
    assert "Bad Name" not in by_name and "latin1" not in by_name
    assert by_name["connect"].source == "package"


def test_unknown_language_is_refused():
    with pytest.raises(ClassroomError) as e:
        S.list_snippets("r")
    assert e.value.code == "unknown_language"


def test_add_class_snippet(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    r = S.add_class_snippet(
        paths,
        language="java",
        name="blink-led",
        title="Blink",
        description="Blinks",
        body='System.out.println("x");',
    )
    path = Path(r["path"])
    assert r["changed"] and path == S.class_snippets_dir(paths) / "java" / "blink-led.java"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o755
    parsed = S.parse_snippet(path.read_text(), name="blink-led", language="java", source="class")
    assert parsed.title == "Blink" and parsed.body == 'System.out.println("x");\n'
    again = S.add_class_snippet(
        paths,
        language="java",
        name="blink-led",
        title="Blink",
        description="Blinks",
        body='System.out.println("x");',
    )
    assert again["changed"] is False


@pytest.mark.parametrize(
    "kw",
    [
        {"name": "../evil"},
        {"name": "a/b"},
        {"name": "Caps"},
        {"name": "-x"},
        {"name": ""},
        {"name": "x" * 65},
        {"language": "r"},
        {"language": "../python"},
        {"title": ""},
        {"title": "two\nlines"},
        {"body": "   "},
        {"body": "x" * 70000},
        {"description": "a\nb"},
        {"name": None},
        {"title": 5},
    ],
)
def test_add_class_snippet_refuses_bad_input(tmp_path: Path, kw):
    paths = ClassroomPaths().with_prefix(tmp_path)
    args = {"language": "python", "name": "ok", "title": "T", "description": "", "body": "x = 1"}
    args.update(kw)
    with pytest.raises(ClassroomError):
        S.add_class_snippet(paths, **args)
    assert not S.class_snippets_dir(paths).exists()


# pytest-jupyter runs its server on its own loop: requests go through io_loop.run_sync.
@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyter_extension_companion": True}}}


def test_server_lists_snippets_with_class_ones(jp_fetch, io_loop, tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "classroom" / "snippets" / "java").mkdir(parents=True)
    (data / "classroom" / "snippets" / "java" / "publish.java").write_text(
        "// title: Class publish\n// description: ours\nclient.publish();\n"
    )
    monkeypatch.setenv("JUPYTER_PATH", str(data))
    r = io_loop.run_sync(lambda: jp_fetch("classroom", "api", "snippets"))
    body = json.loads(r.body)
    assert set(body["placeholders"]) == set(S.PLACEHOLDERS)
    pairs = {(s["language"], s["name"]): s for s in body["snippets"]}
    assert pairs[("java", "publish")]["title"] == "Class publish"
    assert pairs[("python", "publish")]["source"] == "package"
    r = io_loop.run_sync(
        lambda: jp_fetch("classroom", "api", "snippets", params={"language": "python"})
    )
    assert {s["language"] for s in json.loads(r.body)["snippets"]} == {"python"}


def test_server_refuses_unknown_language(jp_fetch, io_loop):
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as e:
        io_loop.run_sync(
            lambda: jp_fetch("classroom", "api", "snippets", params={"language": "cobol"})
        )
    assert e.value.code == 400


def test_server_lists_what_the_service_added(jp_fetch, io_loop, tmp_path, monkeypatch):
    """The service writes class snippets below paths.venv; the single-user server finds them
    through CLASSROOM_VENV (spawner environment), also when that is not its own sys.prefix."""
    paths = ClassroomPaths().with_prefix(tmp_path)
    S.add_class_snippet(
        paths, language="java", name="from_teacher", title="From the teacher", body="int x = 1;"
    )
    monkeypatch.setenv("CLASSROOM_VENV", str(paths.venv))
    r = io_loop.run_sync(lambda: jp_fetch("classroom", "api", "snippets"))
    names = {(s["language"], s["name"]): s for s in json.loads(r.body)["snippets"]}
    assert names[("java", "from_teacher")]["source"] == "class"
