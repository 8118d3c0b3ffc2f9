# title: Connect to the broker
# description: Connect to the class broker with a client id of your own and start the network loop in the background.
# order: 10
import time

import paho.mqtt.client as mqtt

BROKER_HOST = "{{host}}"
BROKER_PORT = {{port}}
USE_TLS = {{tls}}
BROKER_USERNAME = "{{username}}"
BROKER_PASSWORD = "{{password}}"
TOPIC_PREFIX = "{{topic_prefix}}"  # your own topics start with this
CLIENT_ID = "{{client_id}}"  # unique: two clients with the same id throw each other off the broker

client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=CLIENT_ID)
if BROKER_USERNAME:
    client.username_pw_set(BROKER_USERNAME, BROKER_PASSWORD)
if USE_TLS:
    client.tls_set()
client.connect(BROKER_HOST, BROKER_PORT, keepalive=60)
client.loop_start()  # network in a background thread; never loop_forever() in a notebook

for _ in range(50):  # wait up to 5 s for the broker's answer
    if client.is_connected():
        break
    time.sleep(0.1)
print("Connected to" if client.is_connected() else "Not connected (yet) to", BROKER_HOST, BROKER_PORT)
