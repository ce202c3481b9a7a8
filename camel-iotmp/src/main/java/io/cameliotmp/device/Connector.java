package io.cameliotmp.device;

import java.net.InetSocketAddress;
import java.net.URI;

import io.cameliotmp.protocol.FrameLimits;
import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.PartialFrameBudget;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.protocol.WebSocketFrameBytes;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslHandler;

/**
 * Opens the connections of a device: the pipeline for TCP, TLS, WebSocket or both, and the delay before the next
 * attempt (exponential backoff with jitter).
 */
final class Connector {

    private final DeviceClientConfig config;
    private final EventLoop loop;
    private final int connectTimeoutMillis;
    /** Shared by the device's connections, one after the other; the same for IOTMP, WebSocket and legacy frames. */
    private final FrameLimits frameLimits;
    /** What a legacy adapter answers a stop of a resource without stream by. */
    private final ResourceRegistry resources;

    Connector(DeviceClientConfig config, EventLoop loop, ResourceRegistry resources) {
        this.config = config;
        this.loop = loop;
        this.resources = resources;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        // A frame the server started is an answer (or a request) in progress: it gets as long to complete as the
        // device gives any answer, so a server that sends half a frame and stalls cannot hold the connection.
        this.frameLimits = new FrameLimits(config.maxFrameSize(), config.maxFrameSize(), PsonFormat.DEFAULT_MAX_DEPTH,
                config.maxDecodedFrameBytes(), config.requestTimeout(), PartialFrameBudget.UNLIMITED);
    }

    /** Connects a new channel whose last handler is {@code attempt}. */
    ChannelFuture connect(ClientConnection attempt) {
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(config.channelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        PendingWriteBound.waterMark(config.maxPendingWriteBytes()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        attempt.channel = channel;
                        channel.pipeline().addLast("write-bound",
                                new PendingWriteBound(attempt, config.maxPendingWriteBytes()));
                        if (config.sslContext() != null) {
                            SslHandler ssl = config.sslContext().newHandler(channel.alloc(), config.host(),
                                    config.port());
                            // the device's deadline, not Netty's fixed 10 s: a slow link given more has it here too
                            ssl.setHandshakeTimeoutMillis(connectTimeoutMillis);
                            channel.pipeline().addLast("ssl", ssl);
                        }
                        if (config.webSocketPath() != null) {
                            addWebSocket(channel);
                        }
                        if (config.generation() == Generation.LEGACY) {
                            // the legacy Thinger protocol, played over the same connection logic
                            channel.pipeline().addLast("legacy-codec", new LegacyFrameCodec(frameLimits));
                            channel.pipeline().addLast("frame-clock", new FrameClock(attempt));
                            channel.pipeline().addLast("legacy", new LegacyDeviceAdapter(config.requestTimeout(),
                                    resources::hasNode));
                        } else {
                            channel.pipeline().addLast("iotmp-codec",
                                    new IotmpFrameCodec(config.generation(), false, frameLimits));
                            channel.pipeline().addLast("frame-clock", new FrameClock(attempt));
                        }
                        channel.pipeline().addLast("iotmp-device", attempt);
                    }
                });
        if (config.localAddress() != null) {
            bootstrap.localAddress(config.localAddress());
        }
        ChannelFuture connecting = bootstrap.connect(InetSocketAddress.createUnresolved(config.host(), config.port()));
        attempt.channel = connecting.channel();
        return connecting;
    }

    /**
     * IOTMP inside WebSocket frames, as IOTMP-Linux's {@code wss://host/iotmp}: the connection looks active to the
     * device only once the WebSocket handshake is done, so its CONNECT is the first IOTMP byte sent.
     */
    private void addWebSocket(Channel channel) {
        URI uri = URI.create((config.sslContext() != null ? "wss://" : "ws://") + config.host() + ":" + config.port()
                             + config.webSocketPath());
        channel.pipeline().addLast("http", new HttpClientCodec());
        channel.pipeline().addLast("http-aggregator", new HttpObjectAggregator(8192));
        channel.pipeline().addLast("websocket", new WebSocketClientProtocolHandler(
                WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(uri)
                        .subprotocol("iotmp")
                        .maxFramePayloadLength(config.maxFrameSize() + 16)
                        .handshakeTimeoutMillis(connectTimeoutMillis)
                        .build()));
        channel.pipeline().addLast("websocket-bytes", new WebSocketFrameBytes(config.webSocketTextFrames()));
        channel.pipeline().addLast("websocket-ready", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                // held back until the handshake completes
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                    ctx.pipeline().remove(this);
                    ctx.fireChannelActive();
                } else {
                    ctx.fireUserEventTriggered(event);
                }
            }
        });
    }

    /** Tells the connection of every frame the codec passes on, for its silence timeout. */
    private static final class FrameClock extends ChannelInboundHandlerAdapter {
        private final ClientConnection connection;

        FrameClock(ClientConnection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            connection.frameArrived();
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Exponential backoff with "equal jitter": the nominal delay {@code initial * 2^attempt}, capped at the maximum,
     * scaled by a random factor in [0.5, 1] so that many devices dropped together do not return together.
     */
    long backoffDelayMillis(int attempt) {
        long max = config.backoffMax().toMillis();
        double nominal = Math.min((double) max,
                Math.min(config.backoffInitial().toMillis(), max) * Math.pow(2, Math.min(attempt, 40)));
        return Math.max(1, Math.round(nominal * (0.5 + 0.5 * config.random().nextDouble())));
    }
}
