"""One audit vocabulary: a refusal of the ``classroom`` command (a real process, as root) and
one of the service give lines with the same fields, written by ``provision/``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.provision.audit import FIELDS
from tests.unit.service_harness import running_service

pytestmark = pytest.mark.skipif(
    __import__("os").geteuid() != 0, reason="the classroom command acts as root"
)


def classroom(prefix: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jupyter_extension_companion.cli", "--prefix", str(prefix), *argv],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin",
                                                          "SUDO_USER": "mrs-audit"},
    )  # fmt: skip


def lines(paths: ClassroomPaths) -> list[dict]:
    return [json.loads(x) for x in paths.audit_log.read_text(encoding="utf-8").splitlines()]


async def test_cli_and_service_refusals_read_alike(tmp_path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    # refused inside provision (no such package) and in the CLI itself (file not readable)
    r = classroom(tmp_path, "pylibs", "remove", "no-such-lib")
    assert r.returncode == 1 and "no-such-lib" in r.stderr
    r = classroom(tmp_path, "jars", "upload", str(tmp_path / "missing.jar"))
    assert r.returncode == 1 and "cannot read" in r.stderr
    async with running_service(paths) as (_ctx, call):
        code, body = await call("DELETE", "/api/v1/pylibs/no-such-lib")
        assert code == 404 and body["code"] == "not_found"
        code, body = await call("POST", "/api/v1/jars/upload",
                                {"filename": "x.jar", "data_base64": "UEsDBA=="})
        assert code == 400
    cli_remove, cli_upload, svc_remove, svc_upload = lines(paths)
    assert (cli_remove["actor"], cli_upload["actor"]) == ("mrs-audit (cli)", "mrs-audit (cli)")
    assert (svc_remove["actor"], svc_upload["actor"]) == ("teach", "teach")
    for cli, svc in ((cli_remove, svc_remove), (cli_upload, svc_upload)):
        assert set(FIELDS) <= set(cli) and set(FIELDS) <= set(svc)
        assert cli["action"] == svc["action"]
        assert cli["outcome"] == svc["outcome"] == "refused" and cli["reason"] and svc["reason"]
    assert cli_remove["code"] == svc_remove["code"] == "not_found"
    assert cli_remove["target"] == svc_remove["target"] == "no-such-lib"
    assert cli_upload["action"] == svc_upload["action"] == "jar.upload"
