package io.cameliotmp.server;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link TlsRenegotiationGuard} follows TLS records through what arrives: headers and bodies split anywhere
 * (here one byte at a time), lengths up to the largest a header can state, and which content type closes the
 * connection once the first handshake is over. {@code TlsRenegotiationTest} runs it with real TLS.
 */
class TlsRenegotiationGuardTest {

    private final AtomicInteger refused = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Promise<Channel> handshake = channel.eventLoop().newPromise();

    private void guard(String protocol) {
        channel.pipeline().addLast(TlsRenegotiationGuard.NAME,
                new TlsRenegotiationGuard(handshake, () -> protocol, refused::incrementAndGet));
    }

    /** A record's header and a body of {@code length} bytes. */
    private static byte[] record(int type, int length) {
        byte[] record = new byte[5 + length];
        record[0] = (byte) type;
        record[1] = 3;
        record[2] = 3;
        record[3] = (byte) (length >> 8);
        record[4] = (byte) length;
        // bodies full of the handshake's content type: only a header's first byte may count
        java.util.Arrays.fill(record, 5, record.length, (byte) 22);
        return record;
    }

    private void arrive(byte[] bytes, boolean oneAtATime) {
        if (oneAtATime) {
            for (byte b : bytes) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { b }));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
    }

    private int bytesPassed() {
        int passed = 0;
        for (ByteBuf read = channel.readInbound(); read != null; read = channel.readInbound()) {
            passed += read.readableBytes();
            read.release();
        }
        return passed;
    }

    @Test
    void handshakeRecordsPassUntilTheFirstHandshakeIsOver() {
        guard("TLSv1.2");
        byte[] hello = record(22, 300);
        byte[] data = record(23, 65535);
        arrive(hello, true);
        arrive(data, true);
        arrive(record(22, 40), false);
        assertThat(bytesPassed()).isEqualTo(hello.length + data.length + 45);
        assertThat(refused.get()).isZero();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aHandshakeRecordAfterTheFirstHandshakeClosesTls12() {
        guard("TLSv1.2");
        arrive(record(22, 300), false);
        handshake.setSuccess(channel);
        byte[] data = record(23, 1000);
        // the next header split from the data's end: it is found wherever the bytes part
        arrive(data, true);
        arrive(record(21, 2), true);
        assertThat(bytesPassed()).isEqualTo(305 + data.length + 7);
        // its first byte is enough: the connection closes, and nothing more arrives
        arrive(new byte[] { 22 }, false);
        assertThat(refused.get()).isEqualTo(1);
        assertThat(channel.isOpen()).isFalse();
        assertThat(bytesPassed()).as("nothing of the new handshake passes").isZero();
    }

    @Test
    void aHandshakeRecordInTheMiddleOfABufferIsFound() {
        guard("TLSv1.2");
        handshake.setSuccess(channel);
        ByteBuf both = Unpooled.wrappedBuffer(record(23, 100), record(22, 10));
        channel.writeInbound(both);
        assertThat(refused.get()).isEqualTo(1);
        assertThat(both.refCnt()).as("released").isZero();
        assertThat(bytesPassed()).isZero();
    }

    @Test
    void tls13LeavesThePipelineWhenItsHandshakeIsOver() {
        guard("TLSv1.3");
        handshake.setSuccess(channel);
        assertThat(channel.pipeline().get(TlsRenegotiationGuard.NAME)).isNull();
        arrive(record(22, 10), false);
        assertThat(bytesPassed()).isEqualTo(15);
        assertThat(refused.get()).isZero();
    }

    @Test
    void aFailedHandshakeArmsNothing() {
        guard("TLSv1.2");
        handshake.setFailure(new javax.net.ssl.SSLHandshakeException("refused"));
        arrive(record(22, 10), false);
        assertThat(bytesPassed()).isEqualTo(15);
        assertThat(refused.get()).isZero();
    }
}
