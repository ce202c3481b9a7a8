package io.cameliotmp.micrometer;

import java.util.Locale;

import io.cameliotmp.protocol.session.RequestKind;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.ServerMetrics.Outcome;
import io.cameliotmp.server.StaticAuthenticator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tag values and units of the server's meters do not depend on the JVM they run in: the guide names
 * {@code outcome=disconnected}, and a dashboard or alert written for it must match on a JVM whose default locale is
 * Turkish too, where {@code "DISCONNECTED".toLowerCase()} has a dotless i.
 */
class MicrometerServerMetricsTagsTest {

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;
    private MicrometerServerMetrics metrics;

    @BeforeEach
    void start() {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .ioThreads(1).authenticator(StaticAuthenticator.parse("alice/esp32=pw")).build());
        server.start();
        metrics = new MicrometerServerMetrics(meters, server);
    }

    @AfterEach
    void stop() {
        metrics.close();
        server.stop();
    }

    @Test
    void outcomeTagsAreTheGuidesWhateverTheDefaultLocale() {
        Locale previous = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            for (Outcome outcome : Outcome.values()) {
                metrics.requestCompleted(RequestKind.RUN, 1_000, outcome);
                metrics.forwardedCallCompleted(1_000, outcome);
            }
        } finally {
            Locale.setDefault(previous);
        }
        assertThat(meters.find("iotmp.requests").timers()).extracting(t -> t.getId().getTag("outcome"))
                .containsExactlyInAnyOrder("ok", "error", "timeout", "disconnected");
        assertThat(meters.find("iotmp.forwarded.calls").timers()).extracting(t -> t.getId().getTag("outcome"))
                .containsExactlyInAnyOrder("ok", "error", "timeout", "disconnected");
    }

    /** A meter of bytes says so, so that a registry shows its unit (and converts it, as some do). */
    @Test
    void everyMeterOfBytesHasBytesAsItsBaseUnit() {
        assertThat(meters.getMeters()).extracting(Meter::getId)
                .filteredOn(id -> id.getName().endsWith(".bytes"))
                .isNotEmpty()
                .allSatisfy(id -> assertThat(id.getBaseUnit()).as(id.toString()).isEqualTo("bytes"));
        assertThat(meters.getMeters()).extracting(Meter::getId)
                .filteredOn(id -> "bytes".equals(id.getBaseUnit()))
                .extracting(Meter.Id::getName)
                .allSatisfy(name -> assertThat(name).endsWith(".bytes"));
    }

    /** A server alone has no meters of a cluster's: a dashboard shows no queue that cannot exist. */
    @Test
    void aServerAloneRegistersNoClusterMeter() {
        assertThat(meters.getMeters()).extracting(m -> m.getId().getName())
                .isNotEmpty()
                .noneMatch(name -> name.startsWith("iotmp.cluster."));
    }
}
