"""Per-user subdomains on a real hub (issue 8, item 2): each user's server is its own origin.

A teacher who opens a student's server runs the student's page in the student's origin; a call
from that page to the teacher's own server (cookies attached, as a browser does for a same-site
request) is refused by the teacher's server, while in the default single-origin mode the same
call is the teacher's own. Browsers resolve ``*.localhost`` to loopback; here the requests
library is given the same rule.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from jupyter_extension_companion.provision.hub_process import HubLauncher, free_port

from .conftest import RealHub, _shared_venv_for_tests

pytestmark = [pytest.mark.real, pytest.mark.slow]


@pytest.fixture
def localhost_subdomains(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(scope="module")
def subdomain_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealHub]:
    import os

    if os.geteuid() != 0:
        pytest.skip("the real hub needs root")
    _shared_venv_for_tests()
    port = free_port()
    launcher = HubLauncher(tmp_path_factory.mktemp("subdomainhub"), port=port,
                           subdomain_host=f"http://hub.localhost:{port}")
    hub = RealHub(launcher.start())
    try:
        yield hub
    finally:
        try:
            hub.remove_users(list(hub.created))
        finally:
            launcher.stop()


def _login(hub: RealHub, base: str, name: str, password: str):  # type: ignore[no-untyped-def]
    import re
    import time

    import requests

    s = requests.Session()
    # the login page of the hub's own host, once the proxy serves it (a loaded host is slow)
    deadline = time.monotonic() + 60
    while True:
        page = s.get(f"{base}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', page.text)
        if xsrf or time.monotonic() > deadline:
            break
        time.sleep(1)
    error = re.search(r"<h1>(.*?)</h1>", page.text, re.S)
    assert xsrf, (page.status_code, page.url, error.group(1).strip() if error else page.text[-500:],
                  hub.launcher.log_tail(30))
    r = s.post(f"{base}/hub/login", data={"username": name, "password": password,
                                           "_xsrf": xsrf.group(1)}, timeout=180)
    assert r.status_code == 200, (r.status_code, r.url)
    return s, r


def test_each_server_is_its_own_origin(subdomain_hub, localhost_subdomains):
    hub = subdomain_hub
    port = hub.launcher.port
    base = f"http://hub.localhost:{port}"
    teacher, tpass = hub.make_user(teacher=True)
    student, spass = hub.make_user()
    s_session, landed = _login(hub, base, student, spass)
    hub.launcher.wait_for_server(student, timeout=120)
    landed = s_session.get(f"{base}/hub/spawn/{student}", timeout=120)
    student_origin = f"http://{student}.hub.localhost:{port}"
    assert landed.url.startswith(f"{student_origin}/user/{student}/"), landed.url
    t_session, _ = _login(hub, base, teacher, tpass)
    page = t_session.get(f"{base}/hub/spawn/{teacher}", timeout=120)
    hub.launcher.wait_for_server(teacher, timeout=120)
    page = t_session.get(f"{base}/hub/user-redirect/lab", timeout=120)
    teacher_origin = f"http://{teacher}.hub.localhost:{port}"
    assert page.url.startswith(f"{teacher_origin}/user/{teacher}/"), page.url
    # the teacher's server cookie belongs to the teacher's host only
    hosts = {c.domain for c in t_session.cookies if c.name.startswith("jupyterhub-user-")}
    assert hosts and all(h.startswith(f"{teacher}.hub.localhost") for h in hosts), hosts
    # the teacher opens the student's server: served from the student's origin
    r = t_session.get(f"{student_origin}/user/{student}/lab", timeout=120)
    if "/hub/api/oauth2/authorize" in r.url:
        import re

        # again without the redirect chain (requests files cookies set at the end of a chain
        # that started on another host under that host)
        r = t_session.get(r.url, timeout=60)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.text)
        scopes = re.findall(r'type="hidden" name="scopes" value="([^"]+)"', r.text)
        assert xsrf
        r = t_session.post(r.url, data={"_xsrf": xsrf.group(1), "scopes": scopes}, timeout=120)
    if urlsplit(r.url).netloc != f"{student}.hub.localhost:{port}":
        pytest.fail(str((r.status_code, [(c.name, c.domain, c.path) for c in t_session.cookies])))
    assert r.status_code == 200
    # the student's page calls the teacher's forwarder; the browser attaches the teacher's
    # cookies (same site) and says where the call comes from: refused
    api = f"{teacher_origin}/user/{teacher}/classroom/api/admin/users"
    r = t_session.get(api, headers={"Origin": student_origin}, timeout=60)
    assert r.status_code in (403, 404), (r.status_code, r.text[:200])
    # the teacher's own page may (control)
    r = t_session.get(api, headers={"Origin": teacher_origin}, timeout=60)
    assert r.status_code == 200, (r.status_code, r.text[:200])


def test_in_one_origin_a_student_page_is_the_teachers_own(hub_users):
    """Why subdomains matter: without them the student's page and the teacher's server share
    the hub's origin, and the same call is accepted as the teacher's."""
    teacher, tpass = hub_users.make_user(teacher=True)
    session = hub_users.login(teacher, tpass)
    hub_users.open_lab(session, teacher)
    origin = hub_users.url  # the student's page has this origin too
    r = session.get(f"{hub_users.url}/user/{teacher}/classroom/api/admin/users",
                    headers={"Origin": origin}, timeout=60)
    assert r.status_code == 200


def test_doctor_and_installer_find_the_service_by_its_host(subdomain_hub):
    """The proxy serves the service on classroom--service.<hub host>: the checks send that Host
    (from the hub access file), or they would report a running service as down."""
    from jupyter_extension_companion.provision import health as checks

    access = checks.read_access(subdomain_hub.launcher.paths)
    assert access is not None
    host = access["service_host"]
    assert host == f"classroom--service.hub.localhost:{subdomain_hub.launcher.port}"
    found = checks.check_service(access["hub_url"], access["service_url"], host)
    assert found.level == "ok", found
    assert checks.check_service(access["hub_url"], access["service_url"]).level == "fail"
