"""Roster files as schools export them: bytes in, one row per student out.

The one parser of class lists (the service, the CLI and the sidebar all go through it):

- **encoding**: UTF-8 with or without a byte order mark (SchILD/ASV via Excel), UTF-16 with a
  BOM (Excel's "Unicode text"), else a single-byte code page: Windows-1252 (IServ,
  linuxmuster.net, old Excel) when a byte in 0x80-0x9F is present, ISO-8859-15 when the file
  has one of the letters that differ from ISO-8859-1 (Š, ž, Œ, €), else ISO-8859-1 (WebUntis);
- **delimiter**: ``;``, ``,`` or tab, whichever splits the header row most (Python ``csv``);
- **header**: German and English synonyms (:data:`FIELDS`); birth date, gender and email are
  recognised and dropped, never kept. When no name or username column is found the caller gets
  a :class:`MappingNeeded` with the columns and sample values, and parses again with a mapping
  (``field -> column index``), which :class:`RosterMappings` remembers for the next file of the
  same header shape.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_text_atomic
from .errors import ClassroomError
from .usernames import transliterate

#: the largest roster file (bytes) and the most rows: the one set of limits for every caller
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

#: field -> header names (normalised: lower case, umlauts transliterated, only a-z0-9), the
#: first match wins, so e.g. "Rufname" (the name a student goes by) beats "Vorname"
FIELDS: dict[str, tuple[str, ...]] = {
    "username": ("username", "benutzername", "login", "loginname", "user", "account",
                 "benutzer", "nutzername", "kennung", "uid", "anmeldename"),
    "full_name": ("fullname", "name", "displayname", "vollstaendigername", "vollername",
                  "anzeigename", "student", "schueler", "schuelerin", "schuelername"),
    "first_name": ("rufname", "firstname", "vorname", "vornamen", "givenname", "first"),
    "last_name": ("nachname", "familienname", "lastname", "surname", "familyname", "last",
                  "zuname"),
    "password": ("password", "passwort", "kennwort", "pass", "pwd", "initialpassword",
                 "startpasswort", "erstpasswort"),
    "class_name": ("klasse", "klassenbezeichnung", "class", "cohort", "klassenname",
                   "lerngruppe", "kurs", "course", "group", "gruppe", "form", "stammklasse"),
    "external_id": ("id", "importid", "schuelerid", "externalid", "studentid", "idnumber",
                    "schuelernummer", "nummer", "guid", "uuid"),
}
#: columns that are understood but never read (personal data the accounts do not need)
IGNORED: dict[str, tuple[str, ...]] = {
    "email": ("email", "mail", "emailadresse", "emailaddress"),
    "birth_date": ("geburtsdatum", "birthdate", "dateofbirth", "birthday", "geburtstag", "gebdat"),
    "gender": ("geschlecht", "gender", "sex"),
}
DELIMITERS = (";", "\t", ",")
SAMPLES = 3


@dataclass
class InputRow:
    """One student as the file gives it (``line``: the line number in the file)."""

    line: int
    username: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    password: str | None = None
    class_name: str | None = None
    external_id: str | None = None


@dataclass
class Column:
    """A column of the file: its title, what it was read as, and a few sample values."""

    index: int
    title: str
    field: str | None  # one of FIELDS, one of IGNORED, or None (not recognised)
    samples: list[str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedRoster:
    """The rows of a roster file and how they were read."""

    rows: list[InputRow]
    encoding: str
    delimiter: str
    columns: list[Column]
    mapping: dict[str, int]
    #: True when the mapping came from the teacher (given now or remembered for this shape)
    mapped_by_hand: bool = False

    def info(self) -> dict[str, Any]:
        """How the file was read, for the preview (no row data beyond the samples)."""
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": [c.to_json() for c in self.columns],
            "mapping": self.mapping,
            "mapped_by_hand": self.mapped_by_hand,
        }


@dataclass
class MappingNeeded:
    """The header was not understood: the teacher says which column is which."""

    encoding: str
    delimiter: str
    columns: list[Column]
    shape: str
    fields: list[str] = field(default_factory=lambda: list(FIELDS))

    def to_json(self) -> dict[str, Any]:
        return {
            "mapping_needed": True,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": [c.to_json() for c in self.columns],
            "fields": self.fields,
            "message": "The columns of this file were not recognised: say which column holds "
                       "the username or the names (first and last, or full name).",
        }


# ---- bytes -> text ----------------------------------------------------------------------------

# ISO-8859-15 replaces these ISO-8859-1 symbols (never in a name) with letters (Š š Ž ž Œ œ Ÿ €)
_LATIN9_BYTES = frozenset(b"\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe")


def decode_roster(data: bytes) -> tuple[str, str]:
    """The text of a roster file and the encoding it was read in (see the module docstring).

    Refuses files over :data:`MAX_BYTES`, empty files and spreadsheets (``.xlsx``/``.ods``
    are zip files: save them as CSV).
    """
    if len(data) > MAX_BYTES:
        raise ClassroomError(
            f"The file is larger than {MAX_BYTES // 2**20} MB: split the class list.",
            code="too_big", status=413)
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ClassroomError(
            "This is a spreadsheet, not a CSV file: save it as CSV (semicolon- or "
            "comma-separated, or Unicode text) and upload that.", code="not_csv")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data:
        raise ClassroomError("This file is not text (it holds NUL bytes): save the class list "
                             "as CSV and upload that.", code="not_csv")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in data):
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: not Windows-1252 either
            return data.decode("latin-1"), "iso-8859-1"
    if _LATIN9_BYTES & set(data):
        return data.decode("iso-8859-15"), "iso-8859-15"
    return data.decode("latin-1"), "iso-8859-1"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ClassroomError(
            f"The file starts like {encoding.upper()} but byte {e.start} is not: save it again "
            "as CSV (UTF-8).", code="bad_encoding") from None


# ---- text -> rows -----------------------------------------------------------------------------


def header_key(title: str) -> str:
    """A header cell normalised for matching: ``"Schüler-ID"`` -> ``"schuelerid"``."""
    return re.sub(r"[^a-z0-9]", "", transliterate(title.strip().lower()))


def detect_delimiter(header_line: str) -> str:
    """``;``, tab or ``,``: the one that splits the header row most (``,`` for one column)."""
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the order of DELIMITERS
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def recognise(header: list[str]) -> dict[str, int]:
    """``field -> column index`` for every header cell that names one of :data:`FIELDS`."""
    keys = [header_key(h) for h in header]
    mapping: dict[str, int] = {}
    for name, synonyms in FIELDS.items():
        for synonym in synonyms:
            if synonym in keys and keys.index(synonym) not in mapping.values():
                mapping[name] = keys.index(synonym)
                break
    return mapping


def fallbacks(header: list[str], mapping: Mapping[str, int]) -> dict[str, int]:
    """Second choices for a field whose cell is empty: "Vorname" when "Rufname" is blank."""
    keys = [header_key(h) for h in header]
    out: dict[str, int] = {}
    for name in ("first_name", "last_name"):
        if name not in mapping:
            continue
        taken = set(mapping.values()) | set(out.values())
        second = next((keys.index(s) for s in FIELDS[name]
                       if s in keys and keys.index(s) not in taken), None)
        if second is not None:
            out[name] = second
    return out


def _ignored_field(title: str) -> str | None:
    key = header_key(title)
    return next((name for name, synonyms in IGNORED.items() if key in synonyms), None)


def usable(mapping: Mapping[str, int]) -> bool:
    """True if the rows can be read: a username, a full name, or a first or last name column."""
    return bool({"username", "full_name", "first_name", "last_name"} & set(mapping))


def header_shape(header: list[str], delimiter: str) -> str:
    """The key under which a mapping is remembered: the normalised header cells, in order."""
    return delimiter + "|" + "|".join(header_key(h) for h in header)


def check_mapping(mapping: Any, width: int) -> dict[str, int]:
    """A teacher's mapping (``{field: column index}``) checked, or a refusal that says why."""
    if not isinstance(mapping, dict):
        raise ClassroomError("'mapping' must be an object: field -> column number.",
                             code="bad_mapping")
    clean: dict[str, int] = {}
    for name, index in mapping.items():
        if index is None:
            continue
        if name not in FIELDS:
            raise ClassroomError(f"Unknown field {name!r} in the mapping; known: "
                                 f"{', '.join(FIELDS)}.", code="bad_mapping")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < width:
            raise ClassroomError(f"The column for {name!r} must be a number from 0 to "
                                 f"{width - 1}.", code="bad_mapping")
        if index in clean.values():
            raise ClassroomError("Each column can be used for one field only.",
                                 code="bad_mapping")
        clean[name] = index
    if not usable(clean):
        raise ClassroomError("Choose the column of the username, or of the names (first and "
                             "last name, or full name).", code="bad_mapping")
    return clean


