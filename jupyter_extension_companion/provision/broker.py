"""The class MQTT broker: its settings as system-wide Lab defaults, and a test before class.

The teacher sets host, port, TLS, topic prefix and an optional username/password once. They are
written into the Lab application's ``overrides.json`` (``paths.lab_settings_overrides`` =
``{venv}/share/jupyter/lab/settings/overrides.json``: the file every single-user JupyterLab
started from that venv reads, see ``jupyterlab.commands.get_app_dir``), under the plugin id
``jupyterlab-classroom:mqtt``. Other plugins' entries in that file are kept. A student's own
settings still win; everyone gets the new values on the next page load.
"""

from __future__ import annotations

import json
import re
import secrets
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .audit import SYSTEM, auditor_for
from .errors import ClassroomError
from .lab_overrides import read_overrides, update_overrides

PLUGIN_ID = "jupyterlab-classroom:mqtt"
DEFAULT_TOPIC_PREFIX = "class/{username}/"
_HOST_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[?[0-9A-Fa-f:.]{2,45}\]?")
# setting name in schema/mqtt.json <-> field name here
_KEYS = {
    "host": "host",
    "port": "port",
    "tls": "tls",
    "topicPrefix": "topic_prefix",
    "username": "username",
    "password": "password",
}


@dataclass(frozen=True)
class BrokerSettings:
    """The class broker as snippets and templates use it."""

    host: str = "localhost"
    port: int = 1883
    tls: bool = False
    topic_prefix: str = DEFAULT_TOPIC_PREFIX
    username: str = ""
    password: str = ""

    def to_settings(self) -> dict[str, Any]:
        """The values as named in ``schema/mqtt.json`` (camelCase)."""
        data = asdict(self)
        return {key: data[attr] for key, attr in _KEYS.items()}

    def to_json(self, *, hide_password: bool = False) -> dict[str, Any]:
        """JSON for the API (camelCase like the Lab setting); optionally without the password."""
        data = self.to_settings()
        if hide_password:
            data["password"] = ""
            data["hasPassword"] = bool(self.password)
        return data


def validate(values: Mapping[str, Any], base: BrokerSettings | None = None) -> BrokerSettings:
    """Check broker values (camelCase keys of the Lab setting) and return the settings.

    Keys not given keep the value of ``base``. Unknown keys, a host with characters a host
    name can't have, a port outside 1-65535, a topic prefix with MQTT wildcards (``#``, ``+``)
    and control characters are refused with a message saying what to fix.
    """
    if not isinstance(values, Mapping):
        raise ClassroomError("Send the broker settings as a JSON object.", code="invalid_body")
    unknown = sorted(set(values) - set(_KEYS) - {"hasPassword"})
    if unknown:
        raise ClassroomError(
            f"Unknown broker setting(s): {', '.join(unknown)}; known are {', '.join(_KEYS)}.",
            code="unknown_setting",
        )
    current = asdict(base or BrokerSettings())
    for key, attr in _KEYS.items():
        if key in values and values[key] is not None:
            current[attr] = values[key]

    host = current["host"]
    if isinstance(host, str):
        host = current["host"] = host.strip()
    if not isinstance(host, str) or not _HOST_RE.fullmatch(host):
        raise ClassroomError(
            "The broker host must be a host name or IP address, e.g. broker.school.example or "
            "192.168.1.20 (no scheme, no port, no spaces).",
            code="invalid_host",
        )
    port = current["port"]
    if isinstance(port, str) and port.strip().isdigit():
        port = int(port.strip())
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ClassroomError(
            "The broker port must be a number from 1 to 65535 (MQTT: 1883, TLS: 8883).",
            code="invalid_port",
        )
    tls = current["tls"]
    if not isinstance(tls, bool):
        raise ClassroomError("TLS must be true or false.", code="invalid_tls")
    prefix = current["topic_prefix"]
    if (
        not isinstance(prefix, str)
        or len(prefix) > 200
        or "#" in prefix
        or "+" in prefix
        or any(ord(c) < 32 for c in prefix)
    ):
        raise ClassroomError(
            "The topic prefix must be a topic of at most 200 characters without the wildcards "
            "'#' and '+', e.g. class/{username}/ ({username} becomes each student's name).",
            code="invalid_topic_prefix",
        )
    for attr, what in (("username", "username"), ("password", "password")):
        value = current[attr]
        if not isinstance(value, str) or len(value) > 200 or any(ord(c) < 32 for c in value):
            raise ClassroomError(
                f"The broker {what} must be one line of at most 200 characters.",
                code=f"invalid_{what}",
            )
    return BrokerSettings(
        host=host.strip().strip("[]"),
        port=port,
        tls=tls,
        topic_prefix=prefix,
        username=current["username"],
        password=current["password"],
    )


def _read_overrides(paths: ClassroomPaths | Path) -> dict[str, Any]:
    return read_overrides(paths)


def read_class_broker(paths: ClassroomPaths | Path) -> BrokerSettings:
    """The class broker as set in ``overrides.json`` (defaults where nothing is set).

    ``paths`` may also be the ``overrides.json`` path itself (the single-user server passes
    the one its JupyterLab reads).
    """
    entry = _read_overrides(paths).get(PLUGIN_ID) or {}
    known = {k: v for k, v in entry.items() if k in _KEYS}
    try:
        return validate(known)
    except ClassroomError:
        return BrokerSettings()


