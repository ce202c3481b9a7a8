package io.cameliotmp.server;

import java.util.Set;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a TLS connection on which the client starts a new handshake: renegotiation, which TLS 1.2 and older allow
 * and the JDK's TLS accepts by default. Each full handshake costs the server a signature and a key exchange, and the
 * server's own bounds (the handshake deadline, the connection rate) count the first handshake of a connection only:
 * one connection could have the server handshake without end, before its login or after it. No device library
 * renegotiates, so the server refuses it, counted in {@code iotmp.refusals{reason=tls-renegotiation}}, before the TLS
 * engine reads a byte of the new handshake.
 * <p>
 * It stands right before {@code ssl} and follows the TLS records in what arrives, reading only their 5-byte headers
 * (content type, version, length): once the first handshake has completed with a protocol that can renegotiate, a
 * handshake record (content type 22) from the client can only start a new one. TLS 1.3 has no renegotiation (its
 * records all travel as application data once the handshake is over, a key update included), so on a TLS 1.3
 * connection the guard leaves the pipeline when the handshake completes. Until then it passes what arrives on a
 * record at a time, so that a new hello sent in the same write as the record that completes the first handshake is
 * refused too, not read by the engine in the same pass. Records that are not TLS at all are the TLS engine's to
 * refuse; the guard follows their lengths as they come and never holds a byte.
 */
final class TlsRenegotiationGuard extends ChannelInboundHandlerAdapter {

    static final String NAME = "tls-renegotiation";

    private static final Logger LOG = LoggerFactory.getLogger(TlsRenegotiationGuard.class);
    private static final int HEADER_BYTES = 5;
    private static final int HANDSHAKE = 22;
    /** {@link #follow}: a new handshake begins. */
    private static final int NEW_HANDSHAKE = -1;
    /** The protocols in which a client may start a new handshake on an established connection. */
    private static final Set<String> RENEGOTIABLE = Set.of("TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3");

    private final Future<Channel> handshake;
    private final Supplier<String> protocol;
    private final Runnable refused;
    /** The first handshake has completed, with a protocol that can renegotiate. */
    private boolean armed;
    /** The connection was closed for a new handshake: what still comes is dropped. */
    private boolean closed;
    /** Bytes of the current record's body still to come. */
    private int bodyLeft;
    /** How many bytes of the next record's header have arrived (0 to 4). */
    private int headerRead;
    /** The high byte of the length of the record whose header is arriving. */
    private int lengthHigh;

    /** Guards the connection of {@code ssl}, the TLS handler right after this one. */
    TlsRenegotiationGuard(SslHandler ssl, Runnable refused) {
        this(ssl.handshakeFuture(), () -> ssl.engine().getSession().getProtocol(), refused);
    }

    /**
     * @param handshake completes with the connection's first handshake, on its event loop
     * @param protocol  the protocol the handshake agreed on
     * @param refused   called once when a connection is closed for a new handshake
     */
    TlsRenegotiationGuard(Future<Channel> handshake, Supplier<String> protocol, Runnable refused) {
        this.handshake = handshake;
        this.protocol = protocol;
        this.refused = refused;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // completes on the connection's event loop, as channelRead runs: no other thread reads the fields
        handshake.addListener(done -> {
            if (!done.isSuccess() || ctx.isRemoved()) {
                return;
            }
            if (!renegotiable()) {
                ctx.pipeline().remove(this);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
        } else if (!handshake.isDone()) {
            passRecordByRecord(ctx, bytes);
        } else if (follow(bytes, bytes.readerIndex(), bytes.writerIndex(), false) == NEW_HANDSHAKE) {
            ReferenceCountUtil.release(msg);
            refuse(ctx);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Passes on what arrives while the first handshake is under way a record at a time: the record that completes the
     * handshake may have the client's new hello right behind it in the same read (a client's Finished is the last
     * message of an abbreviated TLS 1.2 handshake), which the TLS engine would read in the same pass, before the
     * guard could know that the handshake was over. What comes after the record that completed it is read as on an
     * established connection.
     */
    private void passRecordByRecord(ChannelHandlerContext ctx, ByteBuf bytes) {
        int at = bytes.readerIndex();
        int end = bytes.writerIndex();
        try {
            while (at < end) {
                if (!ctx.channel().isOpen()) {
                    return; // the engine refused what it read: the rest would only fail it again
                }
                if (handshake.isDone()) {
                    if (follow(bytes, at, end, false) == NEW_HANDSHAKE) {
                        refuse(ctx);
                    } else {
                        ctx.fireChannelRead(bytes.retainedSlice(at, end - at));
                    }
                    return;
                }
                int next = follow(bytes, at, end, true);
                ctx.fireChannelRead(bytes.retainedSlice(at, next - at));
                at = next;
            }
        } finally {
            bytes.release();
        }
    }

    private void refuse(ChannelHandlerContext ctx) {
        closed = true;
        LOG.debug("{}: the client started a new TLS handshake (renegotiation); closed",
                DeviceAddress.of(ctx.channel()));
        refused.run();
        ctx.close();
    }

    /**
     * Follows the records' headers through {@code bytes} from {@code at} to {@code end}: where it stopped, at
     * {@code end} or, with {@code toRecordEnd}, right after the first record that ends; {@link #NEW_HANDSHAKE} if a
     * handshake record begins on a connection whose first handshake completed with a protocol that can renegotiate.
     */
    private int follow(ByteBuf bytes, int at, int end, boolean toRecordEnd) {
        boolean renegotiable = renegotiable();
        while (at < end) {
            if (bodyLeft > 0) {
                int skipped = Math.min(bodyLeft, end - at);
                bodyLeft -= skipped;
                at += skipped;
                if (bodyLeft == 0 && toRecordEnd) {
                    return at;
                }
                continue;
            }
            int value = bytes.getUnsignedByte(at++);
            switch (headerRead) {
                case 0 -> {
                    if (renegotiable && value == HANDSHAKE) {
                        return NEW_HANDSHAKE;
                    }
                }
                case 3 -> lengthHigh = value;
                case 4 -> bodyLeft = lengthHigh << 8 | value;
                default -> {
                    // the record's protocol version: the TLS engine checks it
                }
            }
            headerRead = (headerRead + 1) % HEADER_BYTES;
            if (headerRead == 0 && bodyLeft == 0 && toRecordEnd) {
                return at; // a record with no body
            }
        }
        return at;
    }

    /**
     * Whether the first handshake completed with a protocol that can renegotiate; read from the handshake itself, as
     * the record that completed it may have been passed on a moment ago, whether its listener has run or not.
     */
    private boolean renegotiable() {
        if (!armed && handshake.isSuccess() && RENEGOTIABLE.contains(protocol.get())) {
            armed = true;
        }
        return armed;
    }
}
