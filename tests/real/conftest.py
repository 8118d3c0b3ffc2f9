"""The real hub for tests: JupyterHub + PAM + LocalProcessSpawner + configurable-http-proxy +
the classroom service, started from the generated config in a scratch folder on free ports.

``real_hub`` (session) yields a :class:`RealHub`; users it makes are named ``clt`` + random
letters and are removed in the finaliser (also when a test fails). ``hub_users`` (function)
gives the same object and removes the users made during that test at its end.
"""

from __future__ import annotations

import os
import re
import secrets
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_extension_companion.provision.hub_process import (
    HubLauncher,
    hub_venv,
    usable_by_everyone,
)

PREFIX = "clt"


def random_name(length: int = 8) -> str:
    return PREFIX + "".join(secrets.choice(string.ascii_lowercase) for _ in range(length))


def _account_lines(path: str, keep: set[str]) -> list[str]:
    """Lines of /etc/passwd or /etc/shadow, without other tests' ``clt*`` accounts.

    Other engineers' tests may create ``clt`` users on the same machine at the same time; the
    names in ``keep`` (this test's own) are always compared.
    """
    lines = Path(path).read_text().splitlines()
    return [
        line for line in lines
        if not line.startswith(PREFIX) or line.split(":", 1)[0] in keep
    ]


class RealHub:
    """A running hub and helpers to use it the way people do (tokens, the login form)."""

    def __init__(self, launcher: HubLauncher):
        self.launcher = launcher
        self.created: list[str] = []

    # ---- addresses -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.launcher.url

    @property
    def service_api(self) -> str:
        return self.launcher.service_api

    @property
    def token(self) -> str:
        """The classroom service's own token (hub admin role; not a hub *user*)."""
        return self.launcher.token

    # ---- users -----------------------------------------------------------------------------
    def new_name(self) -> str:
        """A fresh ``clt`` name, registered for cleanup before anything creates it."""
        name = random_name()
        self.created.append(name)
        return name

    def make_user(self, teacher: bool = False, password: str | None = None) -> tuple[str, str]:
        """Create a student (or teacher) with the Roster; returns (name, password)."""
        name = self.new_name()
        creds = self.launcher.roster("tests").add(name, password=password, teacher=teacher)
        return name, creds.password

    def user_token(self, name: str) -> str:
        return self.launcher.user_token(name, note="tests")

    def remove_users(self, names: list[str]) -> None:
        """Remove the given test users (hub user, server, account, home); never other names."""
        roster = self.launcher.roster("tests")
        for name in names:
            if not name.startswith(PREFIX):
                continue
            try:
                roster.remove(name)
            except Exception:  # noqa: BLE001 - fall back to the plain tools below
                pass
            try:
                self.launcher.hub().delete_user(name)
            except Exception:  # noqa: BLE001
                pass
            try:
                import pwd

                if pwd.getpwnam(name).pw_uid >= 1000:
                    subprocess.run(["pkill", "-KILL", "-u", name], check=False)  # noqa: S603,S607
                    subprocess.run(["userdel", "-r", "--", name], check=False,  # noqa: S603,S607
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except KeyError:
                pass
            if name in self.created:
                self.created.remove(name)

    # ---- calls -----------------------------------------------------------------------------
    def service(self, method: str, path: str, token: str | None, **kw: Any) -> requests.Response:
        """Call the service through the proxy, e.g. ``service("GET", "/users", token)``."""
        headers = kw.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"token {token}"
        return requests.request(method, self.service_api + path, headers=headers, timeout=120,
                                **kw)

    def hub_user_names(self) -> list[str]:
        return sorted(u["name"] for u in self.launcher.hub().list_users())

    def snapshot(self, keep: set[str] = frozenset()) -> dict[str, Any]:  # type: ignore[assignment]
        """/etc/passwd, /etc/shadow (without other tests' clt users) and the hub's users."""
        mine = set(keep) | set(self.created)
        return {
            "passwd": _account_lines("/etc/passwd", mine),
            "shadow": _account_lines("/etc/shadow", mine),
            "hub": self.hub_user_names(),
        }

    def login(self, name: str, password: str) -> requests.Session:
        """Log in through the hub's login form; raises AssertionError if the hub refuses."""
        s = requests.Session()
        page = s.get(f"{self.url}/hub/login", timeout=30)
        match = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        assert match, "no _xsrf field on the hub login page"
        r = s.post(f"{self.url}/hub/login", data={
            "username": name, "password": password, "_xsrf": match.group(1),
        }, allow_redirects=False, timeout=60)
        assert r.status_code == 302, f"login of {name} refused: {r.status_code}"
        return s

    def open_lab(self, session: requests.Session, owner: str) -> requests.Response:
        """Spawn ``owner``'s server if needed (as the hub does after login) and open it."""
        r = session.get(f"{self.url}/hub/spawn/{owner}", timeout=120)
        assert r.status_code < 400, self.launcher.log_tail(30)
        self.launcher.wait_for_server(owner, timeout=120)
        r = session.get(f"{self.url}/user/{owner}/", timeout=120)
        assert r.status_code == 200, (r.status_code, r.url, r.text[:300])
        return r

    def visit(self, session: requests.Session, path: str) -> requests.Response:
        """GET a page of the hub or a server, confirming the hub's OAuth "Authorize" page
        (shown when a teacher opens someone else's server) the way a person would."""
        r = session.get(f"{self.url}{path}", timeout=120)
        if "/hub/api/oauth2/authorize" in r.url and r.status_code == 200:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.text)
            scopes = re.findall(r'type="hidden" name="scopes" value="([^"]+)"', r.text)
            assert xsrf, "no _xsrf on the authorize page"
            r = session.post(r.url, data={"_xsrf": xsrf.group(1), "scopes": scopes},
                             timeout=120)
        return r

    def xsrf_headers(self, session: requests.Session, owner: str) -> dict[str, str]:
        """The XSRF header for ``owner``'s single-user server (cookie set by the lab page)."""
        for cookie in session.cookies:
            if cookie.name == "_xsrf" and cookie.path.startswith(f"/user/{owner}"):
                return {"X-XSRFToken": cookie.value}
        raise AssertionError(f"no _xsrf cookie for /user/{owner}/")


