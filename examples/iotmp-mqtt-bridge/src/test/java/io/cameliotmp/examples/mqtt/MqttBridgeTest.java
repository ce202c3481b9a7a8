package io.cameliotmp.examples.mqtt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.device.IotmpConnectRefusedException;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bridge as it runs (Camel Main, its routes and application.properties) against a real MQTT broker (Moquette,
 * embedded in the test JVM), with a device played by {@link IotmpDevice} and an MQTT client using Paho directly.
 */
class MqttBridgeTest extends BridgeTestSupport {

    /** Upper bound of every wait: generous, so that a loaded machine does not reach it. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MQTT_PORT = FreePorts.next();

    @TempDir
    static Path brokerDir;
    private static EmbeddedMqttBroker broker;

    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    private final List<IotmpDevice> devices = new ArrayList<>();
    private final AtomicReference<Object> led = new AtomicReference<>(Map.of("on", false));
    private MqttClient mqtt;

    private record Message(String topic, String payload) {
    }

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedMqttBroker.start(MQTT_PORT, brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected int brokerPort() {
        return MQTT_PORT;
    }

    @BeforeEach
    void connectMqttClient() throws Exception {
        mqtt = new MqttClient("tcp://127.0.0.1:" + MQTT_PORT, "test-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        mqtt.connect(options);
        mqtt.subscribe("devices/#", 1, (topic, message) -> received.add(
                new Message(topic, new String(message.getPayload(), StandardCharsets.UTF_8))));
    }

    @AfterEach
    void disconnect() throws Exception {
        devices.forEach(IotmpDevice::close);
        mqtt.disconnect();
        mqtt.close();
    }

    @Test
    void streamSamplesArePublishedPerDeviceAndResource() throws Exception {
        AtomicReference<Double> celsius = new AtomicReference<>(21.5);
        IotmpDevice thermo = newDevice("thermo-1");
        thermo.resource("temperature").output(() -> Map.of("celsius", celsius.get()));

        // the stream opens when the device connects and starts with the current value
        thermo.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(awaitMessage("devices/thermo-1/temperature").get("celsius").asDouble()).isEqualTo(21.5);

        celsius.set(30.25);
        assertThat(thermo.stream("temperature")).isTrue();
        assertThat(awaitMessage("devices/thermo-1/temperature").get("celsius").asDouble()).isEqualTo(30.25);
    }

    @Test
    void setMessagesRunResourcesAndPublishTheResult() throws Exception {
        IotmpDevice lamp = newDevice("lamp-1");
        lamp.resource("led").input(led::set, led::get);
        lamp.resource("echo").inputOutput(in -> Map.of("echo", in));
        lamp.resource("reboot").run(() -> led.set(Map.of("on", false)));
        lamp.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        publish("devices/lamp-1/led/set", "{\"on\":true}");
        JsonNode ledResult = awaitMessage("devices/lamp-1/led/result");
        assertThat(ledResult.get("ok").asBoolean()).isTrue();
        // the device applied the input before it answered, and the result follows the answer
        assertThat(led.get()).isEqualTo(Map.of("on", true));

        publish("devices/lamp-1/echo/set", "[1,\"two\"]");
        JsonNode echoResult = awaitMessage("devices/lamp-1/echo/result");
        assertThat(echoResult.get("output")).isEqualTo(json.readTree("{\"echo\":[1,\"two\"]}"));

        publish("devices/lamp-1/reboot/set", ""); // no payload: run without input
        assertThat(awaitMessage("devices/lamp-1/reboot/result").get("ok").asBoolean()).isTrue();
        assertThat(led.get()).isEqualTo(Map.of("on", false));
    }

    @Test
    void failedSetsPublishAnErrorResult() throws Exception {
        IotmpDevice lamp = newDevice("lamp-2");
        lamp.resource("led").input(led::set, led::get);
        lamp.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        publish("devices/nobody/led/set", "{\"on\":true}");
        JsonNode offline = awaitMessage("devices/nobody/led/result");
        assertThat(offline.get("ok").asBoolean()).isFalse();
        assertThat(offline.get("error").asText()).contains("not connected");

        publish("devices/lamp-2/led/set", "{on: yes");
        assertThat(awaitMessage("devices/lamp-2/led/result").get("ok").asBoolean()).isFalse();
        assertThat(led.get()).isEqualTo(Map.of("on", false));

        publish("devices/lamp-2/fan/set", "{\"speed\":3}");
        assertThat(awaitMessage("devices/lamp-2/fan/result").get("ok").asBoolean()).isFalse();
    }

    /**
     * The server takes device ids with MQTT's wildcards; a topic name may not have them. Every sample of such a device
     * failed to publish (an exception and an error logged per sample); its id is now percent-encoded in its topics.
     */
    @Test
    void aDeviceWhoseIdHasMqttWildcardsIsBridgedUnderItsEncodedId() throws Exception {
        IotmpDevice odd = newDevice("sensor#1+50%");
        odd.resource("temperature").output(() -> Map.of("celsius", 19.5));
        odd.resource("led").input(led::set, led::get);
        odd.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(awaitMessage("devices/sensor%231%2B50%25/temperature").get("celsius").asDouble()).isEqualTo(19.5);

        publish("devices/sensor%231%2B50%25/led/set", "{\"on\":true}");
        assertThat(awaitMessage("devices/sensor%231%2B50%25/led/result").get("ok").asBoolean()).isTrue();
        assertThat(led.get()).isEqualTo(Map.of("on", true));
    }

