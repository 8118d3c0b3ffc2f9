"""A disabled student who logs in is told so, in the browser's language; nobody else is.

Real hub, real PAM, real accounts (``clt`` + random letters, removed at the end).
"""

from __future__ import annotations

import html
import re

import requests

from .conftest import RealHub

GENERIC = "Invalid username or password"
DISABLED_EN = "This account is disabled"
DISABLED_DE = "Dieses Konto ist gesperrt"


def _login_page(hub: RealHub, name: str, password: str, language: str) -> requests.Response:
    s = requests.Session()
    headers = {"Accept-Language": language}
    page = s.get(f"{hub.url}/hub/login", headers=headers, timeout=30)
    match = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
    assert match, "no _xsrf field on the hub login page"
    return s.post(f"{hub.url}/hub/login", headers=headers, allow_redirects=False, timeout=60,
                  data={"username": name, "password": password, "_xsrf": match.group(1)})


def _error(r: requests.Response) -> str:
    match = re.search(r'class="login_error">\s*(.*?)\s*<', r.text, re.S)
    return html.unescape(match.group(1)) if match else ""


def test_disabled_student_is_told_in_their_language(hub_users: RealHub) -> None:
    name, password = hub_users.make_user()
    other, _ = hub_users.make_user()
    roster = hub_users.launcher.roster("tests")
    assert _login_page(hub_users, name, password, "en").status_code == 302

    roster.disable(name)
    r = _login_page(hub_users, name, password, "en-US,en;q=0.9")
    assert r.status_code == 403
    assert DISABLED_EN in _error(r), _error(r)
    r = _login_page(hub_users, name, password, "de-DE,de;q=0.9,en;q=0.8")
    assert r.status_code == 403
    assert DISABLED_DE in _error(r), _error(r)
    assert "username" in r.text and 'name="password"' in r.text  # the login form again

    # a wrong password for the disabled account, a wrong one for an enabled account and an
    # unknown name all get the generic answer: nothing is told to someone guessing
    for who, pw in ((name, password + "x"), (other, "wrong-password"), ("cltnosuchuser", "x")):
        r = _login_page(hub_users, who, pw, "de-DE")
        assert r.status_code == 403
        assert _error(r) == GENERIC, (who, _error(r))

    roster.enable(name)
    assert _login_page(hub_users, name, password, "de-DE").status_code == 302
