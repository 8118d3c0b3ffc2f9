# title: Receive and parse JSON
# description: Parse every JSON message on your topic "sensor" and keep it in a queue (run "Connect to the broker" first).
# order: 50
import json
import queue

readings = queue.Queue()  # later: reading = readings.get(timeout=10)


def on_json(client, userdata, message):
    try:
        data = json.loads(message.payload)
    except ValueError:
        print("Not JSON on", message.topic, ":", message.payload[:80])
        return
    readings.put(data)
    print("Received from", message.topic, ":", data)


client.message_callback_add(TOPIC_PREFIX + "sensor", on_json)
client.subscribe(TOPIC_PREFIX + "sensor", qos=1)
print("Waiting for JSON on", TOPIC_PREFIX + "sensor")
