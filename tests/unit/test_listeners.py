"""provision/listeners.py: the /proc/net/tcp parser and the checks built on it.

The real test (tests/real/test_listeners.py) has a student listen on every port; here the
parser is fed text as the kernel prints it, and the live checks use this process's own sockets.
"""

from __future__ import annotations

import http.server
import ipaddress
import os
import socket
import sys
import threading
import urllib.request
from collections.abc import Iterator

import pytest

from jupyter_extension_companion.provision import health as checks
from jupyter_extension_companion.provision import listeners
from jupyter_extension_companion.provision.errors import ClassroomError
from jupyter_extension_companion.provision.listeners import TcpSocket, parse_proc_net_tcp

little_endian = pytest.mark.skipif(sys.byteorder != "little",
                                   reason="sample text as a little-endian kernel prints it")

# 127.0.0.1:8081 LISTEN (root), 0.0.0.0:8000 LISTEN (uid 1001), 127.0.0.1:8081 <- :40000
# ESTABLISHED (root), a line cut short, and a header.
TCP4 = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 2222 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F91 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:1F91 garbage
"""
# [::]:8001 LISTEN (uid 1001), [::ffff:127.0.0.1]:10101 LISTEN (root), [::1]:8081 LISTEN (uid 7)
TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 4444 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:2775 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     7        0 6666 1 0000000000000000 100 0 0 10 0
"""

ip = ipaddress.ip_address


@little_endian
def test_parser_reads_addresses_ports_state_uid_and_inode() -> None:
    v4 = parse_proc_net_tcp(TCP4)
    assert v4 == [
        TcpSocket(ip("127.0.0.1"), 8081, ip("0.0.0.0"), 0, 0x0A, 0, 1111),
        TcpSocket(ip("0.0.0.0"), 8000, ip("0.0.0.0"), 0, 0x0A, 1001, 2222),
        TcpSocket(ip("127.0.0.1"), 8081, ip("127.0.0.1"), 40000, 0x01, 0, 3333),
    ]  # the short line and the header are skipped
    v6 = parse_proc_net_tcp(TCP6)
    assert [(str(s.local), s.local_port, s.uid) for s in v6] == [
        ("::", 8001, 1001),
        ("127.0.0.1", 10101, 0),  # v4-mapped comes back as IPv4
        ("::1", 8081, 7),
    ]


@little_endian
def test_listeners_match_the_address_or_a_wildcard() -> None:
    socks = parse_proc_net_tcp(TCP4) + parse_proc_net_tcp(TCP6)
    hub = listeners.listeners("http://127.0.0.1:8081/hub/api", socks)
    assert [s.inode for s in hub] == [1111]  # not [::1] (another address), not the connection
    assert [s.inode for s in listeners.listeners("http://localhost:8000", socks)] == [2222]
    assert [s.inode for s in listeners.listeners("http://127.0.0.1:8001", socks)] == [4444]
    assert [s.inode for s in listeners.listeners("http://[::1]:8081", socks)] == [6666]
    with pytest.raises(listeners.UnverifiedListener, match="loopback"):
        listeners.listeners("http://192.0.2.7:8081", socks)


@little_endian
def test_verify_listener_refuses_another_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listeners, "trusted_uids", lambda: {0})
    socks = parse_proc_net_tcp(TCP4) + parse_proc_net_tcp(TCP6)
    assert listeners.verify_listener("http://127.0.0.1:8081/hub/api", "hub API", socks) == 0
    assert listeners.verify_listener("http://127.0.0.1:10101/services/x/", sockets=socks) == 0
    with pytest.raises(listeners.UnverifiedListener) as e:
        listeners.verify_listener("http://127.0.0.1:8001", "proxy API", socks)
    assert e.value.uid == 1001 and "Nothing was sent" in e.value.message
    with pytest.raises(ClassroomError) as gone:
        listeners.verify_listener("http://127.0.0.1:9999", "x", socks)
    assert gone.value.code == "not_listening"
    assert listeners.foreign_listeners([8000, 8001, 8081, 10101], socks) == {8000: 1001,
                                                                             8001: 1001,
                                                                             8081: 7}


