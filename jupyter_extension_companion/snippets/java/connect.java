// title: Connect to the broker
// description: Connect to the class broker with a client id of your own (Eclipse Paho, kept in memory).
// order: 10
import org.eclipse.paho.client.mqttv3.*;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import java.nio.charset.StandardCharsets;

String brokerHost = "{{host}}";
int brokerPort = {{port}};
boolean useTls = {{tls}};
String brokerUsername = "{{username}}";
String brokerPassword = "{{password}}";
String topicPrefix = "{{topic_prefix}}"; // your own topics start with this
String clientId = "{{client_id}}"; // unique: two clients with the same id throw each other off the broker

String brokerUri = (useTls ? "ssl://" : "tcp://") + brokerHost + ":" + brokerPort;
// MemoryPersistence: the default would write files into your notebook folder
MqttClient client = new MqttClient(brokerUri, clientId, new MemoryPersistence());
MqttConnectOptions options = new MqttConnectOptions();
options.setCleanSession(true);
options.setAutomaticReconnect(true);
if (!brokerUsername.isEmpty()) {
    options.setUserName(brokerUsername);
    options.setPassword(brokerPassword.toCharArray());
}
client.connect(options);
System.out.println("Connected to " + brokerUri + ": " + client.isConnected());