def _shared_venv_for_tests() -> None:
    """Make the hub's Python runnable by the students' accounts when the test runner's is not.

    A venv made from a Python in a root-only folder (pyenv below /root) cannot start the
    students' servers. Unless ``CLASSROOM_HUB_VENV`` names a venv, this builds a thin one from
    Debian's ``/usr/bin/python3`` (same Python minor version) that uses this venv's packages
    (a ``.pth`` file) and its Jupyter config and data (``etc``, ``share``).
    """
    try:
        hub_venv()
        return
    except Exception:  # noqa: BLE001 - not shared: build the thin venv below
        pass
    import sys

    system = Path("/usr/bin/python3")
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if not system.exists() or not usable_by_everyone(site):
        pytest.fail("The test venv's Python cannot be run by other accounts and there is no "
                    "usable /usr/bin/python3: set CLASSROOM_HUB_VENV (see provision.hub_process.hub_venv).")
    version = subprocess.run([str(system), "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    if version != str(tuple(sys.version_info[:2])):
        pytest.fail(f"/usr/bin/python3 is {version}, the tests run {sys.version_info[:2]}: "
                    "set CLASSROOM_HUB_VENV to a venv made with /usr/bin/python3.")
    thin = Path("/var/tmp/classroom-test-hubvenv")
    if not (thin / "bin" / "python").exists():
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(thin)], check=True)
    packages = site / "site-packages"
    thin_site = thin / "lib" / site.name / "site-packages"
    # addsitedir (not a plain path line) so that the .pth files there (e.g. the editable
    # install of this package) are processed too
    (thin_site / "classroom-test.pth").write_text(
        f"import site; site.addsitedir({str(packages)!r})\n")
    for folder in ("etc", "share"):
        link = thin / folder
        if not link.is_symlink():
            if link.exists():
                import shutil

                shutil.rmtree(link)
            link.symlink_to(Path(sys.prefix) / folder)
    for script, module in (("jupyterhub", "jupyterhub.app"),
                           ("jupyterhub-singleuser", "jupyterhub.singleuser"),
                           ("classroom-singleuser", "jupyter_extension_companion.singleuser")):
        path = thin / "bin" / script
        path.write_text(f"#!{thin / 'bin' / 'python'}\nimport sys\nfrom {module} import main\n"
                        "sys.exit(main())\n")
        path.chmod(0o755)
    os.environ["CLASSROOM_HUB_VENV"] = str(thin)
    hub_venv()  # fails with the reason if it is still not usable


@pytest.fixture(scope="session")
def real_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealHub]:
    if os.geteuid() != 0:
        pytest.skip("the real hub needs root (PAM logins, system accounts)")
    _shared_venv_for_tests()
    launcher = HubLauncher(tmp_path_factory.mktemp("realhub"))
    hub = RealHub(launcher.start())
    try:
        yield hub
    finally:
        try:
            hub.remove_users(list(hub.created))
        finally:
            launcher.stop()


@pytest.fixture
def hub_users(real_hub: RealHub) -> Iterator[RealHub]:
    """The real hub; users made during the test are removed at its end."""
    before = set(real_hub.created)
    try:
        yield real_hub
    finally:
        real_hub.remove_users([n for n in real_hub.created if n not in before])
