"""A hostile roster through the service on the real hub: refused row by row, nothing changes."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.real, pytest.mark.slow]

HOSTILE = [
    "a;rm -rf /",
    "$(id)",
    "`id`",
    "x|cat /etc/shadow",
    "-rf",
    "--help",
    "../etc",
    "a/b",
    "a\\b",
    "a:b",
    "root",
    "daemon",
    "nobody",
    "a" * 33,
    "   ",
    "jürgen",
    "Anna-Lena",
    "a b",
    "a\nb",
]


def _csv(rows: list[str], dup: str) -> str:
    lines = ["\ufeffusername;full name;password"]
    for name in rows:
        lines.append('"' + name.replace('"', '""') + '";;')
    lines.append(";;Only-A-Pass-42")  # no username, no full name
    lines.append(f"{dup};;")
    lines.append(f"{dup};;")  # the same student twice in one file
    return "\r\n".join(lines) + "\r\n"


def test_hostile_roster_is_refused_row_by_row(hub_users):
    teacher, _ = hub_users.make_user(teacher=True)
    dup, _ = hub_users.make_user()
    token = hub_users.user_token(teacher)
    before = hub_users.snapshot()

    r = hub_users.service("POST", "/roster/preview", token, json={"csv": _csv(HOSTILE, dup)})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert len(rows) == len(HOSTILE) + 3
    for row in rows[: len(HOSTILE) + 1]:
        assert row["action"] == "refuse", row
        assert row["reason"] and len(row["reason"]) > 10, row
    first, second = rows[-2:]
    assert first["action"] == "exists" and second["action"] == "refuse"
    assert "line" in second["reason"]
    # a suggestion is offered where one can be made, never applied by itself
    by_input = {row["input"]["username"]: row for row in rows}
    assert by_input["jürgen"]["suggested"] == "juergen"
    assert by_input["Anna-Lena"]["suggested"]
    assert hub_users.snapshot() == before

    # a client that skips the preview and applies the hostile rows anyway: the same check
    # refuses them all before anything is done
    r = hub_users.service("POST", "/roster/apply", token,
                          json={"rows": [{"username": n} for n in HOSTILE if n.strip()]})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "refused_rows" and "line 1" in r.json()["message"]
    assert hub_users.snapshot() == before
