package io.cameliotmp.server;

import java.util.List;
import java.util.Map;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.cameliotmp.protocol.legacy.SignalFlag;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legacy adapter alone, between an embedded channel's two ends: what it keeps per connection while a device
 * leaves the server's requests unanswered.
 */
class LegacyAdapterTest {

    private static final int MAX_PENDING_REQUESTS = 4;

    private final LegacyAdapter adapter = new LegacyAdapter(new LegacyFrameCodec(1024, 8),
            new LegacyStreamIds(ServerLimits.DEFAULT_MAX_LEGACY_DEVICES_TRACKED),
            MAX_PENDING_REQUESTS, ServerMetrics.NONE);
    private final EmbeddedChannel channel = new EmbeddedChannel(adapter);

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** Sends the AUTH and answers it, as the session does for an accepted device. */
    private void authenticated() {
        channel.writeInbound(LegacyMessage.auth("alice", "esp32", "s3cr3t"));
        IotmpMessage connect = channel.readInbound();
        assertThat(connect.type()).isEqualTo(MessageType.CONNECT);
        channel.writeOutbound(IotmpMessage.ok(LegacyAdapter.CONNECT_ID));
        LegacyMessage ok = channel.readOutbound();
        assertThat(ok.flag()).isEqualTo(SignalFlag.REQUEST_OK);
    }

    private LegacyMessage sent(IotmpMessage request) {
        channel.writeOutbound(request);
        return channel.readOutbound();
    }

    @Test
    void streamsWhoseStopTheDeviceNeverAnswersDoNotPileUp() {
        authenticated();
        for (int serverId = 1; serverId <= 50; serverId++) {
            LegacyMessage start = sent(IotmpMessage.startStream(serverId, "temperature", Map.of("i", 5000L)));
            assertThat(start.flag()).isEqualTo(SignalFlag.START_STREAM);
            channel.writeInbound(LegacyMessage.ok(start.streamId(), null));
            IotmpMessage started = channel.readInbound();
            assertThat(started.type()).isEqualTo(MessageType.OK);
            // the server stops the stream; the device never answers
            LegacyMessage stop = sent(IotmpMessage.stopStream(serverId));
            assertThat(stop.flag()).isEqualTo(SignalFlag.STOP_STREAM);
            assertThat(stop.path()).isEqualTo(List.of("temperature"));
        }
        assertThat(adapter.serverEntries()).isLessThanOrEqualTo(2 * MAX_PENDING_REQUESTS);
    }

    @Test
    void startsTheDeviceNeverAnswersDoNotPileUpButOpenStreamsStay() {
        authenticated();
        LegacyMessage open = sent(IotmpMessage.startStream(1, "temperature", Map.of("i", 5000L)));
        channel.writeInbound(LegacyMessage.ok(open.streamId(), null));
        assertThat(((IotmpMessage) channel.readInbound()).type()).isEqualTo(MessageType.OK);
        for (int serverId = 2; serverId <= 50; serverId++) {
            // each of its own resource: another stream of a resource that has one fails at once, it is never sent
            sent(IotmpMessage.startStream(serverId, "led" + serverId, null));
        }
        assertThat(adapter.serverEntries()).isLessThanOrEqualTo(2 * MAX_PENDING_REQUESTS);
        // the confirmed stream is still delivered
        channel.writeInbound(LegacyMessage.of(SignalFlag.STREAM_SAMPLE, open.streamId(), null, 21.5f));
        IotmpMessage sample = channel.readInbound();
        assertThat(sample.type()).isEqualTo(MessageType.STREAM_DATA);
        assertThat(sample.streamId()).isEqualTo(1);
        assertThat(sample.payload()).isEqualTo(21.5f);
    }
}
