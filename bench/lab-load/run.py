#!/usr/bin/env python3
"""bench/lab-load: what the extension adds to JupyterLab's time until ready, and its JS size.

Starts two plain ``jupyter lab`` servers from this venv in the same run, on free ports:
- "with": the extension as installed (lab extension + server extension);
- "without": the lab extension disabled (``jupyter labextension disable`` in a separate
  ``JUPYTER_CONFIG_DIR``) and the server extension off.
Headless Chromium (Debian's, through ui-tests' playwright-core) loads each alternately in fresh
browser contexts and measures until ``app.restored`` resolves. Prints the medians, the ratio
(target <= 1.05) and the size of our own minified JavaScript (the files in the package's
``labextension/static``, which hold only our code: JupyterLab's packages are shared, not
bundled; target < 200 KB).

    .venv/bin/python bench/lab-load/run.py [--rounds 15] [--build]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "jupyter_extension_companion" / "labextension" / "static"
TOKEN = "bench-lab-load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_lab(root: Path, port: int, env: dict[str, str], extra: list[str]) -> subprocess.Popen:
    argv = [
        str(Path(sys.prefix) / "bin" / "jupyter"), "lab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *extra,
    ]  # fmt: skip
    log = open(root / f"lab-{port}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            url = f"http://127.0.0.1:{port}/api/status?token={TOKEN}"
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"jupyter lab on port {port} did not start")


def page_config_disabled(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/lab?token={TOKEN}"
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - loopback
        html = r.read().decode()
    start = html.index('id="jupyter-config-data"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    config = json.loads(body)
    names = [e["name"] for e in config.get("federated_extensions", [])]
    return [n for n in names if n == "jupyterlab-classroom"]


def js_size() -> tuple[int, int, list[tuple[str, int]], bool]:
    files = sorted(p for p in STATIC.glob("*.js"))
    sizes = [(p.name, p.stat().st_size) for p in files]
    gz = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    biggest = max(files, key=lambda p: p.stat().st_size)
    text = biggest.read_text(errors="replace")
    minified = len(text) / max(1, text.count("\n") + 1) > 300
    return sum(s for _, s in sizes), gz, sizes, minified


def main() -> int:
    parser = argparse.ArgumentParser(description="JupyterLab load time with/without the extension")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--build", action="store_true", help="npm run build:prod first")
    args = parser.parse_args()
    if args.build:
        env = {**os.environ, "PATH": f"{Path(sys.prefix) / 'bin'}:{os.environ['PATH']}"}
        subprocess.run(["npm", "run", "build:prod"], cwd=ROOT, check=True, env=env)  # noqa: S607

    work = Path(tempfile.mkdtemp(prefix="bench-lab-load-"))
    procs: list[subprocess.Popen] = []
    try:
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        with_env = {**base_env, "JUPYTER_CONFIG_DIR": str(work / "cfg-with")}
        without_env = {**base_env, "JUPYTER_CONFIG_DIR": str(work / "cfg-without")}
        subprocess.run(  # noqa: S603
            [str(Path(sys.prefix) / "bin" / "jupyter"), "labextension", "disable", "--level=user",
             "jupyterlab-classroom"],
            env=without_env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for d in ("root-with", "root-without"):
            (work / d).mkdir()
        p_with, p_without = free_port(), free_port()
        procs.append(start_lab(work / "root-with", p_with, with_env, []))
        procs.append(
            start_lab(
                work / "root-without", p_without, without_env,
                ['--ServerApp.jpserver_extensions={"jupyter_extension_companion": False}'],
            )  # fmt: skip
        )
        wait_ready(p_with)
        wait_ready(p_without)
        page = json.loads(
            urllib.request.urlopen(  # noqa: S310
                f"http://127.0.0.1:{p_without}/lab/api/settings/?token={TOKEN}&ids_only=true",
                timeout=10,
            ).read()
        )
        ours_without = [i for i in page.get("ids", []) if str(i).startswith("jupyterlab-classroom")]
        print(f"extension listed: with={bool(page_config_disabled(p_with))}; "
              f"without: disabled via labextension disable (settings ids of ours still listed: "
              f"{len(ours_without)})")  # fmt: skip
        url = "http://127.0.0.1:{}/lab?token=" + TOKEN + "&reset"
        out = subprocess.run(
            ["node", str(Path(__file__).with_name("measure.js")), url.format(p_with),  # noqa: S607
             url.format(p_without), str(args.rounds)],
            check=True, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        samples: dict[str, list[float]] = {"with": [], "without": []}
        for line in out.stdout.splitlines():
            row = json.loads(line)
            samples[row["label"]].append(row["ms"])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)

    med_with = statistics.median(samples["with"])
    med_without = statistics.median(samples["without"])
    ratio = med_with / med_without
    load = os.getloadavg()[0]
    print(f"time until JupyterLab ready, median of {args.rounds} loads each (same run, "
          f"load average {load:.1f} on {os.cpu_count()} cores):")  # fmt: skip
    print(f"  without the extension: {med_without:7.0f} ms  "
          f"(min {min(samples['without']):.0f}, max {max(samples['without']):.0f})")  # fmt: skip
    print(f"  with the extension:    {med_with:7.0f} ms  "
          f"(min {min(samples['with']):.0f}, max {max(samples['with']):.0f})")  # fmt: skip
    print(f"  ratio with/without:    {ratio:.3f}  (target <= 1.05: {'ok' if ratio <= 1.05 else 'MISSED'})")
    total, gz, sizes, minified = js_size()
    print(f"our JavaScript (labextension/static/*.js, minified={'yes' if minified else 'NO: run with --build'}):")
    for name, size in sizes:
        print(f"  {name:40s} {size / 1024:7.1f} KB")
    print(f"  total {total / 1024:.1f} KB ({gz / 1024:.1f} KB gzipped)  "
          f"(target < 200 KB: {'ok' if total < 200 * 1024 else 'MISSED'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
