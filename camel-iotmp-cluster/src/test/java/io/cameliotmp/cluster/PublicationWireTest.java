package io.cameliotmp.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A relayed publication as it travels on the call channel, and what a member does with bytes that are not one. */
class PublicationWireTest {

    @Test
    void aDevicesRetainedPublicationArrivesAsItWasSent() throws Exception {
        UUID node = UUID.randomUUID();
        HolderRecord publisher = new HolderRecord("member-1", node.getMostSignificantBits(),
                node.getLeastSignificantBits(), "alice", "sensor", 7,
                new InetSocketAddress(InetAddress.getByAddress("gateway", new byte[] {10, 0, 0, 5}), 4321),
                1_700_000_000L, 123_456, "GEN1", 60);
        UUID writer = UUID.randomUUID();
        ClusterRelay.Published sent = new ClusterRelay.Published("alice", "status", Map.of("mode", "eco"),
                publisher, true, writer, 42);

        byte[] bytes = PublicationWire.toBytes(sent);

        assertThat(PublicationWire.isPublication(bytes)).isTrue();
        assertThat(PublicationWire.fromBytes(bytes)).isEqualTo(sent);
    }

    @Test
    void aRoutesPublicationArrivesWithoutPublisher() {
        ClusterRelay.Published sent = new ClusterRelay.Published(null, "cmd/reboot", "now", null, false, null, 0);

        assertThat(PublicationWire.fromBytes(PublicationWire.toBytes(sent))).isEqualTo(sent);
    }

    @Test
    void aRoutesPayloadArrivesAsPsonDecodesItAsASubscribedDeviceGetsIt() {
        ClusterRelay.Published sent = new ClusterRelay.Published("alice", "t", Map.of("count", 5, "ratio", 2.0),
                null, false, null, 0);

        assertThat(PublicationWire.fromBytes(PublicationWire.toBytes(sent)).payload())
                .isEqualTo(Map.of("count", 5L, "ratio", 2L));
    }

    @Test
    void bytesThatAreNotAPublicationFailAsMalformedNeverAsAnEarlierVersion() {
        byte[] bytes = PublicationWire.toBytes(new ClusterRelay.Published("alice", "t", "x", null, false, null, 0));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
        byte[] forwardedCall = ForwardedCall.encode(1L, "alice");

        assertThatThrownBy(() -> PublicationWire.fromBytes(cut)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PublicationWire.fromBytes(forwardedCall))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(PublicationWire.isPublication(forwardedCall)).isFalse();
    }

    @Test
    void answersReadAsTheyWereSent() {
        for (PublicationWire.Answer answer : PublicationWire.Answer.values()) {
            assertThat(PublicationWire.answer(PublicationWire.answer(answer))).isEqualTo(answer);
        }
        assertThat(PublicationWire.answer(ForwardedCall.encode("later"))).isEqualTo(PublicationWire.Answer.UNDELIVERED);
    }
}
