# title: Complete round trip
# description: Connect, subscribe to your topic, publish a JSON reading, wait until it comes back, parse it and disconnect, all in one cell.
# order: 70
import json
import queue
import time

import paho.mqtt.client as mqtt

BROKER_HOST = "{{host}}"
BROKER_PORT = {{port}}
USE_TLS = {{tls}}
BROKER_USERNAME = "{{username}}"
BROKER_PASSWORD = "{{password}}"
RT_TOPIC = "{{topic_prefix}}" + "roundtrip"

rt_inbox = queue.Queue()


def rt_on_connect(client, userdata, flags, reason_code, properties):
    client.subscribe(RT_TOPIC, qos=1)  # (re)subscribe whenever the connection is made


def rt_on_subscribe(client, userdata, mid, reason_codes, properties):
    reading = {"sensor": "temperature", "value": 21.5, "unit": "C", "time": time.time()}
    client.publish(RT_TOPIC, json.dumps(reading), qos=1)


def rt_on_message(client, userdata, message):
    rt_inbox.put(message.payload)


rt_client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="{{client_id}}")
rt_client.on_connect = rt_on_connect
rt_client.on_subscribe = rt_on_subscribe
rt_client.on_message = rt_on_message
if BROKER_USERNAME:
    rt_client.username_pw_set(BROKER_USERNAME, BROKER_PASSWORD)
if USE_TLS:
    rt_client.tls_set()
rt_started = time.monotonic()
rt_client.connect(BROKER_HOST, BROKER_PORT, keepalive=60)
rt_client.loop_start()
try:
    payload = rt_inbox.get(timeout=10)
    data = json.loads(payload)
    print(f"Received back on {RT_TOPIC} after {time.monotonic() - rt_started:.3f} s:", data)
    print("value =", data["value"], data["unit"])
except queue.Empty:
    print("Nothing came back within 10 s: check the broker settings")
finally:
    rt_client.disconnect()
    rt_client.loop_stop()
