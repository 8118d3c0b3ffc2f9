"""A disabled account's login: told apart only for someone who knows the password."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from jupyter_extension_companion import hub_auth
from jupyter_extension_companion.provision import login_check
from jupyter_extension_companion.provision.login_check import disabled_login, password_matches


def _hash(password: str) -> str:
    """A SHA-512 crypt hash made with the same libcrypt (the real test uses chpasswd's)."""
    crypt = login_check._crypt_function()
    assert crypt is not None, "libcrypt is missing"
    return crypt(password.encode(), b"$6$" + secrets.token_hex(8).encode() + b"$").decode()


def _shadow(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "shadow"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_password_matches_real_hashes() -> None:
    hashed = _hash("Sonne-42-Mond")
    assert password_matches("Sonne-42-Mond", hashed)
    assert not password_matches("sonne-42-mond", hashed)
    assert not password_matches("", hashed)
    for not_a_hash in ("", "*", "!", "!*", "x"):
        assert not password_matches("Sonne-42-Mond", not_a_hash)


def test_disabled_only_with_the_right_password(tmp_path: Path) -> None:
    good = _hash("Apfel-7-Birne")
    shadow = _shadow(tmp_path, [
        f"cltlocked:!{good}:20000:0:99999:7:::",
        f"cltopen:{good}:20000:0:99999:7:::",
        f"cltexpired:{good}:20000:0:99999:7::1:",
        "cltnopass:!:20000:0:99999:7:::",
        "cltstar:!*:20000:0:99999:7:::",
    ])
    check = lambda name, pw: disabled_login(name, pw, shadow_file=shadow, today=20400)  # noqa: E731
    assert check("cltlocked", "Apfel-7-Birne") is True
    assert check("cltexpired", "Apfel-7-Birne") is True
    # a wrong password, an open account, no password at all, an unknown name: nothing told
    assert check("cltlocked", "wrong") is False
    assert check("cltexpired", "wrong") is False
    assert check("cltopen", "Apfel-7-Birne") is False
    assert check("cltnopass", "") is False
    assert check("cltstar", "x") is False
    assert check("cltnobody", "Apfel-7-Birne") is False
    assert check("clt:locked", "Apfel-7-Birne") is False


def test_expiry_in_the_future_is_not_disabled(tmp_path: Path) -> None:
    good = _hash("Apfel-7-Birne")
    shadow = _shadow(tmp_path, [f"cltlater:{good}:20000:0:99999:7::30000:"])
    assert disabled_login("cltlater", "Apfel-7-Birne", shadow_file=shadow, today=20400) is False


def test_login_language(tmp_path: Path) -> None:
    assert hub_auth.login_language("") == "en"
    assert hub_auth.login_language("de-DE,de;q=0.9,en;q=0.8") == "de"
    assert hub_auth.login_language("en-US,en;q=0.9,de;q=0.8") == "en"
    assert hub_auth.login_language("fr-FR,fr;q=0.9,de;q=0.5") == "de"
    assert hub_auth.login_language("fr, es") == "en"
    assert hub_auth.login_language("de;q=0, en") == "en"
    overrides = tmp_path / "overrides.json"
    overrides.write_text(json.dumps({hub_auth.TRANSLATION_PLUGIN: {"locale": "de_DE"}}))
    # the school's default UI language wins over the browser's
    assert hub_auth.login_language("en-US", str(overrides)) == "de"
    overrides.write_text(json.dumps({hub_auth.TRANSLATION_PLUGIN: {"locale": "en"}}))
    assert hub_auth.login_language("de-DE", str(overrides)) == "en"
    overrides.write_text("{broken")
    assert hub_auth.login_language("de-DE", str(overrides)) == "de"


def test_disabled_message_has_german() -> None:
    german = hub_auth.translate(hub_auth.DISABLED_MESSAGE, "de")
    assert german != hub_auth.DISABLED_MESSAGE
    assert "gesperrt" in german
    assert hub_auth.translate(hub_auth.DISABLED_MESSAGE, "en") == hub_auth.DISABLED_MESSAGE
