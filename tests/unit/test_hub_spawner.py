"""hub_spawner.VerifiedSpawner: the hub adds a student's route only to a server of that student.

LocalProcessSpawner's start, poll and stop are replaced by fakes (no process is started); the
listeners on each port are what the test says. Issue 14: the hub took any answer on the port as
the student's server (a 404 on the first kernel POST when another server held the port).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import pwd
from types import SimpleNamespace
from typing import Any

import pytest
from jupyterhub.spawner import LocalProcessSpawner

from jupyter_extension_companion import hub_spawner
from jupyter_extension_companion.provision import listeners
from jupyter_extension_companion.provision.listeners import LISTEN, TcpSocket

ME = os.geteuid()
OTHER = ME + 4242


def _sock(port: int, uid: int) -> TcpSocket:
    lo = ipaddress.ip_address("127.0.0.1")
    return TcpSocket(local=lo, local_port=port, remote=ipaddress.ip_address("0.0.0.0"),
                     remote_port=0, state=LISTEN, uid=uid, inode=1)


class Host:
    """Who listens where, and the fake server processes."""

    def __init__(self, ports: list[int], holders: dict[int, list[int]], exits: bool) -> None:
        self.ports = list(ports)
        self.holders = holders  # port -> uids listening (the student's server adds itself)
        self.exits = exits  # the student's server exits when another account holds its port
        self.started: list[int] = []
        self.stopped = 0


@pytest.fixture
def host(monkeypatch: pytest.MonkeyPatch) -> Host:
    box = Host([], {}, True)

    async def start(self: Any) -> tuple[str, int]:
        if self.port == 0:
            self.port = box.ports.pop(0)
        box.started.append(self.port)
        if not box.holders.get(self.port):
            box.holders[self.port] = [ME]  # the port was free: the server got it
        return ("127.0.0.1", self.port)

    async def poll(self: Any) -> int | None:
        taken = any(uid != ME for uid in box.holders.get(self.port, []))
        return 1 if taken and box.exits else None

    async def stop(self: Any, now: bool = False) -> None:
        box.stopped += 1

    monkeypatch.setattr(LocalProcessSpawner, "start", start)
    monkeypatch.setattr(LocalProcessSpawner, "poll", poll)
    monkeypatch.setattr(LocalProcessSpawner, "stop", stop)
    monkeypatch.setattr(listeners, "listening_sockets", lambda ports=None: [
        _sock(p, uid) for p in (ports or box.holders) for uid in box.holders.get(p, [])])
    return box


def _spawner(**kw: Any) -> hub_spawner.VerifiedSpawner:
    user = SimpleNamespace(name=pwd.getpwuid(ME).pw_name, url="/user/x/", escaped_name="x")
    return hub_spawner.VerifiedSpawner(user=user, start_timeout=5, http_timeout=5,
                                       listen_poll_interval=0.01, **kw)


def test_the_students_own_listener_is_handed_out(host: Host) -> None:
    host.ports = [40001]
    assert asyncio.run(_spawner().start()) == ("127.0.0.1", 40001)
    assert host.started == [40001] and host.stopped == 0


def test_a_port_held_by_another_account_is_never_handed_out(host: Host) -> None:
    """Another student's server (or anyone) answers on the port first: a new port, not a route
    to them (without the check the hub took their 404 as "up")."""
    host.ports = [40001, 40002]
    host.holders = {40001: [OTHER]}
    assert asyncio.run(_spawner().start()) == ("127.0.0.1", 40002)
    assert host.started == [40001, 40002] and host.stopped == 1


def test_it_gives_up_after_start_attempts(host: Host) -> None:
    host.ports = [40001, 40002]
    host.holders = {40001: [OTHER], 40002: [OTHER]}
    with pytest.raises(hub_spawner.PortTaken, match="try again"):
        asyncio.run(_spawner(start_attempts=2).start())
    assert host.started == [40001, 40002] and host.stopped == 2


def test_a_configured_port_is_not_changed(host: Host) -> None:
    host.holders = {40005: [OTHER]}
    with pytest.raises(hub_spawner.PortTaken):
        asyncio.run(_spawner(port=40005).start())
    assert host.started == [40005]


def test_a_slow_server_is_left_to_the_hubs_timeout(host: Host) -> None:
    host.ports = [40001]
    host.holders = {40001: [OTHER]}
    host.exits = False  # still starting: the hub's own http_timeout decides
    spawner = _spawner()
    spawner.start_timeout = spawner.http_timeout = 1
    assert asyncio.run(spawner.start()) == ("127.0.0.1", 40001)
