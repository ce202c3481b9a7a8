package io.cameliotmp.server;

import io.cameliotmp.protocol.PartialFrameBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the TLS engine holds of a TLS record that has started to arrive against the server-wide
 * {@link PartialFrameBudget} ({@code maxPartialFrameBytes}), as the IOTMP codec counts a partial frame. Netty's
 * {@code SslHandler} keeps a record's bytes until the whole record is there, before anything after it sees a byte: a
 * peer that sends a record's header and most of its body and then stalls made the server hold up to a record (16 KiB
 * and its overhead) per connection outside every byte bound, for as long as the handshake or CONNECT deadline let
 * it, and as many times as connections were admitted.
 * <p>
 * It stands first among the TLS handlers (before {@link TlsRenegotiationGuard} and {@code ssl}, on every listener
 * with TLS: the server's port, over TCP or WebSocket, and the legacy TLS port) and follows the records in what
 * arrives, reading their 5-byte headers only. A record whose header shows that it will not be complete in this read
 * reserves its whole length (header included) until its last byte has passed, or the connection ends; a record that
 * cannot get its reservation closes the connection, counted in {@code iotmp.refusals{reason=partial-frame-budget}}
 * (by the budget), as does a header announcing a record longer than TLS allows ({@value #MAX_RECORD_LENGTH} bytes of
 * body, RFC 5246; TLS 1.3 allows fewer), which the engine would otherwise wait for up to 64 KiB of. The handler never
 * holds a byte itself: what it reads is passed on as it came.
 * <p>
 * Bytes whose first byte is no TLS content type are not TLS records: the engine refuses them (as a failed
 * handshake), and the handler stops following the connection.
 * <p>
 * One instance per connection; everything runs on the channel's event loop.
 */
final class TlsPartialRecords extends ChannelInboundHandlerAdapter {

    static final String NAME = "tls-records";

    /** The longest record body TLS allows: 2^14 bytes of plaintext and 2048 of expansion (RFC 5246, 6.2.3). */
    static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

    private static final Logger LOG = LoggerFactory.getLogger(TlsPartialRecords.class);
    private static final int HEADER_BYTES = 5;
    /** change_cipher_spec, alert, handshake, application_data, heartbeat. */
    private static final int FIRST_CONTENT_TYPE = 20;
    private static final int LAST_CONTENT_TYPE = 24;

    private final PartialFrameBudget budget;
    private final Runnable oversized;
    /** The connection was closed for a record: what still comes is dropped. */
    private boolean closed;
    /** The bytes are not TLS records: the engine refuses them, they are passed on without being followed. */
    private boolean notTls;
    /** Bytes of the current record's body still to come. */
    private int bodyLeft;
    /** How many bytes of the next record's header have arrived (0 to 4). */
    private int headerRead;
    /** The high byte of the length of the record whose header is arriving. */
    private int lengthHigh;
    /** Bytes of {@link #budget} held for the record under way. */
    private int reserved;

    /**
     * @param budget    the server's partial frame budget, which counts its own refusals
     * @param oversized called once when a connection is closed for a record longer than TLS allows
     */
    TlsPartialRecords(PartialFrameBudget budget, Runnable oversized) {
        this.budget = budget;
        this.oversized = oversized;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes && !notTls && !follow(ctx, bytes)) {
            closed = true;
            release();
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    /** Follows the records' headers through {@code bytes}, reserving as needed; false if the connection must close. */
    private boolean follow(ChannelHandlerContext ctx, ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (at < end) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, end - at);
                bodyLeft -= skipped;
                at += skipped;
                if (bodyLeft == 0) {
                    release();
                }
                continue;
            }
            int value = bytes.getUnsignedByte(at++);
            switch (headerRead) {
                case 0 -> {
                    if (value < FIRST_CONTENT_TYPE || value > LAST_CONTENT_TYPE) {
                        notTls = true;
                        return true;
                    }
                }
                case 3 -> lengthHigh = value;
                case 4 -> {
                    int length = lengthHigh << 8 | value;
                    if (!started(ctx, length, end - at)) {
                        return false;
                    }
                }
                default -> {
                    // the record's protocol version: the TLS engine checks it
                }
            }
            headerRead = (headerRead + 1) % HEADER_BYTES;
        }
        return true;
    }

    /** A record of {@code length} bytes of body starts with {@code available} of them in this read. */
    private boolean started(ChannelHandlerContext ctx, int length, int available) {
        if (length > MAX_RECORD_LENGTH) {
            LOG.debug("{}: a TLS record of {} bytes announced, TLS allows {}; closed", DeviceAddress.of(ctx.channel()),
                    length, MAX_RECORD_LENGTH);
            oversized.run();
            return false;
        }
        bodyLeft = length;
        if (length > available) {
            if (!budget.tryReserve(HEADER_BYTES + length)) {
                LOG.debug("{}: no room for a partial TLS record of {} bytes: the server holds {} bytes of partial"
                          + " frames at most; closed", DeviceAddress.of(ctx.channel()), HEADER_BYTES + length,
                        budget.limit());
                return false;
            }
            reserved = HEADER_BYTES + length;
        }
        return true;
    }

    private void release() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }
}
