package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection's place among the unauthenticated ones: taken on admission, given back exactly once. */
class ConnectionAdmissionTest {

    private final IotmpServerConfig config = IotmpServerConfig.builder()
            .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxUnauthenticatedPerAddress(2).build())
            .build();
    private final ConnectionAdmission admission = new ConnectionAdmission(config,
            new ConnectionGuard(config, System::nanoTime), () -> ServerMetrics.NONE);
    private final EmbeddedChannel first = fromAddress("192.0.2.7", 40001);
    private final EmbeddedChannel second = fromAddress("192.0.2.7", 40002);

    @AfterEach
    void closeChannels() {
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void anAuthenticatedDeviceGivesItsPlaceBackOnceAndItsCloseDoesNotAgain() {
        ConnectionAdmission.Admission admitted = admission.admit(first, 0);
        assertThat(admitted.refusal()).isNull();
        assertThat(admission.unauthenticated()).isEqualTo(1);

        admission.codec(admitted.ticket()).authenticated();
        assertThat(admission.unauthenticated()).as("authenticated").isZero();

        first.close();
        assertThat(admission.unauthenticated()).as("closed after authenticating: not given back twice").isZero();
        // the address's count went back too: two more connections from it are admitted, the third is not
        assertThat(admission.admit(second, 1).refusal()).isNull();
        assertThat(admission.admit(fromAddress("192.0.2.7", 40003), 2).refusal()).isNull();
        assertThat(admission.admit(fromAddress("192.0.2.7", 40004), 3).refusal())
                .isEqualTo(Refusal.UNAUTHENTICATED_PER_ADDRESS);
    }

    @Test
    void aConnectionClosedBeforeLoginGivesItsPlaceBackAndALateLoginDoesNotAgain() {
        ConnectionAdmission.Admission admitted = admission.admit(first, 0);
        var codec = admission.legacyCodec(admitted.ticket());
        admission.admit(second, 1);
        assertThat(admission.unauthenticated()).isEqualTo(2);

        first.close();
        assertThat(admission.unauthenticated()).isEqualTo(1);
        codec.authenticated();
        assertThat(admission.unauthenticated()).as("released once only").isEqualTo(1);
    }

    @Test
    void everyCodecReadsWithinTheServersOneSetOfLimits() {
        var iotmp = admission.codec(null);
        var legacy = admission.legacyCodec(null);
        assertThat(iotmp.limits()).isSameAs(admission.codec(null).limits()).isSameAs(legacy.limits());
        assertThat(iotmp.limits().maxFrameSize()).isEqualTo(config.maxFrameSize());
        assertThat(iotmp.limits().budget()).isSameAs(admission.partialFrames());
        assertThat(iotmp.frameLimit()).isEqualTo(Math.min(config.limits().maxFrameSizeBeforeLogin(),
                config.maxFrameSize()));
        iotmp.authenticated();
        assertThat(iotmp.frameLimit()).as("raised for this codec only").isEqualTo(config.maxFrameSize());
        assertThat(legacy.frameLimit()).isEqualTo(Math.min(config.limits().maxFrameSizeBeforeLogin(),
                config.maxFrameSize()));
    }

    /** An embedded channel whose remote address is an IP address, so the per-address bound applies. */
    private static EmbeddedChannel fromAddress(String host, int port) {
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(host, port);
            }
        };
    }
}