@little_endian
def test_hub_config_guard_names_every_taken_port(monkeypatch: pytest.MonkeyPatch) -> None:
    socks = parse_proc_net_tcp(TCP4) + parse_proc_net_tcp(TCP6)
    monkeypatch.setattr(listeners, "trusted_uids", lambda: {0})
    monkeypatch.setattr(listeners, "listening_sockets",
                        lambda ports=None: [s for s in socks if s.state == listeners.LISTEN])
    with pytest.raises(SystemExit) as e:
        listeners.refuse_foreign_listeners({"public proxy": 8000, "proxy API": 8001,
                                            "classroom service": 10101})
    text = str(e.value)
    assert "public proxy (port 8000)" in text and "proxy API (port 8001)" in text
    assert "10101" not in text
    listeners.refuse_foreign_listeners({"classroom service": 10101})  # root: no error


@little_endian
def test_a_check_parses_only_the_lines_of_its_port(tmp_path, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    """The hub checks its proxy's listener before every proxy call, on its event loop: with a
    class's thousands of sockets only the lines of the port in question may be parsed (issue
    14: 80 ms per call when every line was)."""
    busy = TCP4.splitlines()[0] + "\n" + "".join(
        f"   {i}: 0100007F:{20000 + i:04X} 0100007F:1F91 01 00000000:00000000 00:00000000 "
        f"00000000  1001        0 {9000 + i} 1 0000000000000000 20 4 30 10 -1\n"
        for i in range(5000)) + "\n".join(TCP4.splitlines()[1:]) + "\n"
    (tmp_path / "tcp").write_text(busy)
    (tmp_path / "tcp6").write_text(TCP6)
    monkeypatch.setattr(listeners, "PROC_TCP", (tmp_path / "tcp", tmp_path / "tcp6"))
    monkeypatch.setattr(listeners, "_diag_listening", _no_netlink)  # the /proc fallback
    parsed: list[str] = []
    real_address = listeners._address

    def counting(hex_addr: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        parsed.append(hex_addr)
        return real_address(hex_addr)

    monkeypatch.setattr(listeners, "_address", counting)
    assert listeners.verify_listener("http://127.0.0.1:8081", "hub API") == 0
    # 8081 (1F91) is the local port of 2 lines in tcp and 1 in tcp6: two addresses each
    assert len(parsed) == 6
    parsed.clear()
    assert listeners.foreign_listeners([8000]) == {8000: 1001}
    assert len(parsed) == 2
    assert len(listeners.tcp_sockets()) == 5000 + 3 + 3  # without ports: every socket


def _no_netlink(family: int) -> list[TcpSocket]:
    raise OSError("no sock_diag here")


def test_listeners_come_from_netlink_not_proc(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The LISTEN sockets come from sock_diag (about 1 ms) and match /proc/net/tcp; reading
    /proc/net/tcp walks every connection of the host (45-250 ms on a class's busy host, on
    the hub's event loop before each proxy call: issue 14)."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]
        from_proc = [s for s in listeners.tcp_sockets() if s.state == listeners.LISTEN]
        monkeypatch.setattr(listeners, "PROC_TCP", (tmp_path / "none", tmp_path / "none6"))
        from_netlink = listeners.listening_sockets()
        mine = [s for s in from_netlink if s.local_port == port]
        assert [(str(s.local), s.uid) for s in mine] == [("127.0.0.1", os.geteuid())]
        assert listeners.verify_listener(f"http://127.0.0.1:{port}/") == os.geteuid()
        assert listeners.listening_sockets([port]) == mine
        assert listeners.foreign_listeners([port]) == {}
    key = lambda s: (str(s.local), s.local_port, s.uid, s.inode)  # noqa: E731
    # sockets of other processes come and go between the two reads: compare ours
    assert {key(s) for s in from_proc if s.local_port == port} == {key(s) for s in mine}


def test_without_netlink_proc_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tcp").write_text(TCP4)
    monkeypatch.setattr(listeners, "PROC_TCP", (tmp_path / "tcp", tmp_path / "tcp6"))
    monkeypatch.setattr(listeners, "_diag_listening", _no_netlink)
    if sys.byteorder == "little":
        assert [s.inode for s in listeners.listening_sockets([8000, 8081])] == [1111, 2222]


def test_no_proc_net_means_nothing_is_sent(tmp_path) -> None:
    with pytest.raises(listeners.UnverifiedListener) as e:
        listeners.tcp_sockets([tmp_path / "tcp", tmp_path / "tcp6"])
    assert e.value.code == "no_proc_net" and e.value.uid is None
    (tmp_path / "tcp").write_text(TCP4)
    assert len(listeners.tcp_sockets([tmp_path / "tcp", tmp_path / "tcp6"])) == 3


def test_port_start_and_the_doctor_findings(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    sysctl = tmp_path / "start"
    sysctl.write_text("0\n")
    assert listeners.unprivileged_port_start(sysctl) == 0
    assert listeners.unprivileged_port_start(tmp_path / "missing") == 1024
    monkeypatch.setattr(listeners, "unprivileged_port_start", lambda: 0)
    low = checks.check_port_protection({"hub API": 881, "proxy API": 882})
    assert low.level == "warn" and "ip_unprivileged_port_start=1024" in low.fix
    monkeypatch.setattr(listeners, "unprivileged_port_start", lambda: 1024)
    assert checks.check_port_protection({"hub API": 881, "proxy API": 882}).level == "ok"
    high = checks.check_port_protection({"hub API": 8081})
    assert high.level == "warn" and "defaults are below 1024" in high.fix
    assert checks.check_public_port("http://:8000") is not None
    assert checks.check_public_port("http://127.0.0.1:80") is None
    assert checks.internal_ports({"api_url": "http://127.0.0.1:881/hub/api",
                                  "proxy_api_url": "http://127.0.0.1:882",
                                  "service_url": "http://127.0.0.1:883/services/classroom/"}) == {
        "hub API": 881, "proxy API": 882, "classroom service": 883}


# ---- live: this process's own sockets (owned by us: trusted) ------------------------------

class _Echo(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = (self.headers.get("Authorization") or "").encode()
        self.seen.append(body.decode())
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def own_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_live_listener_and_connection_are_ours(own_server: int) -> None:
    url = f"http://127.0.0.1:{own_server}/"
    assert listeners.verify_listener(url) == os.geteuid()
    with socket.create_connection(("127.0.0.1", own_server)) as conn:
        assert listeners.peer_uid(conn) == os.geteuid()
    req = urllib.request.Request(url, headers={"Authorization": "token mine"})
    with listeners.opener().open(req, timeout=10) as resp:
        assert resp.read() == b"token mine"


def test_peer_uid_asks_netlink_for_the_one_connection(own_server: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's end is found by its address pair (sock_diag), without reading the
    whole of /proc/net/tcp (30-60 ms per hub request on a busy host)."""
    def no_proc(*args: object, **kwargs: object) -> list[listeners.TcpSocket]:
        raise AssertionError("/proc/net/tcp read although netlink answers")

    monkeypatch.setattr(listeners, "tcp_sockets", no_proc)
    with socket.create_connection(("127.0.0.1", own_server)) as conn:
        assert listeners.peer_uid(conn) == os.geteuid()
        mine, peer = conn.getsockname(), conn.getpeername()
        # the lookup is exact: our own end is not the server's end; for a pair without a
        # connection the kernel names the port's listener at most (peer_uid checks both ends)
        ours = listeners._diag_one(socket.AF_INET, mine, peer)
        assert ours is not None and ours.local_port == mine[1] and ours.remote_port == peer[1]
        other = listeners._diag_one(socket.AF_INET, peer, (mine[0], 1))
        assert other is None or (other.state == listeners.LISTEN and other.remote_port == 0)


def test_peer_uid_without_netlink_reads_proc(own_server: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def no_netlink(*args: object) -> None:
        raise OSError(93, "no netlink here")

    monkeypatch.setattr(listeners, "_diag_one", no_netlink)
    with socket.create_connection(("127.0.0.1", own_server)) as conn:
        assert listeners.peer_uid(conn) == os.geteuid()


def test_live_connection_of_another_account_is_closed_before_sending(
    own_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listeners, "trusted_uids", lambda: {-1})  # nobody is trusted
    req = urllib.request.Request(f"http://127.0.0.1:{own_server}/",
                                 headers={"Authorization": "token mine"})
    with pytest.raises(listeners.UnverifiedListener) as e:
        listeners.opener().open(req, timeout=10)
    assert e.value.uid == os.geteuid()


def test_hub_proxy_class_refuses_a_foreign_proxy_api(own_server: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from jupyter_extension_companion.hub_proxy import VerifiedProxy

    proxy = VerifiedProxy(api_url=f"http://127.0.0.1:{own_server}", auth_token="proxy-secret",
                          should_start=False)
    got = asyncio.run(proxy.api_request("", method="GET"))  # ours: trusted, sent
    assert got.body == b"token proxy-secret"
    monkeypatch.setattr(listeners, "trusted_uids", lambda: {-1})
    _Echo.seen.clear()
    with pytest.raises(listeners.UnverifiedListener):
        asyncio.run(proxy.api_request("", method="GET"))
    assert _Echo.seen == []
