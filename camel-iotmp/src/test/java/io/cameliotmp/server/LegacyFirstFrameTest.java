package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.protocol.legacy.LegacyFrames;
import io.cameliotmp.protocol.legacy.LegacyMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first bytes of a connection on a port that takes legacy devices, sent as slowly as a peer likes, on the real
 * device pipeline with virtual time: the protocol detector decides on the first byte whatever follows, an AUTH that
 * arrives one byte per read is answered, and a peer that sends nothing, only the first byte, or an AUTH it never
 * finishes is closed at the CONNECT deadline (or the frame read timeout, whichever comes first) without a byte
 * written to it. An AUTH with hostile credentials (too long, not UTF-8, beyond the frame limit before login) is
 * refused or closed likewise, and the device never registered.
 */
class LegacyFirstFrameTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FRAME_READ_TIMEOUT = Duration.ofSeconds(30);

    private static HashedWheelTimer timer;

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
    private EmbeddedChannel channel;
    private IotmpServer server;

    @BeforeAll
    static void startTimer() {
        timer = new HashedWheelTimer(new DefaultThreadFactory("legacy-first-frame-timer", true), 10,
                TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stopTimer() {
        timer.stop();
    }

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        assertThat(allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory())
                .as("bytes of buffers never released").isZero();
    }

    private void connect() {
        server = EmbeddedDevicePipeline.unstartedServer(IotmpServerConfig.builder().host("127.0.0.1").port(0)
                .ioThreads(1).workerThreads(0).nativeTransport(false).connectTimeout(CONNECT_TIMEOUT)
                .limits(ServerLimits.builder().frameReadTimeout(FRAME_READ_TIMEOUT).build())
                .authenticator(StaticAuthenticator.parse("alice/esp32=s3cr3t"))
                .legacy(new LegacyListeners(true, LegacyListeners.NONE, LegacyListeners.NONE)).build(), timer);
        channel = EmbeddedDevicePipeline.connect(server, allocator);
    }

    private static byte[] auth() {
        return auth("alice", "esp32", "s3cr3t");
    }

    private static byte[] auth(String user, String device, String credential) {
        ByteBuf buf = Unpooled.buffer();
        try {
            LegacyFrames.encode(LegacyMessage.auth(user, device, credential), buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private void feed(byte[] bytes, int from, int to) {
        ByteBuf read = allocator.heapBuffer(to - from);
        read.writeBytes(bytes, from, to - from);
        channel.writeInbound(read);
        channel.runPendingTasks();
        channel.checkException();
    }

    private String written() {
        StringBuilder hex = new StringBuilder();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) out;
            hex.append(ByteBufUtil.hexDump(buf));
            buf.release();
        }
        return hex.toString();
    }

    /** Just short of the deadline the connection is open, at it closed, nothing written. */
    private void closedAtTheDeadline(Duration deadline) {
        channel.advanceTimeBy(deadline.toMillis() - 1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("open before the deadline").isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        channel.runPendingTasks();
        channel.checkException();
        assertThat(channel.isOpen()).as("closed at the deadline").isFalse();
        assertThat(written()).as("nothing sent to a peer that did not authenticate").isEmpty();
    }

    @Test
    void anAuthSentOneByteAtATimeIsAnswered() {
        connect();
        byte[] auth = auth();
        for (int i = 0; i < auth.length; i++) {
            feed(auth, i, i + 1);
            if (i == 0) {
                assertThat(channel.pipeline().get(LegacyAdapter.class)).as("legacy after the first byte").isNotNull();
            }
        }
        assertThat(written()).isEqualTo("01021001");
        assertThat(server.registry().registration(new DeviceId("alice", "esp32"))).isPresent();
    }

    @Test
    void aPeerThatSendsNothingIsClosedAtTheConnectDeadline() {
        connect();
        closedAtTheDeadline(CONNECT_TIMEOUT);
    }

    @Test
    void aPeerThatSendsOnlyTheLegacyFirstByteIsClosedAtTheConnectDeadline() {
        connect();
        feed(new byte[] {0x01}, 0, 1);
        assertThat(channel.pipeline().get(LegacyAdapter.class)).isNotNull();
        closedAtTheDeadline(CONNECT_TIMEOUT);
    }

    @Test
    void anAuthNeverFinishedIsClosedAtTheConnectDeadline() {
        connect();
        byte[] auth = auth();
        feed(auth, 0, auth.length - 1);
        closedAtTheDeadline(CONNECT_TIMEOUT);
    }

    /** A user name beyond {@code maxIdentifierLength}, in a frame within the limit: the bare refusal, then closed. */
    @Test
    void anAuthWithAnOverlongUserNameIsRefusedAndClosed() {
        connect();
        byte[] auth = auth("a".repeat(2000), "esp32", "s3cr3t");
        feed(auth, 0, auth.length);
        channel.runPendingTasks();
        assertThat(written()).isEqualTo("01021002");
        assertThat(channel.isOpen()).isFalse();
        assertThat(server.registry().size()).isZero();
    }

    /** A user name that is not UTF-8 is a body that does not decode: closed before authentication, nothing sent. */
    @Test
    void anAuthWhoseUserNameIsNotUtf8IsClosedWithoutAnAnswer() {
        connect();
        // 01 18, flag AUTH, RESOURCE = [ FF FE, "esp32", "s3cr3t" ]
        byte[] auth = {0x01, 0x18, 0x10, 0x05, 0x26, 0x72, 0x13, 0x4A, 0x02, (byte) 0xFF, (byte) 0xFE,
                0x4A, 0x05, 'e', 's', 'p', '3', '2', 0x4A, 0x06, 's', '3', 'c', 'r', '3', 't'};
        feed(auth, 0, auth.length);
        assertThat(channel.isOpen()).isFalse();
        assertThat(written()).isEmpty();
        assertThat(server.registry().size()).isZero();
    }

    /** An AUTH beyond {@code maxFrameSizeBeforeLogin} is closed at its header, before its body is awaited. */
    @Test
    void anAuthBeyondTheFrameLimitBeforeLoginIsClosedAtItsHeader() {
        connect();
        byte[] auth = auth("alice", "esp32", "c".repeat(ServerLimits.DEFAULT_MAX_FRAME_SIZE_BEFORE_LOGIN));
        feed(auth, 0, 8);
        assertThat(channel.isOpen()).isFalse();
        assertThat(written()).isEmpty();
    }
}
