package io.cameliotmp.examples.mqtt;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.IotmpDevice;
import org.apache.camel.builder.NotifyBuilder;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker that hangs (its process stopped: the TCP connection stays open, nothing answers) made every publish wait
 * for an acknowledgement until Paho's keep-alive (60 s by default) gave the connection up, 60 to 120 s, holding an
 * IOTMP worker thread each: the samples of all devices stalled behind it. The example's keep-alive bounds that. The
 * samples the broker does not take are dropped and counted, the outage logged once ({@link PublishFailures}).
 */
class HungBrokerTest extends MosquittoBridgeTestSupport {

    /**
     * How long a sample's publish may take to fail once the broker hangs: the example's keep-alive of 5 s gives up
     * the connection within about 10 s; Paho's default of 60 s needs at least 60 s from the broker's last answer.
     */
    private static final Duration HUNG_PUBLISH_BOUND = Duration.ofSeconds(45);

    private final BlockingQueue<String> samples = new LinkedBlockingQueue<>();
    private IotmpDevice thermo;
    private MqttClient mqtt;

    @AfterEach
    void close() throws Exception {
        if (thermo != null) {
            thermo.close();
        }
        if (mqtt != null) {
            mqtt.disconnectForcibly(); // its connection may have been dropped by the hang
            mqtt.close();
        }
    }

    @Test
    void aPublishToAHungBrokerFailsWithinTheKeepAliveBoundAndTheBridgeRecovers() throws Exception {
        thermo = IotmpDevice.builder().host("127.0.0.1").port(iotmpPort()).credentials("acme", "thermo", "s3cret")
                .build();
        thermo.resource("temperature").output(() -> Map.of("celsius", 20));
        mqtt = new MqttClient(broker.url(), "test-" + UUID.randomUUID(), new MemoryPersistence());
        mqtt.connect();
        mqtt.subscribe("devices/thermo/temperature", 1, (topic, message) -> samples.add(topic));
        thermo.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // the stream's first sample went through: the bridge's connection works and was answered just now
        assertThat(samples.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull();

        PublishFailures failures = context.getRegistry().lookupByNameAndType(MqttBridgeRoutes.PUBLISH_FAILURES,
                PublishFailures.class);
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute("stream-temperature").whenFailed(1).create();
        broker.hang();
        try {
            assertThat(thermo.stream("temperature")).isTrue();
            await("the sample's publish fails").atMost(HUNG_PUBLISH_BOUND).until(() -> failures.dropped() >= 1);
        } finally {
            broker.resume();
        }

        // the bridge reconnects by itself: samples are published again (each try streams one more)
        samples.clear();
        await("a sample after the broker came back").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> thermo.stream("temperature") && samples.poll(1, TimeUnit.SECONDS) != null);
        // the samples the broker did not take were dropped as one outage (one warning, one line when it ended),
        // not as failed exchanges, which Camel's error handler logged one by one with a stack trace
        assertThat(failures.outages()).isPositive();
        assertThat(failed.matches()).as("a sample's exchange failed").isFalse();
    }
}
