package io.cameliotmp.server;

import java.util.function.Function;

import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.WebSocketFrameBytes;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;

/**
 * The server's handlers for one device connection, for a {@link DeviceChannelInitializer} to place: the transport
 * (traffic meter, TLS, WebSocket) and the protocol (frame codec, then the device's session). Each method adds its
 * handlers at the end of the pipeline.
 */
public final class DevicePipeline {

    private final Channel channel;
    private final IotmpServerConfig config;
    private final TrafficMeter trafficMeter;
    private final Function<Channel, IotmpFrameCodec> codecs;
    private final SessionContext context;
    private final EventExecutor worker;

    DevicePipeline(Channel channel, IotmpServerConfig config, TrafficMeter trafficMeter,
                   Function<Channel, IotmpFrameCodec> codecs, SessionContext context, EventExecutor worker) {
        this.channel = channel;
        this.config = config;
        this.trafficMeter = trafficMeter;
        this.codecs = codecs;
        this.context = context;
        this.worker = worker;
    }

    /** Transport and protocol: the whole pipeline. */
    public void addDefaults() {
        addTransport();
        addProtocol();
    }

    /**
     * {@code traffic} (bytes in and out, first so that TLS and WebSocket overhead counts), {@code ssl} when the
     * server has TLS, and for WebSocket transport the HTTP upgrade and the frames read as one byte stream.
     */
    public void addTransport() {
        ChannelPipeline pipeline = channel.pipeline();
        if (trafficMeter != null) {
            pipeline.addLast("traffic", trafficMeter);
        }
        if (config.sslContext() != null) {
            SslHandler ssl = config.sslContext().newHandler(channel.alloc());
            ssl.setHandshakeTimeoutMillis(config.tlsHandshakeTimeout().toMillis());
            pipeline.addLast("ssl", ssl);
        }
        if (config.transport() == Transport.WEBSOCKET) {
            // bounded as tightly as a TCP peer before login, see WebSocketLimits
            pipeline.addLast("http", WebSocketLimits.httpCodec());
            pipeline.addLast("http-aggregator", WebSocketLimits.upgradeAggregator());
            pipeline.addLast("http-malformed", WebSocketLimits.malformed());
            pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(config.webSocketPath())
                    .subprotocols("iotmp")
                    .handshakeTimeoutMillis(config.connectTimeout().toMillis())
                    .decoderConfig(WebSocketLimits.beforeLogin(config))
                    .build()));
            pipeline.addLast("http-not-found", WebSocketLimits.notUpgraded());
            pipeline.addLast("websocket-bytes", new WebSocketFrameBytes(false));
        }
    }

    /**
     * {@code codec} (IOTMP frames, gen-2 until the CONNECT says otherwise, {@code maxFrameSizeBeforeLogin} until the
     * device is in) and {@code session}.
     */
    public void addProtocol() {
        // the admission's codec: small frames until login, partial frames from the server-wide budget
        IotmpFrameCodec codec = codecs.apply(channel);
        channel.pipeline().addLast("codec", codec);
        DeviceConnection connection = new DeviceConnection(context, channel, codec, worker);
        channel.pipeline().addLast("session", connection.handler());
    }
}
