# title: Disconnect
# description: Leave the broker cleanly and stop the background network loop.
# order: 60
client.disconnect()
client.loop_stop()
print("Disconnected")
