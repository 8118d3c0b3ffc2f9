"""Installer benchmark: seconds for a fresh install and for a re-run (target: re-run <= 15 s).

Runs ``install/bootstrap.sh`` for real (root) into a scratch prefix below /var/tmp with a wheel of
this checkout, on free ports, twice; prints both wall times and the installer's own step time
("All N steps finished in X s"; the rest is the final check, which starts the hub and checks it).
The teacher account it creates is named ``clt…`` and removed at the end, with the prefix.

    sudo .venv/bin/python bench/install/run.py [--cold-pip-cache] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_RERUN = 15.0


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit(f"installer failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout


def steps_seconds(output: str) -> str:
    m = re.search(r"steps finished in ([\d.]+) s \(([^)]*)\)", output)
    return f"steps {m.group(1)} s, {m.group(2)}" if m else "steps ?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-pip-cache", action="store_true",
                        help="no pip cache (every package downloaded)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch prefix")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: the installer creates a system account and system folders")
    if not (ROOT / "jupyter_extension_companion/labextension/static/style.js").exists():
        sys.exit("build the lab extension first: npm run build:prod")
    base = Path(tempfile.mkdtemp(prefix="clt-bench-install-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    admin = "clt" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(base / "dist"),
             str(ROOT)], check=True, capture_output=True,
        )
        (wheel,) = (base / "dist").glob("*.whl")
        port, api, proxy, service = free_ports(4)
        argv = [
            "bash", str(ROOT / "install/bootstrap.sh"), "--prefix", str(base / "host"),
            "--admin", admin, "--port", str(port), "--hub-api-port", str(api),
            "--proxy-api-port", str(proxy), "--service-port", str(service),
            "--package", str(wheel),
        ]
        env = dict(os.environ)
        if args.cold_pip_cache:
            env["PIP_NO_CACHE_DIR"] = "1"
        (base / "host").mkdir(mode=0o755)
        fresh, out1 = timed(argv, env)
        rerun, out2 = timed(argv, env)
        cache = "cold" if args.cold_pip_cache else "warm (pip's cache as it is)"
        print(f"pip cache: {cache}; apt packages already present: "
              f"{'yes' if 'System packages (apt) … nothing to change' in out1 else 'no'}")
        print(f"fresh install: {fresh:6.1f} s  ({steps_seconds(out1)})")
        verdict = "OK" if rerun <= TARGET_RERUN else "OVER TARGET"
        print(f"re-run:        {rerun:6.1f} s  ({steps_seconds(out2)})  "
              f"target <= {TARGET_RERUN:.0f} s: {verdict}")
        return 0 if rerun <= TARGET_RERUN else 1
    finally:
        subprocess.run(["userdel", "-r", admin], capture_output=True, check=False)  # noqa: S603,S607
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
