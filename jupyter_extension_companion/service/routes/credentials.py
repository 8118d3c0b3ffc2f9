"""Service routes for credentials sheets: new passwords for a selection, the last sheet again.

- ``POST /api/v1/credentials/new {"names": [...]}``: a new generated password for each student
  (one ``chpasswd``), one sheet; kept for the teacher like an import's.
- ``GET /api/v1/credentials/last[?format=json|csv|html&lang=de]``: the calling teacher's last
  sheet (import or new passwords) while it is kept (30 minutes); CSV and the printable slips
  come from ``provision/credentials.py``'s writers.
- ``DELETE /api/v1/credentials/last``: the teacher saved it: shred it now.

Only the teacher who made a sheet gets it (the actor is the token's owner, from the hub).
"""

from __future__ import annotations

from typing import Any

from ...provision.errors import ClassroomError
from ...provision.roster import Credentials
from ..base import ClassroomHandler, Route, json_body_schema, op

MAX_NAMES = 2000
FORMATS = ("json", "csv", "html", "summary")
#: the words on the printed slips (German from the catalogue, like the Lab UI)
SLIP_WORDS = {"address": "Address", "username": "Username", "password": "Password",
              "print": "Print", "title": "Classroom login"}


def import_credentials(result: dict[str, Any]) -> list[Credentials]:
    """The credentials in an import's JSON result (rows that got a password)."""
    out = []
    for row in result.get("results") or []:
        if isinstance(row, dict) and row.get("ok") and row.get("password"):
            out.append(Credentials(str(row["username"]), str(row["password"]),
                                   bool(row.get("generated")), row.get("full_name") or None))
    return out


def keep_sheet(ctx: Any, teacher: str, credentials: list[Any], kind: str) -> dict | None:
    """Keep ``credentials`` for ``teacher``; the summary (no passwords) or None."""
    sheet = ctx.credentials.keep(teacher, credentials, kind)
    return sheet.summary() if sheet is not None else None


class NewPasswordsHandler(ClassroomHandler):
    async def post(self) -> None:
        names = self.json_body().get("names")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ClassroomError("'names' must be a list of usernames.", code="missing_field")
        if len(names) > MAX_NAMES:
            raise ClassroomError(f"At most {MAX_NAMES} students at once.", code="too_large")
        roster = self.ctx.roster_for(self.actor)
        creds = await self.blocking(roster.new_passwords, names)
        kept = await self.blocking(keep_sheet, self.ctx, self.actor, creds, "passwords")
        self.send({"credentials": [c.to_json() for c in creds], "kept": kept})


class LastSheetHandler(ClassroomHandler):
    async def get(self) -> None:
        fmt = self.get_query_argument("format", "json")
        if fmt not in FORMATS:
            raise ClassroomError(f"?format= must be one of {', '.join(FORMATS)}.",
                                 code="bad_query")
        lang = self.get_query_argument("lang", "en")
        if fmt == "summary":  # is one kept, until when (no passwords, nothing audited)
            self.send({"kept": await self.blocking(self.ctx.credentials.peek, self.actor)})
            return
        sheet = await self.blocking(self.ctx.credentials.get, self.actor)
        if fmt == "json":
            self.send(sheet.to_json())
            return
        from ...provision import credentials as writer
        from ...provision.messages import translate

        if fmt == "csv":
            text = writer.credentials_csv(sheet.credentials)
            self.set_header("Content-Type", "text/csv; charset=utf-8")
        else:
            from ...provision.hubconfig import read_hub_access

            hub_url = (read_hub_access(self.ctx.paths) or {}).get("hub_url", "")
            words = {k: translate(v, lang) for k, v in SLIP_WORDS.items()}
            title = words.pop("title")
            text = writer.credentials_html(sheet.credentials, hub_url, title=title, labels=words)
            self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(text)

    async def delete(self) -> None:
        gone = await self.blocking(self.ctx.credentials.discard, self.actor)
        self.send({"discarded": gone})


ROUTES: list[Route] = [
    Route("/api/v1/credentials/new", NewPasswordsHandler, {
        "post": op("New generated passwords for the named students (all checked first, one "
                   "chpasswd) -> {credentials, kept}; the sheet is kept for you 30 minutes",
                   body=json_body_schema({"names": {"type": "array",
                                                    "items": {"type": "string"}}}, ["names"])),
    }, max_body=256 * 1024),
    Route("/api/v1/credentials/last", LastSheetHandler, {
        "get": op("Your last credentials sheet (import or new passwords) while it is kept "
                  "(30 minutes) -> {kind, created, expires, count, credentials}; ?format=csv "
                  "or html (printable slips, ?lang=de); ?format=summary -> {kept: {kind, "
                  "expires, count} or null} without passwords",
                  query=[{"name": "format", "in": "query",
                          "schema": {"type": "string", "enum": list(FORMATS)}},
                         {"name": "lang", "in": "query", "schema": {"type": "string"}}]),
        "delete": op("You saved the sheet: shred it now -> {discarded}"),
    }),
]
