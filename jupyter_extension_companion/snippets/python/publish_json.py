# title: Publish a JSON object
# description: Publish a sensor reading as JSON on your topic "sensor" (run "Connect to the broker" first).
# order: 40
import json
import time

reading = {"sensor": "temperature", "value": 21.5, "unit": "C", "time": time.time()}
topic = TOPIC_PREFIX + "sensor"
info = client.publish(topic, json.dumps(reading), qos=1)
info.wait_for_publish(timeout=5)
print("Published", json.dumps(reading), "to", topic)
