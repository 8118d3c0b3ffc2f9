// title: Subscribe and print messages
// description: Print every message that arrives on your topics (run "Connect to the broker" first).
// order: 30
client.subscribe(topicPrefix + "#", 1, (topic, message) ->
    System.out.println(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
System.out.println("Subscribed to " + topicPrefix + "#");
