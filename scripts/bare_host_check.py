"""The checks of the bare-host job (scripts/bare-host.sh runs this on the host, outside the chroot).

While the README's first command runs in the chroot ``--tree``, check what a teacher and a
student would see, through the same doors they use:

1. the install finishes and the hub answers on http://127.0.0.1:8000;
2. the teacher logs in through the hub's login form with the password the installer printed,
   and gets Lab with the Classroom extension;
3. ``classroom users add`` (root's PATH, in the chroot) makes a student, who logs in through the
   form and gets Lab; the server's root folder is ``~/notebooks``;
4. a Java cell using Gson runs as that student (kernels REST API + websocket).

Prints the timings; on a failure says which step failed and shows the end of the logs.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import string
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import websocket

BASE = "http://127.0.0.1:8000"
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
JAVA_CELL = 'System.out.println(new com.google.gson.Gson().toJson(java.util.Map.of("a", 1)));'
JAVA_EXPECTED = '{"a":1}'
# Printed by the installer when it created the teacher (the wording around it may change).
PASSWORD_RE = re.compile(r"Password of (?P<user>[a-z_][a-z0-9_-]*)\b[^:\n]*:\s*(?P<pw>\S+)\s*$", re.M)
INSTALLED_RE = re.compile(r"JupyterLab Classroom is installed\.")
PROBLEMS_RE = re.compile(r"JupyterLab Classroom is installed, with problems")


class Failed(Exception):
    """A check failed; the message says which and why."""


def log(msg: str) -> None:
    print(f"[bare-host] {msg}", flush=True)


def tail(path: Path, n: int = 40) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:]
    except OSError as e:
        return [f"({path}: {e.strerror})"]


def redact(lines: list[str], secrets_: list[str]) -> list[str]:
    out = []
    for line in lines:
        for s in secrets_:
            if s:
                line = line.replace(s, "<password>")
        out.append(line)
    return out


class Job:
    def __init__(self, args: argparse.Namespace) -> None:
        self.tree: Path = args.tree
        self.install_log: Path = args.install_log
        self.readme_cmd: str = args.readme_cmd
        self.proc: subprocess.Popen[bytes] | None = None
        self.install_timeout: float = args.install_timeout
        self.admin = self._admin_from(args.readme_cmd)
        self.t0 = time.monotonic()
        self.timings: dict[str, float] = {}
        self.secrets: list[str] = []

    @staticmethod
    def _admin_from(cmd: str) -> str:
        m = re.search(r"--admin[= ](\S+)", cmd)
        if not m:
            raise Failed(f"the README's first command names no --admin: {cmd!r}")
        return m.group(1)

    # -- helpers ------------------------------------------------------------------------------
    def start_install(self) -> None:
        """The README's command, as root types it in the checkout, in its own session."""
        with open(self.install_log, "ab") as log_file:  # O_APPEND: all writers add at the end
            self.proc = subprocess.Popen(  # noqa: S603 - argv list; the command is the README's
                ["chroot", str(self.tree), *self.chroot_env(), "/bin/bash", "-c",
                 f"cd /root/jupyterlab-classroom && {self.readme_cmd}"],
                stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def install_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def install_text(self) -> str:
        return self.install_log.read_text(encoding="utf-8", errors="replace")

    def chroot(self, argv: list[str], timeout: float = 300,
               stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - argv list
            ["chroot", str(self.tree), *self.chroot_env(), *argv],
            capture_output=True, text=True, timeout=timeout, check=False, input=stdin,
        )

    @staticmethod
    def chroot_env() -> list[str]:
        """A login's environment, not this machine's (no PIP_*, NODE_*, proxies of the CI)."""
        return ["env", "-i", "HOME=/root", "USER=root", "LOGNAME=root", "TERM=dumb",
                f"PATH={CHROOT_PATH}"]

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        t = time.monotonic()
        try:
            result = fn()
        except Failed:
            raise
        except Exception as e:  # noqa: BLE001 - any error is this step's failure
            raise Failed(f"{name}: {type(e).__name__}: {e}") from e
        self.timings[name] = time.monotonic() - t
        log(f"ok  {name} ({self.timings[name]:.1f} s)")
        return result

    # -- 1. the install ---------------------------------------------------------------------------
    def wait_for_install(self) -> str:
        deadline = self.t0 + self.install_timeout
        password = None
        resumed = False
        self.start_install()
        while True:
            text = self.install_text() if self.install_log.exists() else ""
            if password is None and (m := _password(text, self.admin)):
                password = m
                self.secrets.append(password)
                log(f"the installer printed the password of {self.admin} after "
                    f"{time.monotonic() - self.t0:.0f} s")
            if PROBLEMS_RE.search(text):
                raise Failed("the installer says: installed, with problems (see its log)")
            if INSTALLED_RE.search(text) and _hub_answers():
                break
            if not self.install_running() and not resumed and (net := _network_error(text)):
                # The installer's own advice for a failed step: re-run the same command. Once,
                # and only for a network error, so a flaky download does not fail the job.
                resumed = True
                log(f"the command failed on the network ({net.strip()[:160]}); re-running it "
                    "once, as its message says (the job fails if it fails again)")
                self.start_install()
                continue
            if not self.install_running():
                code = self.proc.returncode if self.proc is not None else None
                raise Failed(f"the README's first command ended (exit {code}) before the hub "
                             "answered (it should keep the hub running in the foreground)")
            if time.monotonic() > deadline:
                raise Failed(f"no running hub after {self.install_timeout:.0f} s")
            time.sleep(2)
        self.timings["fresh install"] = time.monotonic() - self.t0
        log(f"ok  fresh install: the hub answers on {BASE} "
            f"({self.timings['fresh install']:.0f} s from the README's command)")
        if password is None:
            raise Failed(f"the installer printed no password for {self.admin} "
                         f"(expected a line 'Password of {self.admin} ...: PASSWORD')")
        return password

    # -- 2./3. logins ---------------------------------------------------------------------------
    def login(self, user: str, password: str) -> requests.Session:
        s = requests.Session()
        r = s.get(f"{BASE}/hub/login", timeout=30)
        r.raise_for_status()
        m = re.search(r'name="_xsrf"\s+value="([^"]+)"', r.text)
        if not m:
            raise Failed("the hub's login page has no _xsrf field")
        r = s.post(f"{BASE}/hub/login", timeout=60, allow_redirects=False,
                   data={"username": user, "password": password, "_xsrf": m.group(1)})
        where = r.headers.get("Location", "")
        if r.status_code != 302 or "/login" in where:
            msg = re.search(r'class="alert[^"]*"[^>]*>\s*([^<]+)', r.text)
            raise Failed(f"{user} cannot log in through the hub's form: HTTP {r.status_code} "
                         f"{(msg.group(1).strip() if msg else where)!r}")
        return s

    def open_lab(self, s: requests.Session, user: str, timeout: float = 180) -> str:
        """Start the user's server through the hub (as the home page's button does); the Lab page."""
        r = s.get(f"{BASE}/hub/spawn/{user}", timeout=60)
        if r.status_code >= 400:
            raise Failed(f"the hub could not start {user}'s server: HTTP {r.status_code}")
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            r = s.get(f"{BASE}/user/{user}/lab", timeout=60)
            final = r.url.split("?")[0]
            if r.status_code == 200 and final.endswith(f"/user/{user}/lab"):
                return r.text
            last = f"HTTP {r.status_code} at {r.url}"
            time.sleep(1)
        raise Failed(f"{user}'s Lab did not open within {timeout:.0f} s (last: {last})")

    def hub_token(self, s: requests.Session, user: str) -> str:
        """An API token of ``user``, asked for with their own hub session (as the token page does)."""
        xsrf = s.cookies.get("_xsrf", path="/hub/") or s.cookies.get("_xsrf")
        r = s.post(f"{BASE}/hub/api/users/{user}/tokens", timeout=30,
                   headers={"X-XSRFToken": xsrf or ""},
                   json={"note": "bare-host job", "expires_in": 900})
        if r.status_code != 201:
            raise Failed(f"{user} cannot make an API token: HTTP {r.status_code} {r.text[:200]}")
        token: str = r.json()["token"]
        self.secrets.append(token)
        return token

    # -- 4. a Java cell -------------------------------------------------------------------------
    def run_java(self, user: str, token: str) -> str:
        auth = {"Authorization": f"token {token}"}
        api = f"{BASE}/user/{user}/api"
        specs = requests.get(f"{api}/kernelspecs", headers=auth, timeout=30).json()["kernelspecs"]
        java = [n for n, k in specs.items() if k["spec"].get("language", "").lower() == "java"]
        if not java:
            raise Failed(f"{user} has no Java kernel (kernels: {', '.join(sorted(specs))})")
        r = requests.post(f"{api}/kernels", headers=auth, json={"name": java[0]}, timeout=120)
        if r.status_code != 201:
            raise Failed(f"starting the {java[0]} kernel: HTTP {r.status_code} {r.text[:200]}")
        kid = r.json()["id"]
        try:
            return _execute(f"ws://127.0.0.1:8000/user/{user}/api/kernels/{kid}/channels",
                            auth, user, JAVA_CELL, timeout=240)
        finally:
            requests.delete(f"{api}/kernels/{kid}", headers=auth, timeout=30)

    # -- the whole job --------------------------------------------------------------------------
    def run(self) -> None:
        teacher_pw = self.wait_for_install()

        teacher = self.step("teacher login (hub form)", lambda: self.login(self.admin, teacher_pw))
        page = self.step("teacher's Lab", lambda: self.open_lab(teacher, self.admin))
        if "jupyterlab-classroom" not in page:
            raise Failed("the teacher's Lab page does not load the jupyterlab-classroom extension")
        self.step("German on the installed host", lambda: self.check_german(teacher, self.admin))

        student = "clt" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
        student_pw = "Bh" + secrets.token_hex(8) + "7"
        self.secrets.append(student_pw)

        def add() -> None:
            r = self.chroot(["classroom", "users", "add", student, "--password-stdin"],
                            stdin=student_pw + "\n")
            if r.returncode != 0:
                raise Failed(f"`classroom users add {student}` (root's PATH in the chroot) failed "
                             f"with {r.returncode}:\n{r.stdout}{r.stderr}")
        self.step("classroom users add", add)

        s = self.step("student login (hub form)", lambda: self.login(student, student_pw))
        self.step("student spawn (Lab opens)", lambda: self.open_lab(s, student))
        token = self.hub_token(s, student)
        self.step("student's notebook folder", lambda: self.check_notebooks(student, token))
        out = self.step("Java cell with Gson", lambda: self.run_java(student, token))
        if out.strip() != JAVA_EXPECTED:
            raise Failed(f"the Java cell printed {out.strip()!r}, expected {JAVA_EXPECTED!r}")
        log(f"the Java cell printed {out.strip()}")

    def check_german(self, s: requests.Session, user: str) -> None:
        """The installed Lab offers German (the language pack) and serves every string of ours
        in German: the catalogue compiled from this checkout, key by key, non-empty."""
        r = s.get(f"{BASE}/user/{user}/lab/api/translations/de_DE", timeout=60)
        if r.status_code != 200:
            raise Failed(f"Lab's German translations: HTTP {r.status_code} {r.text[:200]}")
        data = r.json().get("data") or {}
        if "jupyterlab" not in data:
            raise Failed("the installed Lab has no German language pack "
                         f"(domains served: {', '.join(sorted(data)) or 'none'})")
        ours = data.get("jupyterlab_classroom") or {}
        catalogue = Path(__file__).resolve().parent.parent / (
            "jupyter_extension_companion/locale/de_DE/LC_MESSAGES/jupyterlab_classroom.json")
        expected = [k for k in json.loads(catalogue.read_text(encoding="utf-8")) if k]
        missing = [k for k in expected if not (ours.get(k) or [""])[0]]
        if missing:
            raise Failed(f"{len(missing)} of our {len(expected)} UI strings have no German on the "
                         f"installed host, e.g. {missing[:3]}")
        log(f"German: the language pack and all {len(expected)} of our strings are served")

    def check_notebooks(self, user: str, token: str) -> None:
        """The server's root is ~/notebooks: a file saved through Lab's contents API lands there."""
        name = f"bare-host-{uuid.uuid4().hex[:8]}.txt"
        r = requests.put(f"{BASE}/user/{user}/api/contents/{name}", timeout=30,
                         headers={"Authorization": f"token {token}"},
                         json={"type": "file", "format": "text", "content": "bare host\n"})
        if r.status_code not in (200, 201):
            raise Failed(f"saving {name} as {user}: HTTP {r.status_code} {r.text[:200]}")
        home = _home_in(self.tree, user)
        path = self.tree / home.relative_to("/") / "notebooks" / name
        if not path.is_file():
            raise Failed(f"{user}'s server does not save into {home}/notebooks ({name} not there)")
        uid = _uid_in(self.tree, user)
        if path.stat().st_uid != uid:
            raise Failed(f"{home}/notebooks/{name} is owned by uid {path.stat().st_uid}, "
                         f"not by {user} ({uid})")

    def report_failure(self, why: str) -> None:
        print(f"\n[bare-host] FAIL: {why}", file=sys.stderr)
        first = _error_lines(self.install_log)
        if first:
            print("[bare-host] the first error lines of the README command's output:",
                  file=sys.stderr)
            for line in redact(first, self.secrets):
                print(f"  > {line}", file=sys.stderr)
        print(f"[bare-host] the end of the README command's output ({self.install_log}, "
              "with the hub's log in --foreground):", file=sys.stderr)
        for line in redact(tail(self.install_log, 60), self.secrets):
            print(f"  | {line}", file=sys.stderr)
        installer_log = self.tree / "var/log/jupyterhub-classroom/install.log"
        if installer_log.exists():
            print(f"[bare-host] the end of the installer's own log ({installer_log}):",
                  file=sys.stderr)
            for line in redact(tail(installer_log, 25), self.secrets):
                print(f"  | {line}", file=sys.stderr)
        self.print_timings(sys.stderr)

    def print_timings(self, out: Any = sys.stdout) -> None:
        print("[bare-host] timings (s):", file=out)
        for k, v in self.timings.items():
            print(f"  {k:<32} {v:7.1f}", file=out)
        print(f"  {'total since the command':<32} {time.monotonic() - self.t0:7.1f}", file=out,
              flush=True)


ERROR_RE = re.compile(
    r"requires Node\.js|^\W*npm (?:ERR!|error) |^\W*(?:error|E|FAIL|fatal):|Traceback \(most"
    r"|^\W*\[E |^\W*\[C |Error: |\bFAIL\b"
)


def _error_lines(path: Path, n: int = 6) -> list[str]:
    """The first lines of ``path`` that look like an error (often the cause, far above the tail)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line.strip()[:300] for line in lines if ERROR_RE.search(line)][:n]


def _password(text: str, admin: str) -> str | None:
    for m in PASSWORD_RE.finditer(text):
        if m.group("user") == admin:
            return m.group("pw")
    return None


def _hub_answers() -> bool:
    try:
        r = requests.get(f"{BASE}/hub/api", timeout=5)
    except requests.RequestException:
        return False
    return r.status_code == 200 and "version" in r.text


NETWORK_RE = re.compile(
    r".*(?:Temporary failure (?:in name resolution|resolving)|Connection (?:reset|refused|timed out)"
    r"|Read timed out|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|Hash Sum mismatch"
    r"|HTTP(?: Error)? 50[234]|Could not connect to|Remote end closed connection).*"
)


def _network_error(text: str) -> str | None:
    m = NETWORK_RE.search(text)
    return m.group(0) if m else None


def _passwd_entry(tree: Path, user: str) -> list[str]:
    for line in (tree / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == user:
            return fields
    raise Failed(f"{user} is not in the bare host's /etc/passwd")


def _home_in(tree: Path, user: str) -> Path:
    return Path(_passwd_entry(tree, user)[5])


def _uid_in(tree: Path, user: str) -> int:
    return int(_passwd_entry(tree, user)[2])


def _execute(url: str, headers: dict[str, str], user: str, code: str, timeout: float) -> str:
    """Run ``code`` on the kernel behind ``url`` (the /channels websocket); its output."""
    ws = websocket.create_connection(url, header=[f"{k}: {v}" for k, v in headers.items()],
                                     timeout=timeout)
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex,
                   "msg_type": "execute_request", "version": "5.3",
                   "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    out: list[str] = []
    replied = idle = False
    deadline = time.monotonic() + timeout
    try:
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise Failed(f"no answer from the kernel within {timeout:.0f} s "
                             f"(output so far: {''.join(out)!r})")
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, c = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(c["text"])
            elif kind == "execute_result":
                out.append(c["data"].get("text/plain", ""))
            elif kind == "error":
                raise Failed(f"the cell failed: {c['ename']}: {c['evalue']}")
            elif kind == "status" and c.get("execution_state") == "idle":
                idle = True
            elif kind == "execute_reply":
                replied = True
                if c.get("status") != "ok":
                    raise Failed(f"the cell's reply: {c.get('status')} {c.get('evalue', '')}")
    finally:
        ws.close()
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, required=True)
    ap.add_argument("--install-log", type=Path, required=True)
    ap.add_argument("--install-timeout", type=float, default=1500)
    ap.add_argument("--readme-cmd", required=True)
    args = ap.parse_args()
    job = Job(args)
    try:
        job.run()
    except Failed as e:
        job.report_failure(str(e))
        return 1
    except KeyboardInterrupt:
        job.report_failure("interrupted")
        return 130
    job.print_timings()
    return 0


if __name__ == "__main__":
    sys.exit(main())
