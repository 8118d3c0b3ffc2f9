"""Roster files in the shapes and encodings school software really exports (fixtures made in
those bytes: tests/fixtures/rosters/)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.roster_parse import (
    MAX_BYTES,
    MAX_ROWS,
    MappingNeeded,
    ParsedRoster,
    RosterMappings,
    decode_roster,
    parse_roster,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rosters"


def parsed(name: str, **kwargs) -> ParsedRoster:
    result = parse_roster((FIXTURES / name).read_bytes(), **kwargs)
    assert isinstance(result, ParsedRoster), result
    return result


def people(roster: ParsedRoster) -> list[tuple]:
    return [(r.line, r.username, r.full_name, r.class_name, r.external_id, r.password)
            for r in roster.rows]


def test_fixtures_are_in_their_real_bytes():
    assert (FIXTURES / "webuntis.csv").read_bytes().count(b"M\xfcller") == 1  # ISO-8859-1 ü
    assert (FIXTURES / "schild.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"D\x92Angelo" in (FIXTURES / "iserv.csv").read_bytes()  # Windows-1252 ’
    assert (FIXTURES / "excel-unicode-tab.txt").read_bytes().startswith(b"\xff\xfe")


def test_webuntis_iso_8859_1():
    r = parsed("webuntis.csv")
    assert (r.encoding, r.delimiter) == ("iso-8859-1", ";")
    assert people(r) == [
        (2, None, "Jürgen Müller", "10a", None, None),
        (3, None, "Björn Weiß", "10a", None, None),
        (4, None, "Lea Schmidt", "10b", None, None),
        (5, None, "Zoé Çelik", "10b", None, None),
    ]
    fields = {c.title: c.field for c in r.columns}
    assert fields == {"Familienname": "last_name", "Vorname": "first_name",
                      "Klassenbezeichnung": "class_name", "Geburtsdatum": "birth_date"}


def test_schild_utf8_bom_never_keeps_birth_date_or_gender():
    r = parsed("schild.csv")
    assert (r.encoding, r.delimiter) == ("utf-8-sig", ";")
    assert [(p[2], p[3]) for p in people(r)] == [
        ("Änne Größe", "Q1"), ("Ömer Öztürk", "Q1"), ("Lea Schmidt", "Q1"), ("Lea Schmidt", "Q2")]
    info = json.dumps(r.info()) + repr(r.rows)
    assert "2008" not in info and "'w'" not in info and '"w"' not in info
    by_title = {c.title: c for c in r.columns}
    assert by_title["Geburtsdatum"].samples == [] and by_title["Geschlecht"].field == "gender"


def test_moodle_comma_with_usernames_and_ignored_email():
    r = parsed("moodle.csv")
    assert (r.encoding, r.delimiter) == ("utf-8", ",")
    assert [(p[1], p[2]) for p in people(r)] == [
        ("jmueller", "Jürgen Müller"), ("lschmidt", "Lea Schmidt"),
        ("anna-lena", "Anna-Lena Meyer-Graf")]
    assert "schule.example" not in repr(r.rows)


def test_iserv_windows_1252_with_id():
    r = parsed("iserv.csv")
    assert (r.encoding, r.delimiter) == ("windows-1252", ";")
    assert people(r) == [
        (2, None, "Luca D’Angelo", "7b", "10231", None),
        (3, None, "Šárka Štastná", "7b", "10232", None),
        (4, None, "Jörg Peter Strauß", "7c", "10233", None),
    ]


def test_excel_unicode_text_tab_with_password():
    r = parsed("excel-unicode-tab.txt")
    assert (r.encoding, r.delimiter) == ("utf-16", "tab")
    assert people(r) == [(2, None, "Jürgen Müller", "10a", None, "Sonne-Mond-42"),
                         (3, None, "Émilie Lefèvre", "10a", None, None)]


def test_unknown_header_asks_for_a_mapping_and_remembers_it(tmp_path):
    data = (FIXTURES / "unknown-header.csv").read_bytes()
    mappings = RosterMappings(tmp_path / "state" / "roster-mappings.json")
    needed = parse_roster(data, mappings=mappings)
    assert isinstance(needed, MappingNeeded)
    shown = needed.to_json()
    assert shown["mapping_needed"] and "class_name" in shown["fields"]
    assert [(c["title"], c["samples"]) for c in shown["columns"]] == [
        ("Spalte A", ["Müller", "Weiß"]), ("Spalte B", ["Jürgen", "Björn"]),
        ("Kl.", ["10a", "10a"])]
    mapping = {"last_name": 0, "first_name": 1, "class_name": 2}
    r = parse_roster(data, mapping, mappings)
    assert isinstance(r, ParsedRoster) and r.mapped_by_hand
    assert [(p[2], p[3]) for p in people(r)] == [("Jürgen Müller", "10a"), ("Björn Weiß", "10a")]
    assert stat.S_IMODE(os.stat(mappings.path).st_mode) == 0o600
    # the next file of the same header shape (other rows, other encoding) needs no mapping
    again = parse_roster("Spalte A;Spalte B;Kl.\nStrauß;Jörg;7c\n".encode("latin-1"),
                         mappings=mappings)
    assert isinstance(again, ParsedRoster) and again.rows[0].full_name == "Jörg Strauß"
    # another shape still asks
    assert isinstance(parse_roster(b"A;B\nx;y\n", mappings=mappings), MappingNeeded)


@pytest.mark.parametrize("mapping", [
    {"first_name": 7}, {"first_name": -1}, {"first_name": "1"}, {"nickname": 0},
    {"first_name": 0, "last_name": 0}, {"class_name": 2}, [0, 1],
])
def test_bad_mapping_is_refused(mapping, tmp_path):
    mappings = RosterMappings(tmp_path / "m.json")
    with pytest.raises(ClassroomError) as e:
        parse_roster((FIXTURES / "unknown-header.csv").read_bytes(), mapping, mappings)
    assert e.value.code == "bad_mapping"
    assert not mappings.path.exists()


@pytest.mark.parametrize("data,code", [
    (b"", "empty_roster"), (b"\n\n", "empty_roster"), (b";;;\n", "empty_roster"),
    (b"PK\x03\x04xlsx", "not_csv"), (b"name\x00\n", "not_csv"),
    (b"\xef\xbb\xbfname\n\xff\n", "bad_encoding"),
])
def test_unreadable_files_say_what_to_do(data, code):
    with pytest.raises(ClassroomError) as e:
        parse_roster(data)
    assert e.value.code == code and len(e.value.message) > 30


def test_limits():
    with pytest.raises(ClassroomError, match="2 MB"):
        decode_roster(b"x" * (MAX_BYTES + 1))
    rows = "name\n" + "".join(f"Anna{i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(ClassroomError, match=str(MAX_ROWS)):
        parse_roster(rows.encode())


def test_rufname_wins_over_vorname_and_quoted_cells_keep_lines():
    r = parsed_bytes('Vorname;Rufname;Nachname\n"Anna\nMaria";Anna;Schmidt\nBen;;Meyer\n')
    assert [(x.line, x.full_name) for x in r.rows] == [(2, "Anna Schmidt"), (4, "Ben Meyer")]


def parsed_bytes(text: str) -> ParsedRoster:
    result = parse_roster(text.encode())
    assert isinstance(result, ParsedRoster)
    return result


def test_unreadable_csv_says_which_line():
    with pytest.raises(ClassroomError) as e:
        parse_roster(b'name\nAnna\n"' + b"x" * 200_000 + b'"\n')
    assert e.value.code == "bad_csv" and "Line" in e.value.message
