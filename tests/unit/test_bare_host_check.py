"""The parsing in scripts/bare_host_check.py (the bare-host CI job): a misread log fails every run."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bare_host_check", ROOT / "scripts/bare_host_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _checker()


def test_the_printed_password_is_found_whatever_the_wording_around_it() -> None:
    log = (
        "[10/15] Teacher account … done\n"
        "  Password of teacher: Kx7p-9Ume-a3Qz\n"
        "  Password of other (write it down): nope\n"
    )
    assert check._password(log, "teacher") == "Kx7p-9Ume-a3Qz"
    assert check._password("  Password of teacher (write it down): a-b-c\n", "teacher") == "a-b-c"
    assert check._password("  Password of teacherx: a-b-c\n", "teacher") is None
    assert check._password("Password: see /var/lib/x\n", "teacher") is None


def test_the_admin_comes_from_the_readme_command() -> None:
    assert check.Job._admin_from("sudo bash install/bootstrap.sh --admin teacher --foreground") == "teacher"
    assert check.Job._admin_from("sudo bash install/bootstrap.sh --admin=lehrer") == "lehrer"


def test_only_network_errors_earn_a_re_run() -> None:
    assert check._network_error("E: Failed to fetch x  Temporary failure resolving 'deb.debian.org'")
    assert check._network_error("npm error code ECONNRESET")
    assert check._network_error("pip: ReadTimeoutError: ... Read timed out.")
    node = "RuntimeError: Building this extension requires Node.js ^20.19.0 || >=22.12.0 (found v18.20.4)"
    assert check._network_error(node) is None
    assert check._network_error("npm error code SELF_SIGNED_CERT_IN_CHAIN") is None


def test_error_lines_show_the_cause_not_the_hub_chatter(tmp_path: Path) -> None:
    log = tmp_path / "install.log"
    log.write_text(
        "[I 2026 JupyterHub log:192] 200 GET /hub/error/404?url=%2Fhub%2Fapi\n"
        "schema.py:68: JupyterEventsVersionWarning: The `version` property\n"
        "  | npm error code SELF_SIGNED_CERT_IN_CHAIN\n"
        "UserWarning: RuntimeError: Building this extension requires Node.js ^20.19.0\n"
        "error: metadata-generation-failed\n"
    )
    assert check._error_lines(log) == [
        "| npm error code SELF_SIGNED_CERT_IN_CHAIN",
        "UserWarning: RuntimeError: Building this extension requires Node.js ^20.19.0",
        "error: metadata-generation-failed",
    ]


def test_the_job_runs_the_readmes_first_command() -> None:
    """scripts/bare-host.sh reads it from README.md; it must be the bootstrap with --admin."""
    script = (ROOT / "scripts/bare-host.sh").read_text()
    awk = script.split("README_CMD=$(awk '", 1)[1].split("'", 1)[0]
    out = subprocess.run(["awk", awk, str(ROOT / "README.md")], capture_output=True, text=True,
                         check=True).stdout
    cmd = out.split("#", 1)[0].strip()
    assert cmd.startswith("sudo bash install/bootstrap.sh ")
    assert check.Job._admin_from(cmd)
