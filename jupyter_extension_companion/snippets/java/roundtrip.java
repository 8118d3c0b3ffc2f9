// title: Complete round trip
// description: Connect, subscribe to your topic, publish a JSON reading with Gson, wait until it comes back, parse it and disconnect, all in one cell.
// order: 70
import org.eclipse.paho.client.mqttv3.*;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import com.google.gson.*;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.*;

String rtTopic = "{{topic_prefix}}" + "roundtrip";
String rtUri = ({{tls}} ? "ssl://" : "tcp://") + "{{host}}" + ":" + {{port}};
MqttClient rtClient = new MqttClient(rtUri, "{{client_id}}", new MemoryPersistence());
MqttConnectOptions rtOptions = new MqttConnectOptions();
rtOptions.setCleanSession(true);
if (!"{{username}}".isEmpty()) {
    rtOptions.setUserName("{{username}}");
    rtOptions.setPassword("{{password}}".toCharArray());
}
BlockingQueue<String> rtInbox = new LinkedBlockingQueue<>();
long rtStarted = System.nanoTime();
rtClient.connect(rtOptions);
try {
    rtClient.subscribe(rtTopic, 1, (t, m) -> rtInbox.add(new String(m.getPayload(), StandardCharsets.UTF_8)));
    JsonObject sent = new JsonObject();
    sent.addProperty("sensor", "temperature");
    sent.addProperty("value", 21.5);
    sent.addProperty("unit", "C");
    rtClient.publish(rtTopic, sent.toString().getBytes(StandardCharsets.UTF_8), 1, false);
    String back = rtInbox.poll(10, TimeUnit.SECONDS);
    if (back == null) {
        System.out.println("Nothing came back within 10 s: check the broker settings");
    } else {
        JsonObject data = JsonParser.parseString(back).getAsJsonObject();
        System.out.printf("Received back on %s after %.3f s: %s%n", rtTopic, (System.nanoTime() - rtStarted) / 1e9, data);
        System.out.println("value = " + data.get("value").getAsDouble() + " " + data.get("unit").getAsString());
    }
} finally {
    rtClient.disconnect();
    rtClient.close();
}
