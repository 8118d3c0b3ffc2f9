# title: Subscribe and print messages
# description: Print every message that arrives on your topics (run "Connect to the broker" first).
# order: 30
def print_message(client, userdata, message):
    print(message.topic, message.payload.decode("utf-8", errors="replace"))


client.on_message = print_message
client.subscribe(TOPIC_PREFIX + "#", qos=1)
print("Subscribed to", TOPIC_PREFIX + "#")
