"""Kernel Test: start a kernel students get as a throwaway, as an unprivileged account, with the
environment a student's kernel gets, run its smoke cell and report the time to ready.

Called through :class:`.kernels.KernelCatalog` (``test``, ``test_all``, ``kernel_env``).
"""

from __future__ import annotations

import builtins
import os
import pwd
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from .changes import Progress, no_progress
from .errors import ClassroomError
from .kernels import KernelCatalog, KernelTestResult

# the only variables of this process a kernel under test gets (see kernel_env)
PASSED_ENV = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "JAVA_HOME")

#: Smoke cells per language: what a working classroom kernel must be able to do.
SMOKE_CELLS = {
    "java": 'System.out.println("java " + System.getProperty("java.version"));\n'
    'System.out.println(com.google.gson.JsonParser.parseString("{\\"a\\":1}"));',
    "python": "import paho.mqtt\nprint('paho-mqtt', paho.mqtt.__version__)",
    "r": "cat(R.version.string)",
}


def kernel_env(catalog: KernelCatalog, home: str | None = None) -> dict[str, str]:
    """The environment a student's kernel gets, built from scratch.

    Nothing of this process's own environment reaches the kernel except the locale, the
    time zone and ``JAVA_HOME``: the service runs with the hub's token for it in its
    environment, and a kernel under test runs code the kernelspec names. On top: ``PATH``,
    ``HOME`` (``home``, the test's scratch folder) and the hub config's spawner environment
    (one source of truth; ``spawner_env`` overrides it, e.g. the doctor's reading of the
    running hub's config) without the service URL.
    """
    from .hubconfig import HubSettings, spawner_environment

    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env["PATH"] = f"{catalog.paths.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    env["HOME"] = home or tempfile.gettempdir()
    spawner = (catalog.spawner_env if catalog.spawner_env is not None
               else spawner_environment(HubSettings(paths=catalog.paths)))
    env.update({k: v for k, v in spawner.items() if k != "CLASSROOM_SERVICE_URL"})
    site = env.get("R_LIBS_SITE")
    if site and "%S" not in site.split(":"):
        # as the installer configures the hub (installer/steps_hub.py): without R's own
        # default (%S) Debian's site library, where r-cran-irkernel lives, is hidden
        env["R_LIBS_SITE"] = f"{site}:%S"
    return env


def smoke_account(catalog: KernelCatalog) -> tuple[int, int] | None:
    """(uid, gid) the kernel under test runs as; None when this process is not root (then
    it runs as this unprivileged process's own user)."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(catalog.test_user)
    except KeyError:
        raise ClassroomError(
            f"The account {catalog.test_user!r} that kernel tests run as is missing: create it "
            "(a system account without login) or set another one.",
            code="no_test_user", status=500) from None
    if user.pw_uid == 0:
        raise ClassroomError(f"Kernel tests never run as root ({catalog.test_user!r} is uid 0).",
                             code="no_test_user", status=500)
    return user.pw_uid, user.pw_gid


def smoke_test(catalog: KernelCatalog, name: str, timeout: float = 120) -> KernelTestResult:
    """Start kernel ``name`` as a throwaway from the kernelspec students get, run its smoke cell
    (Java: version + Gson parse; Python: paho-mqtt; R: ``R.version.string``), and report the
    time until the kernel answered and the cell's output."""
    info = catalog.get(name)
    lang = info.language.lower()
    code = SMOKE_CELLS.get(lang)
    if code is None:
        code = "1"
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    ksm = KernelSpecManager(kernel_dirs=[str(Path(info.location).parent)])
    ksm.ensure_native_kernel = False
    km = KernelManager(kernel_name=name, kernel_spec_manager=ksm)
    result = KernelTestResult(name, False, None, "", language=lang, code=code)
    kc = None
    account = smoke_account(catalog)
    # the kernel's home and working folder, then its own; the log stays root's
    cwd = tempfile.mkdtemp(prefix="classroom-kernel-test-")
    log_dir = tempfile.mkdtemp(prefix="classroom-kernel-log-")
    log_path = Path(log_dir) / "kernel.log"
    km.cache_ports = False  # the ports of the connection file written here stay the ports
    km.connection_file = os.path.join(cwd, "connection.json")
    km.write_connection_file()
    launch: dict[str, Any] = {}
    if account is not None:
        os.chown(km.connection_file, *account)
        os.chown(cwd, *account)
        launch = {"user": account[0], "group": account[1], "extra_groups": []}
    t0 = time.monotonic()
    log = open(log_path, "w+b")  # noqa: SIM115 - closed in finally
    try:
        km.start_kernel(env=kernel_env(catalog, home=cwd), cwd=cwd, stdout=log, stderr=log,
                        **launch)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=timeout)
        result.seconds_to_ready = round(time.monotonic() - t0, 3)
        out: builtins.list[str] = []
        errors: builtins.list[str] = []

        def hook(msg: dict) -> None:
            c, t = msg["content"], msg["msg_type"]
            if t == "stream":
                out.append(c.get("text", ""))
            elif t in ("execute_result", "display_data"):
                out.append(c.get("data", {}).get("text/plain", "") + "\n")
            elif t == "error":
                errors.append(f"{c.get('ename')}: {c.get('evalue')}")

        reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        result.output = "".join(out).strip()
        status = reply["content"].get("status")
        if status == "ok" and not errors:
            result.ok = True
        else:
            result.error = "; ".join(errors) or f"cell status {status}"
    except Exception as e:  # the report is the point: any failure goes into it
        result.error = f"{type(e).__name__}: {e}"
    finally:
        if not result.ok:
            log.flush()
            tail = log_path.read_bytes()[-3000:].decode("utf-8", "replace").strip()
            if tail:
                result.details["kernel_log"] = tail
                # the last lines usually say why (e.g. a missing R package)
                result.error = f"{result.error}\n{tail[-600:]}"
        log.close()
        if kc is not None:
            kc.stop_channels()
        try:
            km.shutdown_kernel(now=True)
        except Exception:  # noqa: S110 - the kernel may never have started
            pass
        shutil.rmtree(cwd, ignore_errors=True)  # fd-based: never follows a link in it
        shutil.rmtree(log_dir, ignore_errors=True)
    return result


def smoke_test_all(catalog: KernelCatalog, timeout: float = 120, progress: Progress | None = None
) -> builtins.list[KernelTestResult]:
    """:meth:`test` for every kernel students get, one result per kernel."""
    progress = progress or no_progress
    kernels = [k for k in catalog.list() if not k.shadowed]
    results = []
    for i, k in enumerate(kernels):
        progress(f"testing {k.name}", i / max(len(kernels), 1))
        results.append(smoke_test(catalog, k.name, timeout=timeout))
    progress("done", 1.0)
    return results
