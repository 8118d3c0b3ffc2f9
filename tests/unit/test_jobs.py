"""The job registry: progress, results, failures, expiry."""

from __future__ import annotations

import time

import pytest

from jupyter_extension_companion.provision.errors import ClassroomError, NotFound
from jupyter_extension_companion.service.jobs import JobRegistry


def test_progress_and_result():
    jobs = JobRegistry()

    def work(progress):
        progress("half", 0.5)
        progress("done", 1.0)
        return {"n": 2}

    job_id = jobs.start(work, kind="test", owner="t")
    state = jobs.wait(job_id, timeout=5)
    assert state["state"] == "done" and state["result"] == {"n": 2}
    assert [p["message"] for p in state["progress"]] == ["half", "done"]
    assert jobs.owner_of(job_id) == "t"


def test_failures():
    jobs = JobRegistry()

    def refused(progress):
        raise ClassroomError("no", code="nope")

    def crashed(progress):
        raise RuntimeError("boom")

    a = jobs.wait(jobs.start(refused, kind="t", owner="t"), 5)
    b = jobs.wait(jobs.start(crashed, kind="t", owner="t"), 5)
    assert a["state"] == "failed" and a["error"] == {"message": "no", "code": "nope"}
    assert b["state"] == "failed" and b["error"]["code"] == "internal"


def test_expiry_and_limit():
    jobs = JobRegistry(keep_seconds=0.05, max_running=1)
    job_id = jobs.start(lambda p: time.sleep(0.2), kind="t", owner="t")
    with pytest.raises(ClassroomError):
        jobs.start(lambda p: None, kind="t", owner="t")
    jobs.wait(job_id, 5)
    time.sleep(0.1)
    with pytest.raises(NotFound):
        jobs.get(job_id)
