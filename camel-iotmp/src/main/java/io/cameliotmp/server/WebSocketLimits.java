package io.cameliotmp.server;

import io.cameliotmp.protocol.PartialFrameBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * What a WebSocket peer can make the server hold before it has logged in, kept to what a TCP peer can: the upgrade
 * request is a GET of bounded line and headers and no body, and until the device is authenticated a WebSocket frame
 * may carry no more than a CONNECT needs ({@code maxFrameSizeBeforeLogin}), since Netty's frame decoder buffers a whole
 * frame before the IOTMP codec and its budgets see a byte. Once the device is in, the frame decoder is replaced by one
 * that takes frames of {@code maxFrameSize}. The whole of it (upgrade, then CONNECT) must be done within
 * {@code connectTimeout}, whose deadline runs from the moment the connection is accepted. Before login and after, a
 * frame the decoder buffers part-way counts against {@code maxPartialFrameBytes} and must be complete within
 * {@code frameReadTimeout} ({@link WebSocketFrameMeter}).
 */
final class WebSocketLimits {

    /** The request line of the upgrade: method, path (with any query) and version. */
    static final int MAX_REQUEST_LINE = 4096;
    /** All header lines of the upgrade request together. */
    static final int MAX_HEADERS = 8192;
    /** IOTMP bytes travel in frames with up to 14 bytes of header; the slack lets a whole IOTMP frame fit in one. */
    private static final int FRAME_SLACK = 16;
    /** A client's WebSocket frame header at most: two bytes, a 64-bit length and a masking key. */
    private static final int MAX_FRAME_HEADER = 14;
    /** The name Netty's handshake gives the frame decoder it adds. */
    private static final String FRAME_DECODER = "wsdecoder";

    private WebSocketLimits() {
    }

