"""German: every UI string has a translation, and JupyterLab finds our compiled catalogue."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("compile_i18n", ROOT / "scripts" / "compile_i18n.py")
assert spec and spec.loader
compile_i18n = importlib.util.module_from_spec(spec)
sys.modules["compile_i18n"] = compile_i18n
spec.loader.exec_module(compile_i18n)


def test_extraction_finds_calls_of_every_shape(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.tsx").write_text(
        "trans.__('One');\n"
        "trans.__(\n  'Two %1',\n  x\n);\n"
        'trans.__("It\'s \\"three\\"");\n'
        "trans._n('%1 user', '%1 users', n);\n"
    )
    found = compile_i18n.extract_msgids(src)
    assert set(found) == {"One", "Two %1", 'It\'s "three"', "%1 user"}
    assert found["%1 user"]["plural"] is True
    problems = compile_i18n.problems(found, {"One": "Eins", "%1 user": "%1 Benutzer"})
    assert any("Two %1" in p for p in problems)
    assert any("plural" in p for p in problems)


def test_every_mqtt_string_has_german():
    """The MQTT menu, broker sidebar section and the shipped snippets/templates (engineer F)."""
    msgids = {**compile_i18n.shipped_msgids(), **compile_i18n.extract_msgids()}
    mine = {
        k: v
        for k, v in msgids.items()
        if any(
            f.startswith(
                (
                    "src/mqtt/",
                    "src/plugins/mqtt.ts",
                    "src/widgets/BrokerPanel",
                    "src/components/BrokerForm",
                    "src/widgets/NameTitleBody",
                    "jupyter_extension_companion/snippets",
                    "jupyter_extension_companion/templates",
                )
            )
            for f in v["files"]
        )
    }
    assert len(mine) > 50
    assert compile_i18n.problems(mine, compile_i18n.load_catalogue()) == []


def test_every_string_in_src_has_german():
    msgids = {**compile_i18n.shipped_msgids(), **compile_i18n.extract_msgids()}
    missing = compile_i18n.problems(msgids, compile_i18n.load_catalogue())
    assert missing == [], f"{len(missing)} strings without German:\n" + "\n".join(missing)


def test_compiled_catalogue_is_up_to_date():
    assert compile_i18n.main(["--check"]) in (0, 1)
    version = json.loads((ROOT / "package.json").read_text())["version"]
    expected = compile_i18n.compiled(compile_i18n.load_catalogue(), version)
    actual = json.loads(compile_i18n.OUTPUT.read_text(encoding="utf-8"))
    assert actual == expected, "run: python scripts/compile_i18n.py"
    assert actual[""]["domain"] == "jupyterlab_classroom"
    assert actual[""]["plural_forms"]


def test_jupyterlab_serves_our_german_strings():
    """jupyterlab_server merges package locales (entry point jupyterlab.locale) into the
    de_DE language pack; needs `pip install -e .` (entry point) and the de-DE language pack."""
    from importlib.metadata import entry_points

    from jupyterlab_server.translation_utils import get_language_pack, get_language_packs

    if "jupyterlab_classroom" not in {e.name for e in entry_points(group="jupyterlab.locale")}:
        pytest.fail(
            "entry point jupyterlab.locale missing: reinstall the package (pip install -e .)"
        )
    packs, _ = get_language_packs()
    assert "de_DE" in packs, "install jupyterlab-language-pack-de-DE (hub extra)"
    data, message = get_language_pack("de_DE")
    ours = data["jupyterlab_classroom"]
    assert ours["Publish a JSON object"] == ["JSON-Objekt veröffentlichen"]
    assert ours[""]["language"] == "de-DE"
