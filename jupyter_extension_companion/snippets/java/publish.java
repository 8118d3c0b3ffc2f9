// title: Publish a message
// description: Publish a text message on one of your own topics (run "Connect to the broker" first).
// order: 20
String topic = topicPrefix + "hello";
client.publish(topic, ("Hello from " + clientId).getBytes(StandardCharsets.UTF_8), 1, false);
System.out.println("Published to " + topic);
