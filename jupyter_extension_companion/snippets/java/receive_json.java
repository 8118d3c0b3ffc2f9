// title: Receive and parse JSON
// description: Parse every JSON message on your topic "sensor" with Gson and keep it in a queue (run "Connect to the broker" first).
// order: 50
import com.google.gson.*;
import java.util.concurrent.*;

BlockingQueue<JsonObject> readings = new LinkedBlockingQueue<>(); // later: readings.poll(10, TimeUnit.SECONDS)
client.subscribe(topicPrefix + "sensor", 1, (topic, message) -> {
    String text = new String(message.getPayload(), StandardCharsets.UTF_8);
    try {
        JsonObject data = JsonParser.parseString(text).getAsJsonObject();
        readings.add(data);
        System.out.println("Received from " + topic + ": " + data);
    } catch (JsonParseException | IllegalStateException e) {
        System.out.println("Not JSON on " + topic + ": " + text);
    }
});
System.out.println("Waiting for JSON on " + topicPrefix + "sensor");
