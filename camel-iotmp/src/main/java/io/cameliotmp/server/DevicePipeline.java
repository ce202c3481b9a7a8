package io.cameliotmp.server;

import io.cameliotmp.protocol.WebSocketFrameBytes;
import io.cameliotmp.protocol.legacy.LegacyFrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;

/**
 * The server's handlers for one device connection, for a {@link DeviceChannelInitializer} to place: the transport
 * (traffic meter, TLS, WebSocket) and the protocol (frame codec, then the device's session). Each method adds its
 * handlers at the end of the pipeline, but for the traffic meter behind a PROXY header (see {@link #addTransport()}).
 */
public final class DevicePipeline {

    /** The name of the {@link TrafficMeter}. */
    static final String TRAFFIC = "traffic";
    /** The name of the frame codec, IOTMP or legacy. */
    static final String CODEC = "codec";
    /** The name of the {@link LegacyAdapter}, after the codec, on legacy connections. */
    static final String LEGACY = "legacy";
    /** The name of the {@link ProtocolDetector}, where the codec will be, while the first byte is awaited. */
    static final String DETECT = "detect";

    private final Channel channel;
    private final IotmpServerConfig config;
    private final TrafficMeter trafficMeter;
    private final ConnectionAdmission admission;
    private final LegacyStreamIds legacyStreamIds;
    private final SessionContext context;
    private final EventExecutor worker;
    private final ListenerKind listener;
    /** The connection's place among the unauthenticated ones; null when it was not admitted (tests). */
    private final ConnectionAdmission.Ticket ticket;

    DevicePipeline(Channel channel, IotmpServerConfig config, TrafficMeter trafficMeter,
                   ConnectionAdmission admission, LegacyStreamIds legacyStreamIds, SessionContext context,
                   EventExecutor worker, ListenerKind listener, ConnectionAdmission.Ticket ticket) {
        this.channel = channel;
        this.config = config;
        this.trafficMeter = trafficMeter;
        this.admission = admission;
        this.legacyStreamIds = legacyStreamIds;
        this.context = context;
        this.worker = worker;
        this.listener = listener;
        this.ticket = ticket;
    }

    /** Transport and protocol: the whole pipeline. */
    public void addDefaults() {
        addTransport();
        addProtocol();
    }

