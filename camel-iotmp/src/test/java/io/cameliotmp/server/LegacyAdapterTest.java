package io.cameliotmp.server;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.cameliotmp.protocol.legacy.LegacyFrames;
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

    private LegacyAdapter adapter = adapter(LegacyTestIds.startingAt(1));
    private EmbeddedChannel channel = new EmbeddedChannel(adapter);

    private static LegacyAdapter adapter(LegacyStreamIds memory) {
        return new LegacyAdapter(new LegacyFrameCodec(1024, 8), memory, MAX_PENDING_REQUESTS, ServerMetrics.NONE);
    }

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

    /** A device's ids go round the 16 bits a board keeps: after 65535 comes 1, never 0 nor 65536. */
    @Test
    void idsWrapWithinTheBoardsSixteenBits() {
        channel.finishAndReleaseAll();
        adapter = adapter(LegacyTestIds.startingAt(LegacyFrames.MAX_STREAM_ID));
        channel = new EmbeddedChannel(adapter);
        authenticated();
        assertThat(sent(IotmpMessage.run(1, "led", null, true)).streamId()).isEqualTo(LegacyFrames.MAX_STREAM_ID);
        assertThat(sent(IotmpMessage.run(2, "led", null, false)).streamId()).isEqualTo(1);
        assertThat(sent(IotmpMessage.run(3, "led", null, false)).streamId()).isEqualTo(2);
    }

    /**
     * Samples and events of ids the server never issued (a board's streams of an earlier connection, to this server or
     * another) and of ids that are no stream (a run's) reach no stream.
     */
    @Test
    void streamDataOfAnIdNeverIssuedOrOfNoStreamIsDropped() {
        authenticated();
        LegacyMessage open = sent(IotmpMessage.startStream(1, "temperature", Map.of("i", 5000L)));
        channel.writeInbound(LegacyMessage.ok(open.streamId(), null));
        assertThat(((IotmpMessage) channel.readInbound()).type()).isEqualTo(MessageType.OK);
        LegacyMessage run = sent(IotmpMessage.run(2, "led", null, true));
        for (int stale : new int[] { 0, 4711, LegacyFrames.MAX_STREAM_ID, run.streamId() }) {
            channel.writeInbound(LegacyMessage.of(SignalFlag.STREAM_SAMPLE, stale, null, Map.of("out", 1L)));
            channel.writeInbound(LegacyMessage.of(SignalFlag.STREAM_EVENT, stale, null, Map.of("in", true)));
        }
        assertThat((Object) channel.readInbound()).as("nothing reaches the session").isNull();
        channel.writeInbound(LegacyMessage.of(SignalFlag.STREAM_SAMPLE, open.streamId(), null, Map.of("out", 2L)));
        IotmpMessage sample = channel.readInbound();
        assertThat(sample.streamId()).isEqualTo(1);
        assertThat(sample.payload()).isEqualTo(2L);
    }

    /**
     * Two connections of one device at once: the one being replaced, or two boards sharing credentials. Each
     * connection kept its own sequence of ids, begun where the server's memory stood when it was authenticated, and
     * wrote it back: both handed out the same ids, and the older one, allocating after the newer, moved the memory back
     * onto the newer one's ids, which the board's next connection then handed out again to its new streams. All the
     * connections of a device now draw from one sequence.
     */
    @Test
    void connectionsOfOneDeviceAtOnceNeverHandOutTheSameIdsNorMoveTheMemoryBack() {
        LegacyStreamIds memory = LegacyTestIds.startingAt(1);
        EmbeddedChannel older = connection(memory);
        EmbeddedChannel newer = connection(memory);
        EmbeddedChannel next = null;
        try {
            Set<Integer> newerIds = new HashSet<>();
            for (int serverId = 1; serverId <= 3; serverId++) {
                newerIds.add(sent(newer, IotmpMessage.run(serverId, "led", null, true)).streamId());
            }
            int olderId = sent(older, IotmpMessage.run(1, "led", null, true)).streamId();
            assertThat(olderId).as("the older connection's id").isNotIn(newerIds);
            next = connection(memory);
            int nextId = sent(next, IotmpMessage.run(1, "led", null, true)).streamId();
            assertThat(nextId).as("the board's next connection").isNotIn(newerIds).isNotEqualTo(olderId);
        } finally {
            older.finishAndReleaseAll();
            newer.finishAndReleaseAll();
            if (next != null) {
                next.finishAndReleaseAll();
            }
        }
    }

    /** A connection of alice/esp32 whose AUTH the session has accepted, its ids from {@code memory}. */
    private static EmbeddedChannel connection(LegacyStreamIds memory) {
        EmbeddedChannel connection = new EmbeddedChannel(adapter(memory));
        connection.writeInbound(LegacyMessage.auth("alice", "esp32", "s3cr3t"));
        assertThat(((IotmpMessage) connection.readInbound()).type()).isEqualTo(MessageType.CONNECT);
        connection.writeOutbound(IotmpMessage.ok(LegacyAdapter.CONNECT_ID));
        assertThat(((LegacyMessage) connection.readOutbound()).flag()).isEqualTo(SignalFlag.REQUEST_OK);
        return connection;
    }

    private static LegacyMessage sent(EmbeddedChannel connection, IotmpMessage request) {
        connection.writeOutbound(request);
        return connection.readOutbound();
    }
}
