// title: Publish a JSON object
// description: Publish a sensor reading as JSON (Gson) on your topic "sensor" (run "Connect to the broker" first).
// order: 40
import com.google.gson.JsonObject;

JsonObject reading = new JsonObject();
reading.addProperty("sensor", "temperature");
reading.addProperty("value", 21.5);
reading.addProperty("unit", "C");
reading.addProperty("time", System.currentTimeMillis() / 1000.0);
String topic = topicPrefix + "sensor";
client.publish(topic, reading.toString().getBytes(StandardCharsets.UTF_8), 1, false);
System.out.println("Published " + reading + " to " + topic);
