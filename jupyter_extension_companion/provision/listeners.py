"""Who listens on a loopback TCP port: never send a token to a listener we have not verified.

The hub API, the proxy API and the classroom service listen on loopback TCP ports. While they are
down (restart, upgrade) any local account, a student too, may listen on the same port and collect
whatever is sent there. The kernel lists every TCP socket of this network namespace with the uid
of its owner in ``/proc/net/tcp`` and ``/proc/net/tcp6``; this module reads them to answer one
question before a secret goes out: is the process at the other end run by root (or by the caller
itself, who holds that secret anyway)?

- :func:`verify_listener` checks the LISTEN sockets of a URL's port before connecting (the
  forwarder, ``doctor``, the installer's check).
- :func:`opener` gives a ``urllib`` opener that checks the very connection it opened, after the
  connect and before the first byte of the request (:class:`~.hub_api.HubClient`): the accepted
  socket of the server has the uid of its listener, so no race is left between check and send.
- The LISTEN sockets come from the kernel's ``sock_diag`` netlink interface (what ``ss`` uses),
  which walks only the table of listening sockets: about 1 ms. Reading ``/proc/net/tcp``
  walks every connection of the host and took 45-250 ms on a class's busy host, on the hub's
  event loop before each proxy call (issue 14); it stays the fallback. :func:`peer_uid` asks
  ``sock_diag`` for the one connection by its address pair (no walk at all).
- :func:`unprivileged_port_start` reads ``net.ipv4.ip_unprivileged_port_start``: ports below it
  can only be bound by root; containers often lower it to 0.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import pwd
import socket
import struct
import time
import urllib.request
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ClassroomError

PROC_TCP = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
PORT_START = Path("/proc/sys/net/ipv4/ip_unprivileged_port_start")
LISTEN = 0x0A
# States in which the server's end of a connection we opened can be: SYN_RECV (not yet
# accepted) or ESTABLISHED. Both carry the listener's uid.
_SERVER_SIDE = {0x01, 0x03}
_WILDCARDS = (ipaddress.ip_address("0.0.0.0"), ipaddress.ip_address("::"))  # noqa: S104


class UnverifiedListener(ClassroomError):
    """The listener of a URL is not run by root (nor by us), or cannot be checked."""

    status = 502

    def __init__(self, message: str, *, uid: int | None = None, code: str = "unverified_listener"):
        super().__init__(message, code=code)
        self.uid = uid


@dataclass(frozen=True)
class TcpSocket:
    """One line of ``/proc/net/tcp`` or ``tcp6`` (addresses v4-mapped back to IPv4)."""

    local: ipaddress.IPv4Address | ipaddress.IPv6Address
    local_port: int
    remote: ipaddress.IPv4Address | ipaddress.IPv6Address
    remote_port: int
    state: int
    uid: int
    inode: int


def _address(hex_addr: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as the kernel prints it: 32-bit words in host byte order, in hex."""
    words = [int(hex_addr[i:i + 8], 16) for i in range(0, len(hex_addr), 8)]
    raw = b"".join(struct.pack("=I", w) for w in words)
    addr = ipaddress.ip_address(raw)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def parse_proc_net_tcp(text: str, ports: Collection[int] | None = None) -> list[TcpSocket]:
    """Every socket in the text of ``/proc/net/tcp`` or ``/proc/net/tcp6`` (header skipped);
    with ``ports``, only those whose local port is one of them.

    The filter looks at the port's hex text before anything is parsed: a busy host (30 students'
    servers and kernels) has thousands of sockets, and the hub checks its proxy's listener on
    its event loop before every proxy call (``hub_proxy.VerifiedProxy``). Parsing every line
    there took 80 ms per call with 900 sockets (issue 14).
    """
    wanted = None if ports is None else {f"{p:04X}" for p in ports}
    sockets = []
    for line in text.split("\n")[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        if wanted is not None and fields[1].rpartition(":")[2] not in wanted:
            continue
        try:
            local, local_port = fields[1].split(":")
            remote, remote_port = fields[2].split(":")
            sockets.append(TcpSocket(
                local=_address(local), local_port=int(local_port, 16),
                remote=_address(remote), remote_port=int(remote_port, 16),
                state=int(fields[3], 16), uid=int(fields[7]), inode=int(fields[9]),
            ))
        except ValueError:
            continue
    return sockets


def tcp_sockets(files: Iterable[Path] | None = None,
                ports: Collection[int] | None = None) -> list[TcpSocket]:
    """Every TCP socket of this network namespace (IPv4 and IPv6), or those with a local port
    in ``ports``. ``files`` defaults to :data:`PROC_TCP`.

    Raises :class:`UnverifiedListener` when none of ``files`` can be read (no way to check).
    """
    files = PROC_TCP if files is None else files
    out: list[TcpSocket] = []
    read = 0
    for path in files:
        try:
            out.extend(parse_proc_net_tcp(path.read_text(encoding="ascii", errors="replace"),
                                          ports))
            read += 1
        except OSError:
            continue  # a kernel without IPv6
    if not read:
        raise UnverifiedListener(
            f"cannot read {', '.join(map(str, files))}: no way to check who listens, so nothing "
            "was sent. Is /proc mounted?", code="no_proc_net")
    return out


# sock_diag (linux/sock_diag.h, linux/inet_diag.h, linux/netlink.h)
_NETLINK_SOCK_DIAG = 4
_SOCK_DIAG_BY_FAMILY = 20
_NLM_F_REQUEST, _NLM_F_DUMP = 0x1, 0x300
_NLMSG_ERROR, _NLMSG_DONE = 2, 3
_NLMSG_HEADER = struct.Struct("=LHHLL")
_DIAG_REQUEST = struct.Struct("=BBBBI48x")  # family, protocol, ext, pad, states, socket id
_DIAG_MSG = struct.Struct("=BBBB2s2s16s16s12xIIIII")  # family, state, .., id, expires, .., uid, inode


def _diag_listening(family: int) -> list[TcpSocket]:
    """The LISTEN sockets of ``family`` from the kernel's ``sock_diag`` netlink interface."""
    request = _DIAG_REQUEST.pack(family, socket.IPPROTO_TCP, 0, 0, 1 << LISTEN)
    header = _NLMSG_HEADER.pack(_NLMSG_HEADER.size + len(request), _SOCK_DIAG_BY_FAMILY,
                                _NLM_F_REQUEST | _NLM_F_DUMP, 1, 0)
    out: list[TcpSocket] = []
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as nl:
        nl.settimeout(5)
        nl.sendall(header + request)
        while True:
            data = nl.recv(1 << 16)
            if not data:
                raise OSError("sock_diag: no answer")
            offset = 0
            while offset + _NLMSG_HEADER.size <= len(data):
                length, kind = _NLMSG_HEADER.unpack_from(data, offset)[:2]
                if kind == _NLMSG_DONE:
                    return out
                if kind == _NLMSG_ERROR:
                    raise OSError(-struct.unpack_from("=i", data, offset + 16)[0], "sock_diag")
                fam, state, _, _, sport, _, src, _, _, _, _, uid, inode = _DIAG_MSG.unpack_from(
                    data, offset + _NLMSG_HEADER.size)
                addr = ipaddress.ip_address(src[:4] if fam == socket.AF_INET else src)
                if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
                    addr = addr.ipv4_mapped
                out.append(TcpSocket(local=addr, local_port=int.from_bytes(sport, "big"),
                                     remote=_WILDCARDS[0], remote_port=0, state=state, uid=uid,
                                     inode=inode))
                if length < _NLMSG_HEADER.size:
                    break
                offset += (length + 3) & ~3


def listening_sockets(ports: Collection[int] | None = None) -> list[TcpSocket]:
    """The LISTEN sockets (IPv4 and IPv6), those on ``ports`` if given: from ``sock_diag``, or
    from ``/proc/net/tcp`` where netlink is not available (a sandbox, an old kernel)."""
    try:
        found = _diag_listening(socket.AF_INET) + _diag_listening(socket.AF_INET6)
    except OSError:
        found = [s for s in tcp_sockets(ports=ports) if s.state == LISTEN]
    return [s for s in found if ports is None or s.local_port in ports]


def unprivileged_port_start(path: Path = PORT_START) -> int:
    """The first port any user may bind (1024 unless lowered, e.g. to 0 in containers)."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return 1024


def trusted_uids() -> set[int]:
    """Owners we may send a secret to: root, and ourselves (we hold the secret already)."""
    return {0, os.geteuid()}


def owner_name(uid: int) -> str:
    """The account name of ``uid`` (or the number)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _host_port(url: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnverifiedListener(f"{url!r} is not an http(s) URL: cannot check its listener.")
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if host in ("", "localhost"):
        host = "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        raise UnverifiedListener(
            f"{url}: only loopback addresses can be checked (not {host!r}); use 127.0.0.1.",
            code="not_loopback",
        ) from None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if not (addr.is_loopback or addr in _WILDCARDS):
        raise UnverifiedListener(
            f"{url}: only loopback addresses can be checked (not {host}); use 127.0.0.1.",
            code="not_loopback",
        )
    return addr, port


def listeners(url: str, sockets: list[TcpSocket] | None = None) -> list[TcpSocket]:
    """The LISTEN sockets that may accept a connection to ``url`` (its address or a wildcard)."""
    addr, port = _host_port(url)
    found = listening_sockets([port]) if sockets is None else sockets
    return [
        s for s in found
        if s.state == LISTEN and s.local_port == port
        and (s.local == addr or s.local in _WILDCARDS
             or (addr in _WILDCARDS and s.local.is_loopback))
    ]


def verify_listener(url: str, what: str = "", sockets: list[TcpSocket] | None = None) -> int:
    """Check that every listener on ``url``'s port is run by root (or by us); returns its uid.

    Raises :class:`UnverifiedListener` when another account listens there (a student waiting
    for our token) and ``ClassroomError(code="not_listening")`` when nothing listens.
    """
    what = what or "the listener"
    found = listeners(url, sockets)
    if not found:
        raise ClassroomError(f"nothing listens at {url} ({what}): is it running?",
                             code="not_listening", status=502)
    foreign = sorted({s.uid for s in found} - trusted_uids())
    if foreign:
        uid = foreign[0]
        raise UnverifiedListener(
            f"{what}: the port of {url} is held by account {owner_name(uid)!r} (uid {uid}), not "
            "by root. Nothing was sent to it. Stop that process (`ss -ltnp` shows it) and start "
            "the hub again.",
            uid=uid,
        )
    return found[0].uid


_DIAG_EXACT = struct.Struct("=BBBBI2s2s16s16sIII")  # the request with one socket's id


def _diag_one(family: int, local: tuple[str, int], remote: tuple[str, int]) -> TcpSocket | None:
    """The one TCP socket whose local end is ``local`` and remote end ``remote``: an exact
    ``sock_diag`` lookup (no dump: the kernel looks in its hash, about 0.1 ms). Where no
    connection has that pair the kernel may name the port's listener instead, or nothing
    (None): check the state and both ends. OSError if netlink cannot answer."""
    def raw(host: str) -> bytes:
        return socket.inet_pton(family, host.split("%", 1)[0]).ljust(16, b"\0")

    request = _DIAG_EXACT.pack(family, socket.IPPROTO_TCP, 0, 0, 0xFFFFFFFF,
                               local[1].to_bytes(2, "big"), remote[1].to_bytes(2, "big"),
                               raw(local[0]), raw(remote[0]), 0,
                               0xFFFFFFFF, 0xFFFFFFFF)  # INET_DIAG_NOCOOKIE
    header = _NLMSG_HEADER.pack(_NLMSG_HEADER.size + len(request), _SOCK_DIAG_BY_FAMILY,
                                _NLM_F_REQUEST, 1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG) as nl:
        nl.settimeout(5)
        nl.sendall(header + request)
        data = nl.recv(1 << 16)
    if len(data) < _NLMSG_HEADER.size:
        raise OSError("sock_diag: no answer")
    kind = _NLMSG_HEADER.unpack_from(data, 0)[1]
    if kind == _NLMSG_ERROR:
        errno = -struct.unpack_from("=i", data, _NLMSG_HEADER.size)[0]
        if errno == 2:  # ENOENT: no such socket (yet)
            return None
        raise OSError(errno, "sock_diag")
    fam, state, _, _, sport, dport, src, dst, _, _, _, uid, inode = _DIAG_MSG.unpack_from(
        data, _NLMSG_HEADER.size)

    def addr(b: bytes) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        return _plain(socket.inet_ntop(fam, b[:4] if fam == socket.AF_INET else b))

    return TcpSocket(local=addr(src), local_port=int.from_bytes(sport, "big"),
                     remote=addr(dst), remote_port=int.from_bytes(dport, "big"),
                     state=state, uid=uid, inode=inode)


def peer_uid(sock: socket.socket, attempts: int = 50) -> int | None:
    """The uid of the process that accepted our connected ``sock`` (None if not found).

    The server's end of the connection is looked up by its exact address pair through
    ``sock_diag``. ``/proc/net/tcp`` walks every socket of the host (30-60 ms on our CI
    machine, for every request :class:`~.hub_api.HubClient` sends); it is read only where
    netlink cannot answer, or found nothing."""
    mine = sock.getsockname()
    peer = sock.getpeername()
    me = (_plain(mine[0]), mine[1])
    them = (_plain(peer[0]), peer[1])

    def server_end(s: TcpSocket | None) -> bool:
        return (s is not None and s.state in _SERVER_SIDE
                and (s.local, s.local_port) == them and (s.remote, s.remote_port) == me)

    try:
        for _ in range(attempts):
            found = _diag_one(sock.family, peer[:2], mine[:2])
            if found is not None and server_end(found):
                return found.uid
            time.sleep(0.002)  # the server's end appears with the handshake's last ACK
        attempts = 1  # netlink found nothing: one last look at the whole table
    except OSError:
        pass
    for _ in range(attempts):
        for s in tcp_sockets(ports=[them[1]]):
            if server_end(s):
                return s.uid
        time.sleep(0.002)
    return None


def _plain(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    addr = ipaddress.ip_address(host.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def verify_connection(sock: socket.socket) -> None:
    """Refuse (close and raise) unless root or we accepted this connection."""
    uid = peer_uid(sock)
    if uid in trusted_uids():
        return
    host, port = sock.getpeername()[:2]
    sock.close()
    if uid is None:
        raise UnverifiedListener(f"cannot tell who accepted the connection to {host}:{port}; "
                                 "nothing was sent.")
    raise UnverifiedListener(
        f"{host}:{port} is served by account {owner_name(uid)!r} (uid {uid}), not by "
        "root. Nothing was sent to it. Stop that process (`ss -ltnp` shows it) and start the "
        "hub again.",
        uid=uid,
    )


class _VerifiedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        verify_connection(self.sock)


class _VerifiedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        # Check the plain TCP connection before TLS (the handshake sends nothing secret).
        http.client.HTTPConnection.connect(self)
        verify_connection(self.sock)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=self.host)


class _VerifiedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_VerifiedHTTPConnection, req)


class _VerifiedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_VerifiedHTTPSConnection, req)