def parse_roster(
    data: bytes,
    mapping: Mapping[str, int] | None = None,
    mappings: RosterMappings | None = None,
) -> ParsedRoster | MappingNeeded:
    """Read a roster file: its rows, or :class:`MappingNeeded` if the header is not understood.

    ``mapping`` (from the teacher) wins over the header; ``mappings`` supplies one remembered
    for this header shape, and remembers a given one. Nothing else is written.
    """
    text, encoding = decode_roster(data)
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first.strip():
        raise ClassroomError("The roster is empty: it needs a header row and one row per "
                             "student.", code="empty_roster")
    delimiter = detect_delimiter(first)
    records, numbered = _records(text, delimiter)
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        raise ClassroomError("The roster is empty: it needs a header row and one row per "
                             "student.", code="empty_roster")
    header = [h.strip() for h in records[start]]
    body = [(numbered[i], r) for i, r in enumerate(records) if i > start and any(r)]
    if len(body) > MAX_ROWS:
        raise ClassroomError(f"The roster has more than {MAX_ROWS} rows: split it.",
                             code="too_big", status=413)
    width = max([len(header)] + [len(r) for _, r in body])
    columns = _columns(header, [r for _, r in body], width)
    shape = header_shape(header, delimiter)
    by_hand = False
    if mapping is not None:
        chosen = check_mapping(mapping, width)
        by_hand = True
        if mappings is not None:
            mappings.remember(shape, chosen)
    else:
        chosen = recognise(header)
        if not usable(chosen) and mappings is not None:
            remembered = mappings.get(shape)
            if remembered is not None and all(i < width for i in remembered.values()):
                chosen, by_hand = remembered, True
        if not usable(chosen):
            return MappingNeeded(encoding, _delimiter_name(delimiter), columns, shape)
    for c in columns:
        mapped = next((f for f, i in chosen.items() if i == c.index), None)
        c.field = mapped or (c.field if c.field in IGNORED else None)
    second = {} if by_hand else fallbacks(header, chosen)
    rows = [_row(line, record, chosen, second) for line, record in body]
    return ParsedRoster(rows, encoding, _delimiter_name(delimiter), columns, chosen, by_hand)


