// title: Disconnect
// description: Leave the broker cleanly and free the client.
// order: 60
client.disconnect();
client.close();
System.out.println("Disconnected");