    /** Reads the upgrade request: bounded request line and headers. */
    static HttpServerCodec httpCodec() {
        return new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, MAX_HEADERS);
    }

    /**
     * The upgrade is a GET: a request with a body is answered 413 and closed (Netty's aggregator would keep a
     * kept-alive connection open and discard the body).
     */
    static HttpObjectAggregator upgradeAggregator() {
        return new HttpObjectAggregator(0, true) {
            @Override
            protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
                refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            }
        };
    }

    /**
     * Before the WebSocket handler: a request Netty could not read whole (request line or headers too long) is
     * answered 400 and closed. Netty passes it on with what it did read, and the handshake would otherwise go ahead
     * on a truncated request.
     */
    static ChannelInboundHandlerAdapter malformed() {
        return MALFORMED;
    }

    /**
     * After the WebSocket handler, which takes the upgrades on {@code webSocketPath}: any other request is answered
     * 404 and closed, instead of left open until the CONNECT deadline.
     */
    static ChannelInboundHandlerAdapter notUpgraded() {
        return NOT_UPGRADED;
    }

    /**
     * Last of the WebSocket handlers: bytes a client sent right behind its upgrade request, before the 101 (its
     * CONNECT frame, in the same write), are handed back to the {@link WebSocketFrameMeter} and so to the frame
     * decoder. Netty's handshake places the decoder before the HTTP codec and then removes the codec, which passes
     * what it holds beyond the request on from its own place, behind the decoder: the IOTMP codec read the raw,
     * masked frame bytes as IOTMP, and uncounted by the meter. With the {@link WebSocketUpgradeSplit} in front the
     * codec holds nothing beyond the request; this handler tells the split when the handshake is complete, and still
     * takes anything the codec passes on.
     */
    static ChannelInboundHandlerAdapter upgradeLeftover() {
        return UPGRADE_LEFTOVER;
    }

    private static final ChannelInboundHandlerAdapter UPGRADE_LEFTOVER = new UpgradeLeftover();

    /**
     * Keeps what a client sends behind its upgrade request until the handshake is complete, see
     * {@link WebSocketUpgradeSplit}: at most twice what one WebSocket frame may carry before login, with its header.
     */
    static WebSocketUpgradeSplit upgradeSplit(IotmpServerConfig config) {
        return new WebSocketUpgradeSplit(2 * (payloadLimit(payloadLimitBeforeLogin(config)) + MAX_FRAME_HEADER));
    }

    @ChannelHandler.Sharable
    private static final class UpgradeLeftover extends ChannelInboundHandlerAdapter {

        /** Netty's handshake is complete, the 101 written: what the client sent behind its request goes on. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ChannelHandlerContext split = ctx.pipeline().context(WebSocketUpgradeSplit.NAME);
                if (split != null) {
                    ((WebSocketUpgradeSplit) split.handler()).handshakeComplete(split);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!(msg instanceof ByteBuf bytes)) {
                ctx.fireChannelRead(msg);
                return;
            }
            ChannelHandlerContext meter = ctx.pipeline().context(WebSocketFrameMeter.NAME);
            if (meter == null || ctx.pipeline().context(FRAME_DECODER) == null) {
                // no frame decoder to read them (the upgrade was refused): nothing may read them as IOTMP
                bytes.release();
                ctx.close();
                return;
            }
            ((ChannelInboundHandler) meter.handler()).channelRead(meter, bytes);
        }
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        HttpUtil.setContentLength(response, 0);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static final ChannelInboundHandlerAdapter MALFORMED = new RequestRefusal(true);
    private static final ChannelInboundHandlerAdapter NOT_UPGRADED = new RequestRefusal(false);

    @ChannelHandler.Sharable
    private static final class RequestRefusal extends ChannelInboundHandlerAdapter {
        private final boolean malformedOnly;

        RequestRefusal(boolean malformedOnly) {
            this.malformedOnly = malformedOnly;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean malformed = msg instanceof HttpRequest request && request.decoderResult().isFailure();
            if (malformed || !malformedOnly && msg instanceof HttpRequest) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, malformed ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.NOT_FOUND);
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }

    /**
     * After the malformed-request check: an upgrade from a web page of another site than the server's own (by the
     * request's {@code Host}) and not in {@code webSocketAllowedOrigins} is answered 403 and closed, counted by
     * {@code refused}. Browsers open WebSocket
     * connections to any site a page names, sending the page's origin; without this check any page a user behind a
     * fleet's network opened could send CONNECTs with guessed credentials from that network's address, and have it
     * blocked for the devices behind it ({@code maxAuthFailuresPerAddress}).
     */
    static ChannelInboundHandlerAdapter originCheck(IotmpServerConfig config, Runnable refused) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest request && !config.allowsWebSocketOrigin(
                        request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.HOST),
                        config.sslContext() != null)) {
                    ReferenceCountUtil.release(msg);
                    refused.run();
                    refuse(ctx, HttpResponseStatus.FORBIDDEN);
                } else {
                    ctx.fireChannelRead(msg);
                }
            }
        };
    }

    /**
     * Counts a WebSocket protocol violation, which Netty's frame decoder (placed before this handler by the handshake)
     * reports as a {@link CorruptedWebSocketFrameException} after it has written its close frame (1002, 1009 for a
     * frame above the limit) and asked for the close: an unmasked frame, reserved bits or opcodes, a fragmented or
     * oversized control frame, a frame above the payload limit, a continuation out of place, a close frame with an
     * invalid code or body. The exception goes on to the session, which logs it within the refusal log's rate.
     */
    static ChannelInboundHandlerAdapter violations(Runnable violation) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (cause instanceof CorruptedWebSocketFrameException
                    || cause.getCause() instanceof CorruptedWebSocketFrameException) {
                    violation.run();
                }
                ctx.fireExceptionCaught(cause);
            }
        };
    }

    /** The frame decoder's configuration before login. */
    static WebSocketDecoderConfig beforeLogin(IotmpServerConfig config) {
        return decoderConfig(payloadLimitBeforeLogin(config));
    }

    /**
     * Counts the frames the decoder buffers against {@code maxPartialFrameBytes} and gives them the
     * {@code frameReadTimeout} timer; placed before the HTTP codec, see {@link WebSocketFrameMeter}.
     */
    static WebSocketFrameMeter frameMeter(IotmpServerConfig config, PartialFrameBudget budget) {
        return new WebSocketFrameMeter(budget, config.limits().frameReadTimeout(),
                payloadLimit(payloadLimitBeforeLogin(config)), FRAME_DECODER);
    }

    /**
     * The device is authenticated: frames up to {@code maxFrameSize} from now on. Called before the OK is written, so
     * the replacement (on the channel's event loop, queued before that write) is asked for before the device can
     * send a larger frame. The {@link WebSocketFrameMeter} makes it between two frames, outside a fragmented message,
     * so that a device that sent more than its CONNECT without waiting for the OK is read on where it was.
     */
    static void afterLogin(Channel channel, IotmpServerConfig config) {
        if (config.transport() != Transport.WEBSOCKET) {
            return;
        }
        int payloadLimit = payloadLimit(config.maxFrameSize());
        channel.eventLoop().execute(() -> {
            ChannelPipeline pipeline = channel.pipeline();
            Runnable swap = () -> {
                if (channel.isActive() && pipeline.get(FRAME_DECODER) != null) {
                    pipeline.replace(FRAME_DECODER, FRAME_DECODER,
                            new WebSocket13FrameDecoder(decoderConfig(config.maxFrameSize())));
                }
            };
            if (pipeline.get(WebSocketFrameMeter.NAME) instanceof WebSocketFrameMeter meter) {
                meter.afterLogin(payloadLimit, swap);
            } else {
                swap.run();
            }
        });
    }

    private static int payloadLimitBeforeLogin(IotmpServerConfig config) {
        return Math.min(config.limits().maxFrameSizeBeforeLogin(), config.maxFrameSize());
    }

    /** The payload a frame decoder for IOTMP frames of {@code maxFrameSize} takes; the meter applies the same. */
    private static int payloadLimit(int maxFrameSize) {
        return maxFrameSize + FRAME_SLACK;
    }

    private static WebSocketDecoderConfig decoderConfig(int maxFrameSize) {
        return WebSocketDecoderConfig.newBuilder()
                // IOTMP bytes arrive in text frames from the reference client: never UTF-8
                .withUTF8Validator(false)
                .maxFramePayloadLength(payloadLimit(maxFrameSize))
                .allowExtensions(false)
                .build();
    }
}