    /**
     * {@code traffic} (bytes in and out, first so that TLS and WebSocket overhead counts; with {@code proxyProtocol}
     * before the header's decoder, which the server put first, so that the header counts too), the
     * {@link PendingWriteBound} on what is queued for the peer, {@code ssl} when the server has TLS (after
     * {@link TlsPartialRecords} and its {@link TlsRenegotiationGuard}; a failed handshake reported by
     * {@link TlsHandshakeFailures}), and for WebSocket transport the {@link WebSocketUpgradeSplit} (what follows the
     * upgrade request waits for the 101), the meter of partial WebSocket frames, the HTTP upgrade, the count of
     * WebSocket protocol violations, the peer's pings and pongs ({@link WebSocketControlFrames}), the frames read as
     * one byte stream, and last {@code websocket-leftover}, which tells the split when the handshake is complete and
     * hands anything the HTTP codec passes on from its own place when it is removed back to the frame decoder.
     */
    public void addTransport() {
        ChannelPipeline pipeline = channel.pipeline();
        if (trafficMeter != null) {
            if (pipeline.get(ProxyProtocolHandler.DECODER) != null) {
                // before the PROXY header's decoder: the header is bytes read from the network like any other
                pipeline.addBefore(ProxyProtocolHandler.DECODER, TRAFFIC, trafficMeter);
            } else {
                pipeline.addLast(TRAFFIC, trafficMeter);
            }
        }
        // next to the socket, after TLS: every write, the transport's own answers too, within maxPendingWriteBytes
        PendingWriteBound writeBound = new PendingWriteBound(config.limits().maxPendingWriteBytes());
        if (pipeline.get(TRAFFIC) != null) {
            pipeline.addAfter(TRAFFIC, PendingWriteBound.NAME, writeBound);
        } else {
            pipeline.addLast(PendingWriteBound.NAME, writeBound);
        }
        if (config.sslContext() != null && listener != ListenerKind.LEGACY) {
            SslHandler ssl = config.sslContext().newHandler(channel.alloc());
            ssl.setHandshakeTimeoutMillis(config.tlsHandshakeTimeout().toMillis());
            // first: what the TLS engine holds of a record under way counts against maxPartialFrameBytes
            pipeline.addLast(TlsPartialRecords.NAME, new TlsPartialRecords(admission.partialFrames(),
                    () -> context.metrics().refused(Refusal.PARTIAL_FRAME_BUDGET)));
            pipeline.addLast(TlsRenegotiationGuard.NAME, new TlsRenegotiationGuard(ssl,
                    () -> context.metrics().refused(Refusal.TLS_RENEGOTIATION)));
            pipeline.addLast("ssl", ssl);
            TlsHandshakeFailures.watch(channel, ssl, context);
        }
        if (config.transport() == Transport.WEBSOCKET && listener == ListenerKind.IOTMP) {
            // bounded as tightly as a TCP peer before login, see WebSocketLimits; the meter sees the frames' raw
            // bytes, before the frame decoder that the handshake places right after it
            // the HTTP codec and the meter see the upgrade request's head only until the 101 is written
            pipeline.addLast(WebSocketUpgradeSplit.NAME, WebSocketLimits.upgradeSplit(config));
            pipeline.addLast(WebSocketFrameMeter.NAME, WebSocketLimits.frameMeter(config, admission.partialFrames()));
            pipeline.addLast("http", WebSocketLimits.httpCodec());
            pipeline.addLast("http-aggregator", WebSocketLimits.upgradeAggregator());
            pipeline.addLast("http-malformed", WebSocketLimits.malformed());
            pipeline.addLast("http-origin", WebSocketLimits.originCheck(config,
                    () -> context.metrics().refused(Refusal.WEBSOCKET_ORIGIN)));
            // after the frame decoder the handshake places before the HTTP codec: sees what it refuses
            pipeline.addLast("websocket-violations", WebSocketLimits.violations(
                    () -> context.metrics().webSocketProtocolViolation()));
            // pings and pongs answered within the server's bounds, before Netty's handler would (see the class)
            pipeline.addLast(WebSocketControlFrames.NAME, new WebSocketControlFrames(
                    () -> context.metrics().webSocketPingUnanswered()));
            pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(config.webSocketPath())
                    .subprotocols("iotmp")
                    .handshakeTimeoutMillis(config.connectTimeout().toMillis())
                    .decoderConfig(WebSocketLimits.beforeLogin(config))
                    .build()));
            pipeline.addLast("http-not-found", WebSocketLimits.notUpgraded());
            pipeline.addLast("websocket-leftover", WebSocketLimits.upgradeLeftover());
            pipeline.addLast("websocket-bytes", new WebSocketFrameBytes(false));
        }
    }

    /**
     * {@code codec} (IOTMP frames, gen-2 until the CONNECT says otherwise, {@code maxFrameSizeBeforeLogin} until the
     * device is in) and {@code session}. When the server takes legacy devices, {@code detect} stands where the codec
     * will be until the first byte tells the protocol; a legacy connection then has the legacy codec as
     * {@code codec} and its {@code legacy} adapter after it.
     */
    public void addProtocol() {
        // the admission's codecs: small frames until login, partial frames from the server-wide budget
        ConnectionCodec codec;
        if (config.legacy().enabled()) {
            LegacyFrameCodec legacyCodec = admission.legacyCodec(ticket);
            ProtocolDetector detector = new ProtocolDetector(ProtocolDetector.iotmp(admission.codec(ticket)),
                    ProtocolDetector.legacy(legacyCodec,
                            new LegacyAdapter(legacyCodec, legacyStreamIds, config.maxPendingRequests(),
                                    context.metrics())),
                    head -> ForeignBytes.refuse(context, DeviceAddress.of(channel), head));
            channel.pipeline().addLast(DETECT, detector);
            codec = detector;
        } else {
            ConnectionAdmission.AdmittedCodec iotmp = admission.codec(ticket);
            channel.pipeline().addLast(CODEC, iotmp);
            codec = iotmp;
        }
        DeviceConnection connection = new DeviceConnection(context, channel, codec, worker);
        channel.pipeline().addLast("session", connection.handler());
    }
}
