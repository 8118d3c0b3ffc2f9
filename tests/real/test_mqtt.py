"""Every shipped MQTT snippet and template, executed for real against a Mosquitto broker.

The test starts ``mosquitto -p PORT`` and an independent ``mosquitto_sub`` on ``class/#``; the
Python snippets run in an ipykernel with paho-mqtt 2.x, the Java ones in JJava with Eclipse Paho
1.2.5 and Gson 2.10.1 (from Maven Central) on ``JJAVA_CLASSPATH``, exactly as the kernelspec of
a classroom host has them. Snippets and templates are filled like the lab extension fills them
(``provision.snippets.fill``) for a student ``anna`` with the prefix ``class/anna/``.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_extension_companion.provision import broker as B
from jupyter_extension_companion.provision import snippets as S
from jupyter_extension_companion.provision import templates as T

pytestmark = [pytest.mark.real, pytest.mark.slow]

JARS = {
    "org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5": "org.eclipse.paho.client.mqttv3-1.2.5.jar",
    "com.google.code.gson:gson:2.10.1": "gson-2.10.1.jar",
}
STUDENT = "anna"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def mosquitto() -> Iterator[int]:
    if not shutil.which("mosquitto"):
        pytest.fail("mosquitto is not installed (apt-get install mosquitto mosquitto-clients)")
    port = free_port()
    proc = subprocess.Popen(
        ["mosquitto", "-p", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("mosquitto did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


class Subscriber:
    """An independent ``mosquitto_sub -v`` on a topic filter, collecting (topic, payload)."""

    def __init__(self, port: int, topic: str):
        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.backlog: list[tuple[str, str]] = []
        self.proc = subprocess.Popen(
            ["mosquitto_sub", "-p", str(port), "-v", "-t", topic],
            stdout=subprocess.PIPE,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(0.5)  # let it subscribe before anything is published

    def _read(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            topic, _, payload = line.rstrip("\n").partition(" ")
            self.lines.put((topic, payload))

    def wait_for(self, topic: str, count: int = 1, timeout: float = 15) -> list[str]:
        """The first ``count`` payloads on ``topic``; messages on other topics stay for later
        calls (in the order they came)."""
        got = [payload for t, payload in self.backlog if t == topic][:count]
        kept = 0
        rest: list[tuple[str, str]] = []
        for t, payload in self.backlog:
            if t == topic and kept < len(got):
                kept += 1
            else:
                rest.append((t, payload))
        self.backlog = rest
        deadline = time.monotonic() + timeout
        while len(got) < count:
            try:
                t, payload = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"mosquitto_sub saw {len(got)}/{count} on {topic}") from None
            if t == topic:
                got.append(payload)
            else:
                self.backlog.append((t, payload))
        return got

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def subscriber(mosquitto: int) -> Iterator[Subscriber]:
    sub = Subscriber(mosquitto, "class/#")
    yield sub
    sub.close()


@pytest.fixture(scope="module")
def java_libs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Paho 1.2.5 and Gson 2.10.1 from Maven Central (checksums verified by the JarStore)."""
    from dataclasses import replace

    from jupyter_extension_companion.paths import ClassroomPaths
    from jupyter_extension_companion.provision.jars import JarStore

    tmp = tmp_path_factory.mktemp("libs")
    paths = replace(ClassroomPaths().with_prefix(tmp), kernels_dir=tmp / "kernels")
    store = JarStore(paths)
    for coords in JARS:
        store.add_maven(coords)
    for name in JARS.values():
        assert (paths.java_libs / name).is_file()
    return paths.java_libs


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory, java_libs: Path) -> Iterator[Path]:
    """Our own kernelspecs (names nobody else uses): this Python with paho, and JJava with the
    jars on JJAVA_CLASSPATH, like the installer writes them."""
    from jupyter_client.kernelspec import KernelSpecManager

    root = tmp_path_factory.mktemp("jupyter")
    kdir = root / "kernels"
    (kdir / "clt-python").mkdir(parents=True)
    (kdir / "clt-python" / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python (test)",
                "language": "python",
            }
        )
    )
    java = KernelSpecManager().get_kernel_spec("java")
    assert any("jjava" in a for a in java.argv), "the java kernelspec is not JJava"
    shutil.copytree(java.resource_dir, kdir / "clt-java")
    spec = json.loads((kdir / "clt-java" / "kernel.json").read_text())
    spec["env"] = {**spec.get("env", {}), "JJAVA_CLASSPATH": f"{java_libs}/*"}
    (kdir / "clt-java" / "kernel.json").write_text(json.dumps(spec))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(root) + (os.pathsep + old if old else "")
    yield kdir
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


