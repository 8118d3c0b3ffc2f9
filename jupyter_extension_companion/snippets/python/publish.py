# title: Publish a message
# description: Publish a text message on one of your own topics (run "Connect to the broker" first).
# order: 20
topic = TOPIC_PREFIX + "hello"
info = client.publish(topic, "Hello from " + CLIENT_ID, qos=1)
info.wait_for_publish(timeout=5)
print("Published to", topic)
