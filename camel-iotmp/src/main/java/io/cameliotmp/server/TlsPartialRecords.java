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
 * arrives, reading their headers only. A record whose header shows that it will not be complete in this read
 * reserves its whole length (header included) until its last byte has passed, or the connection ends; a record that
 * cannot get its reservation closes the connection, counted in {@code iotmp.refusals{reason=partial-frame-budget}}
 * (by the budget), as does a header announcing a record longer than TLS allows ({@value #MAX_RECORD_LENGTH} bytes of
 * body, RFC 5246; TLS 1.3 allows fewer), which the engine would otherwise wait for up to 64 KiB of. The handler never
 * holds a byte itself: what it reads is passed on as it came.
 * <p>
 * The records are cut where {@code SslHandler} cuts them ({@link #recordLength}), not only as TLS would: the handler
 * also takes an SSLv2 header (2 or 3 bytes, up to 32 KiB) and a DTLS header (13 bytes, up to 64 KiB) for a record,
 * and waits for all of it before its engine refuses it. Read as TLS headers, such bytes had the handler stop
 * following the connection or count a few bytes, while the engine held up to 64 KiB per connection outside the
 * budget. Bytes that {@code SslHandler} does not take for a record at all the engine refuses at once (as a failed
 * handshake), and the handler stops following the connection.
 * <p>
 * One instance per connection; everything runs on the channel's event loop.
 */
final class TlsPartialRecords extends ChannelInboundHandlerAdapter {

    static final String NAME = "tls-records";

    /** The longest record body TLS allows: 2^14 bytes of plaintext and 2048 of expansion (RFC 5246, 6.2.3). */
    static final int MAX_RECORD_LENGTH = (1 << 14) + 2048;

    private static final Logger LOG = LoggerFactory.getLogger(TlsPartialRecords.class);
    /** The bytes of a TLS record's header. */
    private static final int HEADER_BYTES = 5;
    /** The bytes of a DTLS record's header, the longest {@code SslHandler} reads to cut a record. */
    private static final int LONGEST_HEADER = 13;
    /** {@link #recordLength}: more header bytes are needed. */
    static final int NEED_MORE = -1;
    /** {@link #recordLength}: the bytes are no record that {@code SslHandler} waits for; its engine refuses them. */
    static final int NOT_TLS = -2;
    /** change_cipher_spec, alert, handshake, application_data, heartbeat. */
    private static final int FIRST_CONTENT_TYPE = 20;
    private static final int LAST_CONTENT_TYPE = 24;
    /** The versions that {@code SslHandler} reads a DTLS header for: DTLS 1.0, 1.2 and 1.3. */
    private static final int DTLS_1_0 = 0xFEFF;
    private static final int DTLS_1_2 = 0xFEFD;
    private static final int DTLS_1_3 = 0xFEFC;
    /** A version {@code SslHandler} takes as TLS besides major version 3 (China's TLCP). */
    private static final int TLCP = 0x0101;

    private final PartialFrameBudget budget;
    private final Runnable oversized;
    /** The connection was closed for a record: what still comes is dropped. */
    private boolean closed;
    /** The bytes are not TLS records: the engine refuses them, they are passed on without being followed. */
    private boolean notTls;
    /** Bytes of the current record's body still to come. */
    private int bodyLeft;
    /** The next record's header as far as it has arrived. */
    private final byte[] header = new byte[LONGEST_HEADER];
    /** How many bytes of {@link #header} have arrived. */
    private int headerRead;
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
        while (at < end && !notTls) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, end - at);
                bodyLeft -= skipped;
                at += skipped;
                if (bodyLeft == 0) {
                    release();
                }
                continue;
            }
            header[headerRead++] = bytes.getByte(at++);
            if (!framed(ctx, end - at)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Cuts the record whose header stands in {@link #header} if enough of it is there, {@code available} bytes of
     * this read following; false if the connection must close.
     */
    private boolean framed(ChannelHandlerContext ctx, int available) {
        while (true) {
            int length = recordLength(header, headerRead);
            if (length == NEED_MORE) {
                return true;
            }
            if (length == NOT_TLS) {
                notTls = true;
                return true;
            }
            int read = headerRead;
            headerRead = 0;
            if (length >= read) {
                return started(ctx, length, length - read, available);
            }
            // an SSLv2 header announcing a record shorter than the 5 bytes read to cut it: the rest starts the next
            System.arraycopy(header, length, header, 0, read - length);
            headerRead = read - length;
        }
    }

    /**
     * A record of {@code length} bytes in all starts, {@code bodyLeft} of them still to come, with {@code available}
     * bytes in this read.
     */
    private boolean started(ChannelHandlerContext ctx, int length, int bodyLeft, int available) {
        if (length > HEADER_BYTES + MAX_RECORD_LENGTH) {
            LOG.debug("{}: a TLS record of {} bytes announced, TLS allows {}; closed", DeviceAddress.of(ctx.channel()),
                    length, HEADER_BYTES + MAX_RECORD_LENGTH);
            oversized.run();
            return false;
        }
        this.bodyLeft = bodyLeft;
        if (bodyLeft > available) {
            if (!budget.tryReserve(length)) {
                LOG.debug("{}: no room for a partial TLS record of {} bytes: the server holds {} bytes of partial"
                          + " frames at most; closed", DeviceAddress.of(ctx.channel()), length, budget.limit());
                return false;
            }
            reserved = length;
        }
        return true;
    }

    /**
     * The length, header included, of the record whose first {@code read} bytes are in {@code header}, as Netty's
     * {@code SslHandler} reads it (its {@code SslUtils.getEncryptedPacketLength}, SSLv2 headers probed): a TLS header
     * (content type 20 to 24, major version 3) whose length is not 0; a DTLS header (content type 20 to 24, a DTLS
     * version, 13 bytes); else an SSLv2 header (2 bytes if the first has its high bit set, else 3) when the byte
     * after it is a major version 2 or 3. {@link #NEED_MORE} while the header is incomplete, {@link #NOT_TLS} when
     * {@code SslHandler} takes the bytes for no record.
     */
    static int recordLength(byte[] header, int read) {
        if (read < HEADER_BYTES) {
            return NEED_MORE;
        }
        int first = header[0] & 0xFF;
        if (first >= FIRST_CONTENT_TYPE && first <= LAST_CONTENT_TYPE) {
            int version = unsignedShort(header, 1);
            if (version >> 8 == 3 || version == TLCP) {
                int length = HEADER_BYTES + unsignedShort(header, 3);
                if (length > HEADER_BYTES) {
                    return length;
                }
            } else if (version == DTLS_1_0 || version == DTLS_1_2 || version == DTLS_1_3) {
                return read < LONGEST_HEADER ? NEED_MORE : LONGEST_HEADER + unsignedShort(header, LONGEST_HEADER - 2);
            }
        }
        int sslv2Header = (first & 0x80) != 0 ? 2 : 3;
        int major = header[sslv2Header + 1] & 0xFF;
        if (major != 2 && major != 3) {
            return NOT_TLS;
        }
        // the length's bits: 15 of a 2-byte header, 14 of a 3-byte one (whose third byte is padding)
        int bits = sslv2Header == 2 ? 0x7FFF : 0x3FFF;
        int length = (unsignedShort(header, 0) & bits) + sslv2Header;
        return length > sslv2Header ? length : NOT_TLS;
    }

    private static int unsignedShort(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }

    private void release() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }
}