    /**
     * A device id with a Unicode non-character (U+FFFF, U+FDD0…) cannot be carried by a topic: Paho drops the
     * bridge's one MQTT connection, that of every device, at such a topic, and Mosquitto closes the connection of a
     * client that sends one. The server refuses such ids at CONNECT, so no such device reaches the bridge (the
     * bridge would still percent-encode them, see TopicLevelsTest); the bridge goes on for the others.
     */
    @Test
    void aDeviceWhoseIdHasANonCharacterIsRefusedAndTheBridgeGoesOn() throws Exception {
        // reconnection off: the stage fails on the first refusal instead of trying again
        IotmpDevice odd = IotmpDevice.builder().host("127.0.0.1").port(iotmpPort())
                .credentials("acme", "sensor\uFFFF\uFDD0", "s3cret").reconnectBackoff(Duration.ZERO, Duration.ZERO)
                .build();
        devices.add(odd);
        odd.resource("temperature").output(() -> Map.of("celsius", 19.5));
        assertThatThrownBy(() -> odd.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(IotmpConnectRefusedException.class);

        IotmpDevice plain = newDevice("sensor-after-refusal");
        plain.resource("temperature").output(() -> Map.of("celsius", 20.5));
        plain.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(awaitMessage("devices/sensor-after-refusal/temperature").get("celsius").asDouble()).isEqualTo(20.5);
    }

    /**
     * A device has one topic level: its id encoded. A level that is not an encoding ({@code %41}, or {@code %2b} for
     * {@code %2B}) ran the set on the device whose id it is when read as it stands, or decoded in any case: a second
     * topic for a device, past a broker ACL on its own ({@code sensor%41}'s is {@code devices/sensor%2541/#}).
     */
    @Test
    void aSetOnATopicThatIsNotADevicesEncodedIdRunsNothing() throws Exception {
        AtomicReference<Object> percentLed = new AtomicReference<>(Map.of("on", false));
        IotmpDevice percent = newDevice("sensor%41");
        percent.resource("led").input(percentLed::set, percentLed::get);
        percent.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        IotmpDevice plus = newDevice("a+b");
        plus.resource("led").input(led::set, led::get);
        plus.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        publish("devices/sensor%41/led/set", "{\"on\":true}");
        JsonNode notADevice = awaitMessage("devices/sensor%41/led/result");
        assertThat(notADevice.get("ok").asBoolean()).isFalse();
        assertThat(notADevice.get("error").asText()).contains("sensor%41");
        publish("devices/a%2bb/led/set", "{\"on\":true}");
        assertThat(awaitMessage("devices/a%2bb/led/result").get("ok").asBoolean()).isFalse();

        // the devices' own topics still work, and the sets above ran nothing
        assertThat(percentLed.get()).isEqualTo(Map.of("on", false));
        assertThat(led.get()).isEqualTo(Map.of("on", false));
        publish("devices/sensor%2541/led/set", "{\"on\":true}");
        assertThat(awaitMessage("devices/sensor%2541/led/result").get("ok").asBoolean()).isTrue();
        assertThat(percentLed.get()).isEqualTo(Map.of("on", true));
        assertThat(led.get()).isEqualTo(Map.of("on", false));
    }

    @Test
    void samplesOfManyDevicesStreamingAtOnceAreAllPublished() throws Exception {
        AtomicInteger published = new AtomicInteger();
        MqttClient counter = new MqttClient("tcp://127.0.0.1:" + MQTT_PORT, "count-" + UUID.randomUUID(),
                new MemoryPersistence());
        counter.connect();
        try {
            counter.subscribe("devices/+/temperature", 1, (topic, message) -> published.incrementAndGet());
            // more devices than the server's 16 worker threads: every worker publishes at the same time
            int deviceCount = 24;
            List<IotmpDevice> fleet = new ArrayList<>();
            for (int i = 0; i < deviceCount; i++) {
                IotmpDevice device = newDevice("many-" + i);
                device.resource("temperature").output(() -> Map.of("celsius", 20));
                device.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                fleet.add(device);
            }
            // the first sample of each stream, sent when it opens
            await().atMost(WAIT).until(() -> published.get() >= deviceCount);
            int opening = published.get();

            AtomicInteger sent = new AtomicInteger();
            List<Thread> senders = new ArrayList<>();
            for (IotmpDevice device : fleet) {
                Thread sender = new Thread(() -> {
                    for (int n = 0; n < 50; n++) {
                        if (device.stream("temperature")) {
                            sent.incrementAndGet();
                        }
                    }
                });
                senders.add(sender);
                sender.start();
            }
            for (Thread sender : senders) {
                sender.join();
            }

            // Paho's own max-inflight of 10 refused publishes beyond it, and the samples were lost
            await().atMost(WAIT).untilAsserted(() -> assertThat(published.get() - opening).isEqualTo(sent.get()));
        } finally {
            counter.disconnect();
            counter.close();
        }
    }

    /** A device of user acme, not started yet so that its resources can be registered first. */
    private IotmpDevice newDevice(String name) {
        int port = iotmpPort();
        IotmpDevice device = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("acme", name, "s3cret")
                .build();
        devices.add(device);
        return device;
    }

    private void publish(String topic, String payload) throws Exception {
        mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** The JSON payload of the next message on {@code topic}, skipping others; fails after {@link #WAIT}. */
    private JsonNode awaitMessage(String topic) throws Exception {
        List<Message> skipped = new ArrayList<>();
        AtomicReference<Message> found = new AtomicReference<>();
        try {
            await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        Message message = received.poll(100, TimeUnit.MILLISECONDS);
                        if (message == null) {
                            return false;
                        }
                        if (message.topic().equals(topic)) {
                            found.set(message);
                            return true;
                        }
                        skipped.add(message);
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("nothing on " + topic + " within " + WAIT + "; other messages: " + skipped, e);
        }
        return json.readTree(found.get().payload());
    }
}