def write_class_broker(
    paths: ClassroomPaths, values: Mapping[str, Any], *, actor: str = SYSTEM
) -> dict[str, Any]:
    """Validate ``values`` and write them as the class defaults into ``overrides.json``.

    Keys not given keep their current class value. Other plugins' entries (and unknown keys of
    ours) are kept; the file is replaced atomically and stays world-readable (every student's
    server reads it). Returns ``{"settings": ..., "changed": bool, "path": str}``. One audit line
    (``broker.set``) under ``actor`` names the fields given, never the password itself.
    """
    return auditor_for(paths, actor).run(
        "broker.set", "class broker", _write_class_broker, paths, values,
        fields=sorted(str(k) for k in values if k != "password"),
        credentials_changed="password" in values,
    )  # fmt: skip


def _write_class_broker(paths: ClassroomPaths, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``values`` and write them as the class defaults into ``overrides.json``.

    Keys not given keep their current class value. Other plugins' entries (and unknown keys of
    ours) are kept; the file is replaced atomically and stays world-readable (every student's
    server reads it). Returns ``{"settings": ..., "changed": bool, "path": str}``.
    """
    current = read_class_broker(paths)
    settings = validate(values, base=current)
    path = paths.lab_settings_overrides
    changed = update_overrides(paths, {PLUGIN_ID: settings.to_settings()})
    return {"settings": settings.to_json(hide_password=True), "changed": changed, "path": str(path)}


def check_broker(
    settings: BrokerSettings, *, username: str = "teacher", timeout: float = 5.0
) -> dict[str, Any]:
    """Connect to the broker, subscribe, publish one message and wait for it to come back.

    Uses the class settings exactly as students will (topic prefix with ``{username}`` filled).
    Returns ``{"ok": bool, "stage": ..., "message": ..., "connect_ms", "roundtrip_ms", "topic"}``;
    ``stage`` names the step that failed (``connect``, ``subscribe``, ``publish``, ``receive``)
    or ``done``. Never raises for a broker problem: the teacher reads the outcome.
    """
    import paho.mqtt.client as mqtt

    topic = settings.topic_prefix.replace("{username}", username) + "classroom-test"
    payload = json.dumps({"test": secrets.token_hex(8)})
    received = threading.Event()
    connected = threading.Event()
    outcome: dict[str, Any] = {
        "ok": False,
        "stage": "connect",
        "topic": topic,
        "broker": f"{settings.host}:{settings.port}{' (TLS)' if settings.tls else ''}",
        "connect_ms": None,
        "roundtrip_ms": None,
    }
    reason: list[str] = []

    def on_connect(
        client: Any, userdata: Any, flags: Any, reason_code: Any, properties: Any
    ) -> None:
        if reason_code.is_failure:
            reason.append(str(reason_code))
        else:
            connected.set()

    def on_message(client: Any, userdata: Any, message: Any) -> None:
        if message.payload.decode("utf-8", "replace") == payload:
            received.set()

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=f"classroom-test-{secrets.token_hex(4)}"
    )
    client.on_connect = on_connect
    client.on_message = on_message
    if settings.username:
        client.username_pw_set(settings.username, settings.password)
    if settings.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    started = time.monotonic()
    try:
        client.connect(settings.host, settings.port, keepalive=30)
        client.loop_start()
        if not connected.wait(timeout):
            why = reason[0] if reason else f"no answer within {timeout:g} s"
            outcome["message"] = f"Could not connect to {outcome['broker']}: {why}."
            return outcome
        outcome["connect_ms"] = round((time.monotonic() - started) * 1000, 1)
        outcome["stage"] = "subscribe"
        result, _mid = client.subscribe(topic, qos=1)
        if result != mqtt.MQTT_ERR_SUCCESS:
            outcome["message"] = f"Subscribing to {topic} failed: {mqtt.error_string(result)}."
            return outcome
        outcome["stage"] = "publish"
        sent = time.monotonic()
        info = client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout)
        if not info.is_published():
            outcome["message"] = f"Publishing to {topic} was not confirmed within {timeout:g} s."
            return outcome
        outcome["stage"] = "receive"
        if not received.wait(timeout):
            outcome["message"] = (
                f"The message published to {topic} did not come back within {timeout:g} s "
                "(does the broker allow subscribing to that topic?)."
            )
            return outcome
        outcome["roundtrip_ms"] = round((time.monotonic() - sent) * 1000, 1)
        outcome.update(
            ok=True,
            stage="done",
            message=(
                f"Connected in {outcome['connect_ms']} ms; a message on {topic} came back in "
                f"{outcome['roundtrip_ms']} ms."
            ),
        )
        return outcome
    except (OSError, ValueError, ssl.SSLError) as exc:
        outcome["message"] = f"Could not connect to {outcome['broker']}: {exc}."
        return outcome
    finally:
        try:
            client.disconnect()
            client.loop_stop()
        except Exception:  # noqa: S110 - closing a client that never connected
            pass


__all__ = [
    "PLUGIN_ID",
    "BrokerSettings",
    "read_class_broker",
    "check_broker",
    "validate",
    "write_class_broker",
]
