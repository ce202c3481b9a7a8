package io.cameliotmp.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * With {@code proxyProtocol}: reads the PROXY protocol header (v1 or v2) a load balancer sends first on every
 * connection, records its source address as the {@link DeviceAddress} and only then admits the connection by that
 * address ({@link ConnectionAdmission#admitAddress}); the server-wide part of admission ran at accept. Nothing of
 * the header is kept beyond the address: its TLVs are released unread. A connection without a valid header is
 * closed and counted ({@link Refusal#PROXY_HEADER}), at the first byte that no header starts with (see
 * {@link Decoder}); one whose header never comes is closed by the {@code connectTimeout} that runs from accept.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    static final String DECODER = "proxy-protocol";
    static final String NAME = "proxy-address";
    /**
     * The most bytes of TLVs a v2 header may carry (the decoder adds the 216 bytes a UNIX socket address would take,
     * so a header is at most 2,280 bytes): enough for what balancers add (ALPN, authority, unique id, TLS details,
     * cloud endpoint ids), while a longer header is refused rather than held (Netty's default would hold up to
     * 64 KiB before the connection is admitted). A v1 header is at most 108 bytes by the decoder.
     */
    static final int MAX_TLV_BYTES = 2048;
    /** The longest v2 header taken: its 16 fixed bytes, the 216 of a UNIX address and the TLVs (as Netty's). */
    static final int MAX_V2_HEADER_BYTES = 16 + 216 + MAX_TLV_BYTES;

    private final ConnectionAdmission admission;
    private final ConnectionAdmission.Ticket ticket;
    private final Supplier<ServerMetrics> metrics;
    /** The header was refused: what follows it is dropped until the close completes. */
    private boolean refused;

    private ProxyProtocolHandler(ConnectionAdmission admission, ConnectionAdmission.Ticket ticket,
                                 Supplier<ServerMetrics> metrics) {
        this.admission = admission;
        this.ticket = ticket;
        this.metrics = metrics;
    }

    /** Puts the decoder and this handler first in the pipeline of {@code channel}. */
    static void addFirst(Channel channel, ConnectionAdmission admission, ConnectionAdmission.Ticket ticket,
                         Supplier<ServerMetrics> metrics) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addFirst(NAME, new ProxyProtocolHandler(admission, ticket, metrics));
        pipeline.addFirst(DECODER, new Decoder());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg); // cannot come first: the decoder passes nothing on before its header
            return;
        }
        InetSocketAddress device;
        try {
            device = sourceOf(header);
        } finally {
            header.release();
        }
        Channel channel = ctx.channel();
        if (device != null) {
            channel.attr(DeviceAddress.KEY).set(device);
        }
        Refusal refusal = admission.admitAddress(ticket, DeviceAddress.of(channel));
        if (refusal != null) {
            refuse(ctx, refusal, null);
            return;
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException && !refused) {
            refuse(ctx, Refusal.PROXY_HEADER, cause.getMessage());
        } else if (!refused) {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void refuse(ChannelHandlerContext ctx, Refusal refusal, String detail) {
        refused = true;
        ConnectionAdmission.reportRefused(ctx.channel(), refusal, detail, metrics.get());
        ctx.close();
    }

    /**
     * The device's address in a header, or null for a header that names none: a {@code LOCAL} command (the
     * balancer's own health check) or an {@code UNKNOWN} or UNIX-socket source. The decoder has checked the textual
     * addresses; they are parsed here without any name lookup.
     */
    static InetSocketAddress sourceOf(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null) {
            return null;
        }
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }

    /**
     * Netty's decoder, refusing the connection at the first byte that neither header's start ({@code PROXY} or the
     * v2 signature) has. Netty's alone takes anything that does not start with the v2 signature for a v1 line and
     * waits for its end: a device that reached the port directly, past the balancer, with a first message shorter
     * than a v1 line's 108 bytes (a legacy AUTH, a short CONNECT) was held until the {@code connectTimeout} and not
     * counted as a missing header. A v2 header that announces more than {@link #MAX_V2_HEADER_BYTES} is refused as
     * soon as its length is read: Netty's waits until that many bytes have arrived, so a peer that announced 64 KiB
     * and sent no more was held until the {@code connectTimeout} rather than refused.
     */
    static final class Decoder extends HAProxyMessageDecoder {

        private static final byte[] V1_START = "PROXY".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] V2_START = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
        /** A v2 header's fixed part: signature, version and command, family, and the length of what follows. */
        private static final int V2_FIXED = 16;

        /** How many of the connection's first bytes were checked, at most a v2 header's fixed part. */
        private int checked;
        /** The announced length of a v2 header, from bytes 14 and 15. */
        private int v2Length;
        private boolean mayBeV1 = true;
        private boolean mayBeV2 = true;
        /** The first bytes are no header, or one too long: what follows is dropped until the close completes. */
        private boolean notAHeader;

        Decoder() {
            super(MAX_TLV_BYTES);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (notAHeader) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (checked < V2_FIXED && msg instanceof ByteBuf bytes) {
                String refusal = !mayStartAHeader(bytes) ? "the connection does not start with a header"
                        : mayBeV2 && checked == V2_FIXED && V2_FIXED + v2Length > MAX_V2_HEADER_BYTES
                        ? "a v2 header of " + (V2_FIXED + v2Length) + " bytes, above the " + MAX_V2_HEADER_BYTES
                          + " allowed"
                        : null;
                if (refusal != null) {
                    notAHeader = true;
                    ReferenceCountUtil.release(msg);
                    ctx.fireExceptionCaught(new HAProxyProtocolException(refusal));
                    return;
                }
            }
            super.channelRead(ctx, msg);
        }

        private boolean mayStartAHeader(ByteBuf bytes) {
            int first = bytes.readerIndex();
            int count = Math.min(bytes.readableBytes(), V2_FIXED - checked);
            for (int i = 0; i < count; i++, checked++) {
                byte b = bytes.getByte(first + i);
                if (checked < V2_START.length) {
                    mayBeV1 &= checked >= V1_START.length || b == V1_START[checked];
                    mayBeV2 &= b == V2_START[checked];
                } else if (checked >= V2_FIXED - 2) {
                    v2Length = v2Length << 8 | b & 0xFF;
                }
            }
            return mayBeV1 || mayBeV2;
        }
    }
}
