package io.cameliotmp.examples.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import io.cameliotmp.test.DemoFleet;
import org.apache.camel.main.Main;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge with everything it needs in one JVM, for trying it without installing a broker: an MQTT broker
 * ({@link EmbeddedMqttBroker}), the bridge itself (Camel Main with this example's routes and properties), the three
 * demo devices of the README ({@link DemoFleet}) and a watcher that logs every message under {@code devices/#}. At
 * start it publishes one {@code set} (device-1's led on), so a {@code result} shows up too. Run with
 * {@code mvn -f examples/iotmp-mqtt-bridge -Pdemo test-compile exec:java}.
 */
public final class MqttBridgeDemo implements AutoCloseable {

    static final String IOTMP_PORT_PROPERTY = "camel.component.iotmp.port";
    static final String MQTT_PORT_PROPERTY = "demo.mqtt-port";
    private static final int DEFAULT_IOTMP_PORT = 25204;
    private static final int DEFAULT_MQTT_PORT = 1883;
    private static final Logger LOG = LoggerFactory.getLogger(MqttBridgeDemo.class);

    /** A message the watcher saw. */
    record Message(String topic, String payload) {
    }

    private final Path brokerDir;
    private final EmbeddedMqttBroker broker;
    private final Main bridge;
    private final DemoFleet fleet;
    private final MqttClient watcher;
    private final List<Message> seen = new CopyOnWriteArrayList<>();

    private MqttBridgeDemo(int mqttPort, int iotmpPort) throws Exception {
        brokerDir = Files.createTempDirectory("iotmp-mqtt-demo");
        broker = EmbeddedMqttBroker.start(mqttPort, brokerDir);
        try {
            watcher = new MqttClient(broker.url(), "demo-watcher-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            watcher.connect(options);
            watcher.subscribe("devices/#", 1, (topic, message) -> {
                Message seenMessage = new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8));
                seen.add(seenMessage);
                LOG.info("{} {}", seenMessage.topic(), seenMessage.payload());
            });
            bridge = new Main(MqttBridgeApplication.class);
            bridge.addOverrideProperty("camel.component.paho.broker-url", broker.url());
            bridge.addOverrideProperty(IOTMP_PORT_PROPERTY, String.valueOf(iotmpPort));
            bridge.start();
            fleet = DemoFleet.connectingTo("127.0.0.1", iotmpPort, 3).start();
            fleet.awaitConnected(Duration.ofSeconds(30));
            watcher.publish("devices/device-1/led/set", "{\"on\":true}".getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Starts broker (on {@code mqttPort}), bridge (its IOTMP server on {@code iotmpPort}), devices and watcher. */
    public static MqttBridgeDemo start(int mqttPort, int iotmpPort) throws Exception {
        return new MqttBridgeDemo(mqttPort, iotmpPort);
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        int iotmpPort = iotmpPort();
        try (MqttBridgeDemo demo = start(mqttPort(), iotmpPort)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            LOG.info("Demo running: MQTT on {}, IOTMP on port {}, devices demo/device-1..3. Ctrl+C stops it.",
                    demo.broker.url(), iotmpPort);
            stopped.await();
        }
    }

    /**
     * The demo's IOTMP port: the bridge's own property, {@code -Dcamel.component.iotmp.port}, as the README overrides
     * it for the bridge, else the bridge's default. The demo hands the port to the bridge as an override property,
     * which would otherwise win over the command line.
     */
    static int iotmpPort() {
        return Integer.getInteger(IOTMP_PORT_PROPERTY, DEFAULT_IOTMP_PORT);
    }

    /** The embedded broker's port: {@code -Ddemo.mqtt-port}, else MQTT's own 1883. */
    static int mqttPort() {
        return Integer.getInteger(MQTT_PORT_PROPERTY, DEFAULT_MQTT_PORT);
    }

    /** Every message the watcher has received so far, in order. */
    List<Message> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (bridge != null) {
            bridge.stop();
        }
        if (watcher != null && watcher.isConnected()) {
            try {
                watcher.disconnect();
            } catch (MqttException e) {
                LOG.debug("watcher disconnect: {}", e.toString());
            }
            watcher.close();
        }
        broker.close();
        try (var files = Files.walk(brokerDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
