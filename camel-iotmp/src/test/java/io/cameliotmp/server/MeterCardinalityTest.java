package io.cameliotmp.server;

import java.util.Set;
import java.util.TreeSet;

import io.cameliotmp.micrometer.MicrometerServerMetrics;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No tag of the server's meters takes its value from the network: peers with thousands of distinct users, device ids
 * and credentials, accepted or refused, leave the registry with the meters it had. A tag by device or user would let
 * a hostile peer make a meter per name it invents, each kept in memory and in every scraping system.
 */
class MeterCardinalityTest {

    private static final int PEERS = 1_000;

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Set<String> meterIds() {
        Set<String> ids = new TreeSet<>();
        for (Meter meter : meters.getMeters()) {
            ids.add(meter.getId().toString());
        }
        return ids;
    }

    @Test
    void distinctHostileNamesMakeNoNewMeters() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder().host("127.0.0.1").port(0).nativeTransport(false)
                .ioThreads(1).workerThreads(1)
                .authenticator(StaticAuthenticator.parse("alice/*=pw"))
                .metrics(MicrometerServerMetrics.factory(meters))
                // only the names vary: no limit refuses the peers for their number
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0)
                        .maxAuthFailuresPerAddress(Integer.MAX_VALUE).maxAuthFailuresPerDevice(Integer.MAX_VALUE)
                        .build())
                .build());
        server.start();
        Set<String> before = meterIds();
        assertThat(before).isNotEmpty();

        for (int i = 0; i < PEERS; i++) {
            if (i % 2 == 0) {
                RawIotmpSocket.connect(server.port(), "alice", "dev-" + i, "pw").close();
            } else {
                try (RawIotmpSocket wrong = new RawIotmpSocket(server.port())) {
                    wrong.send(IotmpMessage.connect(1, "user-" + i, "evil-" + i, "nope-" + i), Generation.GEN2);
                    wrong.readFrameHex();
                }
            }
        }
        eventually().until(() -> server.totals().disconnected() == PEERS / 2
                               && server.totals().refused() == PEERS / 2);

        assertThat(meterIds()).as("the meters after %d peers of distinct names", PEERS).isEqualTo(before);
        assertThat(meters.getMeters()).flatExtracting(m -> m.getId().getTags()).extracting(Tag::getValue)
                .noneMatch(value -> value.matches(".*(dev|user|evil)-\\d+.*"));
    }
}
