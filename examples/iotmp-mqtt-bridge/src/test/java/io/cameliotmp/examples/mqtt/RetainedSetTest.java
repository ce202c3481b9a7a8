package io.cameliotmp.examples.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpDevice;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code set} published with the retain flag, against Mosquitto: the broker keeps it and sends it again to every
 * new subscription, so a bridge that ran it each time would switch a device back whenever the bridge starts.
 */
class RetainedSetTest extends MosquittoBridgeTestSupport {

    private final BlockingQueue<String> results = new LinkedBlockingQueue<>();
    private IotmpDevice lamp;
    private MqttClient mqtt;

    @AfterEach
    void close() throws Exception {
        if (lamp != null) {
            lamp.close();
        }
        if (mqtt != null) {
            mqtt.disconnect();
            mqtt.close();
        }
    }

    @Test
    void aRetainedSetRunsWhenPublishedAndNotAgainWhenTheBridgeSubscribesAnew() throws Exception {
        AtomicReference<Object> led = new AtomicReference<>(Map.of("on", false));
        AtomicInteger ledSets = new AtomicInteger();
        int port = iotmpPort();
        lamp = IotmpDevice.builder().host("127.0.0.1").port(port).credentials("acme", "lamp", "s3cret").build();
        lamp.resource("led").input(in -> {
            ledSets.incrementAndGet();
            led.set(in);
        }, led::get);
        lamp.resource("echo").inputOutput(in -> Map.of("echo", in));
        lamp.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        mqtt = new MqttClient(broker.url(), "test-" + UUID.randomUUID(), new MemoryPersistence());
        mqtt.connect();
        mqtt.subscribe("devices/lamp/+/result", 1, (topic, message) -> results.add(topic));

        mqtt.publish("devices/lamp/led/set", "{\"on\":true}".getBytes(StandardCharsets.UTF_8), 1, true);
        assertThat(results.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("devices/lamp/led/result");
        assertThat(led.get()).isEqualTo(Map.of("on", true));

        // the bridge subscribes anew, as it does when it starts: the broker sends it the retained set again
        context.getRouteController().stopRoute("set");
        context.getRouteController().startRoute("set");
        // a new set reaches the bridge after the retained one, on the same subscription, and the device after it
        mqtt.publish("devices/lamp/echo/set", "1".getBytes(StandardCharsets.UTF_8), 1, false);
        assertThat(results.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("devices/lamp/echo/result");
        assertThat(ledSets).hasValue(1);
        assertThat(led.get()).isEqualTo(Map.of("on", true));
        assertThat(results).isEmpty();
    }
}
