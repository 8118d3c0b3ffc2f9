"""The service's token check (service/app.py HubIdentity): an answer of the hub is used at most
``cache_seconds`` after it was asked for; a token in steady use is checked again in the
background, so a polling panel never waits for the hub."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from jupyter_extension_companion.service import app


class _Clock:
    now = 1000.0

    def monotonic(self) -> float:
        return self.now


class _FakeAuth:
    def __init__(self) -> None:
        self.asked: list[str] = []
        self.answer: dict[str, Any] | None = {"name": "teacher", "admin": True}
        self.gate: asyncio.Event | None = None

    async def user_for_token(self, token: str, use_cache: bool = True,
                             sync: bool = True) -> dict[str, Any] | None:
        assert use_cache is False  # the one cache is HubIdentity's
        self.asked.append(token)
        if self.gate is not None:
            await self.gate.wait()
        return dict(self.answer) if self.answer else None


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


def _identity(clock: _Clock) -> tuple[app.HubIdentity, _FakeAuth]:
    identity = app.HubIdentity("http://127.0.0.1:1/hub/api", "service-token",
                               {"access:services!service=classroom"}, cache_seconds=10)
    fake = _FakeAuth()
    identity.auth = fake  # type: ignore[assignment]
    identity.clock = clock.monotonic  # type: ignore[method-assign]
    return identity, fake


def test_a_polling_caller_never_waits_and_answers_stay_fresh(clock: _Clock) -> None:
    async def run() -> None:
        identity, fake = _identity(clock)
        assert (await identity("tok"))["name"] == "teacher"
        assert fake.asked == ["tok"]
        clock.now += 3  # young: no hub call at all
        await identity("tok")
        assert fake.asked == ["tok"]
        clock.now += 3  # older than half the limit: answered at once, checked in the background
        fake.gate = asyncio.Event()
        assert (await identity("tok"))["name"] == "teacher"
        await asyncio.sleep(0)
        assert fake.asked == ["tok", "tok"]
        await identity("tok")  # one background check at a time
        await asyncio.sleep(0)
        assert fake.asked == ["tok", "tok"]
        fake.gate.set()
        await asyncio.sleep(0.01)
        fake.gate = None
        # 12 s after the first check, 6 s after the second: the second's answer is used
        clock.now += 6
        await identity("tok")
        assert fake.asked == ["tok", "tok"]

    asyncio.run(run())


def test_an_answer_older_than_the_limit_is_never_used(clock: _Clock) -> None:
    async def run() -> None:
        identity, fake = _identity(clock)
        await identity("tok")
        clock.now += 10  # not used in between: the hub is asked in the open
        fake.answer = None  # meanwhile revoked
        assert await identity("tok") is None
        assert fake.asked == ["tok", "tok"]
        clock.now += 1
        assert await identity("tok") is None  # a refusal is not remembered: asked again
        assert len(fake.asked) == 3

    asyncio.run(run())


def test_a_revoked_token_is_refused_after_the_background_check(clock: _Clock) -> None:
    async def run() -> None:
        identity, fake = _identity(clock)
        await identity("tok")
        clock.now += 6
        fake.answer = None  # revoked between the two checks
        assert await identity("tok") is not None  # still within the limit of the first answer
        await asyncio.sleep(0.01)
        assert await identity("tok") is None  # the background check removed it
        assert identity._seen == {}

    asyncio.run(run())