class Kernel:
    """A real kernel; ``run`` executes one cell and returns everything it printed. Output that
    arrives later from a background thread (an MQTT callback) is kept in ``late``."""

    def __init__(self, name: str):
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name=name, startup_timeout=120)
        self.late: list[str] = []

    def run(self, code: str, timeout: float = 90) -> str:
        msg_id = self.kc.execute(code)
        out: list[str] = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            kind, content = msg["msg_type"], msg["content"]
            mine = msg["parent_header"].get("msg_id") == msg_id
            text = ""
            if kind == "stream":
                text = content["text"]
            elif kind in ("execute_result", "display_data"):
                text = content["data"].get("text/plain", "")
            elif kind == "error" and mine:
                raise AssertionError(
                    f"{content['ename']}: {content['evalue']}\n" + "\n".join(content["traceback"])
                )
            if text:
                (out if mine else self.late).append(text)
            if kind == "status" and mine and content["execution_state"] == "idle":
                return "".join(out)

    def drain(self, seconds: float = 1.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            if msg["msg_type"] == "stream":
                self.late.append(msg["content"]["text"])
        return "".join(self.late)

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def values(port: int, suffix: str) -> dict:
    return {
        "host": "127.0.0.1",
        "port": port,
        "tls": False,
        "topic_prefix": f"class/{STUDENT}/",
        "client_id": f"{STUDENT}-{suffix}",
        "username": "",
        "password": "",
    }


KERNEL = {"python": "clt-python", "java": "clt-java"}


@pytest.mark.parametrize("language", ["python", "java"])
def test_every_snippet_for_real(language, mosquitto, subscriber, kernels):
    found = {s.name: s for s in S.list_snippets(language, [(S.PACKAGE_SNIPPETS, "package")])}
    order = ["connect", "subscribe", "receive_json", "publish", "publish_json", "disconnect"]
    assert set(found) == set(order) | {"roundtrip"}
    kernel = Kernel(KERNEL[language])
    try:
        outputs = {}
        for name in order:
            code = S.fill(found[name].body, values(mosquitto, "menu1"), language)
            outputs[name] = kernel.run(code)
            if name == "publish_json":
                time.sleep(1.0)  # the broker sends it back to our subscriptions
        everything = "".join(outputs.values()) + kernel.drain()
        assert "Connected to" in outputs["connect"] and "127.0.0.1" in outputs["connect"]
        assert "Not connected" not in outputs["connect"]
        assert "Subscribed to class/anna/#" in outputs["subscribe"]
        assert "Published to class/anna/hello" in outputs["publish"]
        assert "Disconnected" in outputs["disconnect"]
        # receive_json parsed the JSON object that publish_json sent (printed by its callback)
        assert "Received from class/anna/sensor" in everything, everything
        # the independent subscriber saw both, on the student's own topics
        hello = subscriber.wait_for("class/anna/hello")
        assert hello == ["Hello from anna-menu1"]
        sensor = json.loads(subscriber.wait_for("class/anna/sensor")[0])
        assert sensor["sensor"] == "temperature" and sensor["value"] == 21.5

        # the complete round trip, in the same kernel (a fresh client id, as on every insert)
        rt = kernel.run(S.fill(found["roundtrip"].body, values(mosquitto, "rt1"), language))
        assert "Received back on class/anna/roundtrip" in rt, rt
        assert "value = 21.5 C" in rt
        back = json.loads(subscriber.wait_for("class/anna/roundtrip")[0])
        assert back["value"] == 21.5 and back["unit"] == "C"
    finally:
        kernel.close()


# the template's own output, in its language (the German version: templates/de/)
SAYS = {None: ("Received 5 readings, average", "Disconnected"),
        "de_DE": ("5 Messwerte empfangen, Mittelwert", "Verbindung getrennt")}


@pytest.mark.parametrize("locale", [None, "de_DE"])
@pytest.mark.parametrize("name", ["mqtt_python", "mqtt_java"])
def test_every_template_for_real(name, locale, mosquitto, subscriber, kernels):
    found = T.get_template(name, [(T.PACKAGE_TEMPLATES, "package")], locale)
    template, notebook = found["template"], found["notebook"]
    language = template["language"]
    kernel = Kernel(KERNEL[language])
    try:
        out = []
        for cell in notebook["cells"]:
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            filled = S.fill(
                source, values(mosquitto, "tpl1"), language, code=cell["cell_type"] == "code"
            )
            assert "{{" not in filled, filled
            if cell["cell_type"] == "code":
                out.append(kernel.run(filled))
        text = "".join(out)
        received, disconnected = SAYS[locale]
        assert received in text, text
        assert disconnected in text
        readings = [json.loads(p) for p in subscriber.wait_for("class/anna/sensor", count=5)]
        assert [r["n"] for r in readings] == [0, 1, 2, 3, 4]
    finally:
        kernel.close()


def test_two_students_keep_their_connections(mosquitto, kernels):
    """Client ids include the student's name: two students' connect snippets don't kick each
    other off (with one shared id, the broker drops the first connection)."""
    connect = S.list_snippets("python", [(S.PACKAGE_SNIPPETS, "package")])[0]
    assert connect.name == "connect"
    a, b = Kernel("clt-python"), Kernel("clt-python")
    try:
        va = values(mosquitto, "x1")
        vb = {**values(mosquitto, "y2"), "client_id": "ben-y2", "topic_prefix": "class/ben/"}
        a.run(S.fill(connect.body, va, "python"))
        b.run(S.fill(connect.body, vb, "python"))
        time.sleep(1)
        assert a.run("print(client.is_connected())").strip() == "True"
        assert b.run("print(client.is_connected())").strip() == "True"
    finally:
        a.close()
        b.close()


def test_broker_check_for_real(mosquitto):
    ok = B.check_broker(B.BrokerSettings(host="127.0.0.1", port=mosquitto), username="teach")
    assert ok["ok"] is True and ok["stage"] == "done", ok
    assert ok["topic"] == "class/teach/classroom-test"
    assert ok["connect_ms"] > 0 and ok["roundtrip_ms"] > 0
    bad = B.check_broker(B.BrokerSettings(host="127.0.0.1", port=free_port()), timeout=2)
    assert bad["ok"] is False and bad["stage"] == "connect"


def _code_cells(notebook: dict) -> list[str]:
    return [
        cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]


@pytest.mark.parametrize("locale", [None, "de_DE"])
@pytest.mark.parametrize("name", ["mqtt_python", "mqtt_java"])
def test_template_then_every_snippet(name, locale, mosquitto, subscriber, kernels):
    """Issue 11: a student opens a template, runs it, then uses the MQTT menu. Every snippet
    must run in that kernel with the names the template defined (one vocabulary), and after
    "Connect" too; the template's own last cell (disconnect) works on Connect's client. In
    both languages (the German version of the template, for a German Lab)."""
    found = T.get_template(name, [(T.PACKAGE_TEMPLATES, "package")], locale)
    language = found["template"]["language"]
    snippets = {s.name: s for s in S.list_snippets(language, [(S.PACKAGE_SNIPPETS, "package")])}
    cells = [S.fill(c, values(mosquitto, "tpl2"), language) for c in _code_cells(found["notebook"])]
    kernel = Kernel(KERNEL[language])
    try:
        # the template, up to its last cell ("When you are done, disconnect")
        for cell in cells[:-1]:
            kernel.run(cell)
        out: dict[str, str] = {}
        # every snippet of the menu that uses the connection, in an order whose messages come
        # back to the subscriptions (receive_json before publish_json)
        for snippet in ["subscribe", "receive_json", "publish", "publish_json", "disconnect"]:
            filled = S.fill(snippets[snippet].body, values(mosquitto, f"m{snippet}"), language)
            out[snippet] = kernel.run(filled)
            if snippet == "publish_json":
                time.sleep(1.0)
        late = kernel.drain()
        assert "Subscribed to class/anna/#" in out["subscribe"], out
        assert "Published to class/anna/hello" in out["publish"], out
        assert "Received from class/anna/sensor" in "".join(out.values()) + late, (out, late)
        assert "Disconnected" in out["disconnect"], out
        # the template's client id: the snippets used the template's connection
        assert subscriber.wait_for("class/anna/hello") == ["Hello from anna-tpl2"]
        readings = [json.loads(p) for p in subscriber.wait_for("class/anna/sensor", count=6)]
        assert readings[-1]["value"] == 21.5 and "n" not in readings[-1]
        rt = kernel.run(S.fill(snippets["roundtrip"].body, values(mosquitto, "rt2"), language))
        assert "value = 21.5 C" in rt, rt
        # "Connect" after the template, then the template's own cells use Connect's client
        connect = S.fill(snippets["connect"].body, values(mosquitto, "c2"), language)
        assert "Connected to" in kernel.run(connect)
        kernel.run(cells[2])  # "Measure and publish"
        assert len(subscriber.wait_for("class/anna/sensor", count=5)) == 5
        assert SAYS[locale][1] in kernel.run(cells[-1])  # the template's own disconnect
    finally:
        kernel.close()
