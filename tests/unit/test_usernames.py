"""Username rules (Debian's default), refusals with reasons, and suggestions."""

from __future__ import annotations

import pytest

from jupyter_extension_companion.provision.usernames import (
    UsernameRefused,
    check_username,
    suggest_username,
    transliterate,
    username_problem,
)

ACCOUNTS = {"root": 0, "daemon": 1, "www-data": 33, "nobody": 65534, "anna": 1001}


@pytest.mark.parametrize("name", ["anna", "a", "x_y-1", "b" * 32, "jmueller", "anna"])
def test_valid(name):
    assert username_problem(name, accounts=ACCOUNTS) is None


@pytest.mark.parametrize(
    "name, code",
    [
        ("", "empty"),
        (" anna", "whitespace"),
        ("anna lena", "whitespace"),
        ("anna\t", "whitespace"),
        ("jürgen", "non_ascii"),
        ("-rf", "leading_dash"),
        ("a/b", "path"),
        ("..", "path"),
        ("a\\b", "path"),
        ("a" * 33, "too_long"),
        ("anna;rm", "bad_characters"),
        ("$(id)", "bad_characters"),
        ("a`b`", "bad_characters"),
        ("anna.lena", "bad_characters"),
        ("a|b", "bad_characters"),
        ("Anna", "uppercase"),
        ("1anna", "bad_start"),
        ("_anna", "bad_start"),
        ("root", "system_account"),
        ("www-data", "system_account"),
        ("nobody", "system_account"),
        ("admin", "reserved"),
        ("hub", "reserved"),
        ("jupyterhub", "reserved"),
        ("classroom", "reserved"),
    ],
)
def test_refused_with_code_and_reason(name, code):
    problem = username_problem(name, accounts=ACCOUNTS)
    assert problem is not None and problem[0] == code
    assert len(problem[1]) > 20  # a sentence that says what to do


def test_existing_group_without_user_is_refused(monkeypatch):
    # useradd --user-group fails when a group of that name exists
    from jupyter_extension_companion.provision import usernames

    monkeypatch.setattr(usernames, "_group_exists", lambda name: name == "lehrer")
    problem = username_problem("lehrer", accounts={})
    assert problem is not None and problem[0] == "group_exists"
    assert username_problem("lehrer", accounts={"lehrer": 1005}) is None


def test_transliterate():
    assert transliterate("Jürgen Müller") == "Juergen Mueller"
    assert transliterate("Straße") == "Strasse"
    assert transliterate("José Ærø Łukasz") == "Jose Aero Lukasz"


@pytest.mark.parametrize(
    "full, expected",
    [
        ("Jürgen Müller", "juergen-mueller"),
        ("Anna-Lena", "anna-lena"),
        ("Anna-Lena Maria Schmidt", "anna-lena-schmidt"),
        ("Zoë O'Neil", "zoe-o-neil"),
        ("José María García-López", "jose-garcia-lopez"),
        ("  Max   Mustermann  ", "max-mustermann"),
        ("ROOT", "root2"),
        ("2pac", "pac"),
    ],
)
def test_suggest(full, expected):
    assert suggest_username(full, accounts=ACCOUNTS) == expected


def test_suggest_dedupes_against_taken():
    assert suggest_username("Anna", {"anna"}, accounts={}) == "anna2"
    assert suggest_username("Anna", {"anna", "anna2"}, accounts={}) == "anna3"
    long = suggest_username("A" * 40, {"a" * 32}, accounts={})
    assert long == "a" * 31 + "2"


def test_suggest_nothing_possible():
    assert suggest_username("李雷", accounts={}) is None
    assert suggest_username("!!!", accounts={}) is None


def test_check_username_carries_suggestion():
    with pytest.raises(UsernameRefused) as info:
        check_username("Jürgen Müller", accounts=ACCOUNTS)
    assert info.value.suggested == "juergen-mueller"
    assert "juergen-mueller" in info.value.message
    with pytest.raises(UsernameRefused) as info:
        check_username("x y", accounts=ACCOUNTS, full_name="Anna Lena")
    assert info.value.suggested == "anna-lena"
    check_username("anna", accounts=ACCOUNTS)  # no exception