def opener() -> urllib.request.OpenerDirector:
    """A urllib opener that sends a request only over a connection root (or we) accepted.

    No proxy from the environment (``http_proxy``) is used: the check is about the listener
    itself. A refused connection raises :class:`UnverifiedListener` (not an ``OSError``: urllib
    passes it through unwrapped).
    """
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _VerifiedHTTPHandler(), _VerifiedHTTPSHandler()
    )


def foreign_listeners(ports: Iterable[int], sockets: list[TcpSocket] | None = None
                      ) -> dict[int, int]:
    """port -> uid for each of ``ports`` that another account listens on (any address)."""
    wanted = set(ports)
    found = listening_sockets(wanted) if sockets is None else sockets
    out: dict[int, int] = {}
    for s in found:
        if s.state == LISTEN and s.local_port in wanted and s.uid not in trusted_uids():
            out.setdefault(s.local_port, s.uid)
    return out


def refuse_foreign_listeners(ports: dict[str, int]) -> None:
    """Stop (``SystemExit``) when another account holds one of ``ports`` (name -> port).

    The generated hub config calls this before the hub starts: JupyterHub would otherwise send
    the proxy's token to whoever answers on the proxy API port, and users' passwords would go to
    whoever holds the public port.
    """
    taken = foreign_listeners(ports.values())
    if not taken:
        return
    lines = [
        f"  {name} (port {port}): held by account {owner_name(taken[port])!r} "
        f"(uid {taken[port]})"
        for name, port in ports.items() if port in taken
    ]
    raise SystemExit(
        "Refusing to start: ports of this hub are held by other accounts, which would receive "
        "its tokens or its users' passwords:\n" + "\n".join(lines)
        + "\nStop those processes (`ss -ltnp` shows them), then start the hub again."
    )