def _delimiter_name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def _records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The records of the file and the line on which each starts (quoted cells may span
    lines); a file ``csv`` cannot read is refused with the line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    starts: list[int] = []
    previous = 0
    try:
        for record in reader:
            records.append(record)
            starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as e:
        raise ClassroomError(f"Line {reader.line_num + 1} of the file cannot be read as CSV "
                             f"({e}): save the class list as CSV again.",
                             code="bad_csv") from None
    return records, starts


def _columns(header: list[str], rows: list[list[str]], width: int) -> list[Column]:
    known = recognise(header)
    columns = []
    for index in range(width):
        title = header[index] if index < len(header) else ""
        ignored = _ignored_field(title)
        mapped = next((f for f, i in known.items() if i == index), None)
        # personal data that is never used is not echoed either
        samples = [] if ignored else [
            r[index].strip() for r in rows[:SAMPLES] if index < len(r)
        ]
        columns.append(Column(index, title, mapped or ignored, samples))
    return columns


def _row(line: int, record: list[str], mapping: Mapping[str, int],
         second: Mapping[str, int]) -> InputRow:
    def cell(name: str, strip: bool = True) -> str | None:
        value = _cell(record, mapping.get(name), strip)
        return value if value is not None else _cell(record, second.get(name), strip)

    first, last = cell("first_name"), cell("last_name")
    full_name = cell("full_name") or " ".join(p for p in (first, last) if p) or None
    username = cell("username", strip=False)  # spaces are refused, not silently removed
    return InputRow(
        line=line,
        username=username,
        full_name=full_name,
        first_name=first,
        last_name=last,
        password=cell("password", strip=False),
        class_name=cell("class_name"),
        external_id=cell("external_id"),
    )


def _cell(record: list[str], index: int | None, strip: bool) -> str | None:
    if index is None or index >= len(record):
        return None
    if not strip:  # a username or password of spaces is refused, not silently dropped
        return record[index] or None
    return record[index].strip() or None


def rows_from_text(text: str) -> list[InputRow]:
    """The rows of roster text (already decoded); raises if the header is not understood."""
    parsed = parse_roster(text.encode("utf-8"))
    if isinstance(parsed, MappingNeeded):
        raise ClassroomError(
            "The first row must name the columns, e.g. 'username;full name;password' or "
            "'Nachname;Vorname;Klasse' (found: "
            f"{', '.join(repr(c.title) for c in parsed.columns)}).", code="no_header")
    return parsed.rows


# ---- remembered mappings ------------------------------------------------------------------------


class RosterMappings:
    """Column mappings the teacher chose, by header shape: a root-only JSON file."""

    MAX_SHAPES = 50

    def __init__(self, path: Path):
        self.path = path

    def _load(self) -> dict[str, dict[str, int]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, shape: str) -> dict[str, int] | None:
        """The mapping remembered for this header shape, if it is still a valid one."""
        found = self._load().get(shape)
        if not isinstance(found, dict):
            return None
        clean = {k: v for k, v in found.items()
                 if k in FIELDS and isinstance(v, int) and not isinstance(v, bool) and v >= 0}
        return clean if usable(clean) else None

    def remember(self, shape: str, mapping: Mapping[str, int]) -> None:
        """Keep ``mapping`` for the next file of this shape (the newest :data:`MAX_SHAPES`)."""
        data = self._load()
        data.pop(shape, None)
        data[shape] = dict(mapping)
        while len(data) > self.MAX_SHAPES:
            data.pop(next(iter(data)))
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_text_atomic(self.path, json.dumps(data, indent=1, sort_keys=False) + "\n",
                          mode=0o600)
