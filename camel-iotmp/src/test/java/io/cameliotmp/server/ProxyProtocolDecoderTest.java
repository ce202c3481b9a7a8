package io.cameliotmp.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY header's decoder refuses a connection at the first byte no header starts with, however the bytes are
 * split across reads, and takes a header that arrives a few bytes at a time.
 */
class ProxyProtocolDecoderTest {

    /** What the decoder passes on: headers and the failures it reports. */
    private final List<Object> passedOn = new ArrayList<>();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new ProxyProtocolHandler.Decoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passedOn.add(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                passedOn.add(cause);
            }
        });
    }

    private static void writeInPieces(EmbeddedChannel channel, byte[] bytes, int piece) {
        for (int i = 0; i < bytes.length; i += piece) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(piece, bytes.length - i)));
        }
    }

    @Test
    void aHeaderInPiecesIsTaken() throws Exception {
        EmbeddedChannel v1 = channel();
        writeInPieces(v1, ProxyHeaders.v1("203.0.113.7", 40_001), 2);
        EmbeddedChannel v2 = channel();
        writeInPieces(v2, ProxyHeaders.v2("198.51.100.9", 50_000, 16), 3);
        assertThat(passedOn).hasSize(2).allMatch(HAProxyMessage.class::isInstance);
        passedOn.forEach(m -> ((HAProxyMessage) m).release());
        assertThat(v1.finishAndReleaseAll()).isFalse();
        assertThat(v2.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theFirstByteNoHeaderStartsWithIsRefusedAndWhatFollowsDropped() {
        EmbeddedChannel almostV1 = channel();
        writeInPieces(almostV1, "PROXZ TCP4".getBytes(StandardCharsets.US_ASCII), 4);
        assertThat(passedOn).singleElement().isInstanceOf(HAProxyProtocolException.class);
        almostV1.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        assertThat(passedOn).as("nothing after the refusal").hasSize(1);
        assertThat(almostV1.finishAndReleaseAll()).isFalse();

        passedOn.clear();
        EmbeddedChannel almostV2 = channel();
        byte[] v2 = ProxyHeaders.v2Local();
        v2[11] = 0x0B; // the signature's last byte
        writeInPieces(almostV2, v2, 5);
        assertThat(passedOn).singleElement().isInstanceOf(HAProxyProtocolException.class);
        assertThat(almostV2.finishAndReleaseAll()).isFalse();

        passedOn.clear();
        EmbeddedChannel keepAlive = channel();
        keepAlive.writeInbound(Unpooled.wrappedBuffer(new byte[] {5, 0})); // two bytes, an IOTMP keep-alive
        assertThat(passedOn).as("refused at once, not awaiting a v1 line's end")
                .singleElement().isInstanceOf(HAProxyProtocolException.class);
        assertThat(keepAlive.finishAndReleaseAll()).isFalse();
    }

    /**
     * A v2 header that announces more than the decoder takes is refused once its 16 fixed bytes are in, rather than
     * held until the connect timeout while the decoder waits for that many bytes.
     */
    @Test
    void aV2HeaderAnnouncingMoreThanAllowedIsRefusedAtItsLength() throws Exception {
        EmbeddedChannel huge = channel();
        byte[] fixed = ProxyHeaders.v2Local();
        fixed[12] = 0x21; // PROXY, not LOCAL
        fixed[13] = 0x11; // TCP over IPv4
        fixed[14] = (byte) 0xFF;
        fixed[15] = (byte) 0xFF;
        writeInPieces(huge, fixed, 1);
        assertThat(passedOn).singleElement().isInstanceOf(HAProxyProtocolException.class);
        huge.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
        assertThat(passedOn).as("nothing after the refusal").hasSize(1);
        assertThat(huge.finishAndReleaseAll()).isFalse();

        passedOn.clear();
        EmbeddedChannel largest = channel();
        int tlvBytes = ProxyProtocolHandler.MAX_V2_HEADER_BYTES - 16 - 12;
        writeInPieces(largest, ProxyHeaders.v2("198.51.100.9", 50_000, tlvBytes), 7);
        assertThat(passedOn).as("the longest header allowed is taken").singleElement()
                .isInstanceOf(HAProxyMessage.class);
        ((HAProxyMessage) passedOn.get(0)).release();
        assertThat(largest.finishAndReleaseAll()).isFalse();
    }
}
