package io.cameliotmp.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpFrameCodec;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;

/**
 * The baseline: an IOTMP server in plain Netty, without Camel and without the product's session layer. It uses the
 * project's frame codec (same framing, same PSON) and does the same calls: CONNECT with a credential check and OK,
 * keep-alive echo and the 1.15 × ka idle close, RUN with stream-id correlation of the OK, and one event-mode
 * START_STREAM per device whose STREAM_DATA samples it counts. Handlers run on the I/O threads, which is the
 * cheapest possible arrangement.
 * <p>
 * Two ways to hand on a sample. <b>Counting</b> ({@link #counting}) calls a {@code Runnable} per STREAM_DATA that
 * has a payload. <b>Decoding</b> ({@link #decoding}) does what any real consumer of the stream pays for on top:
 * resolves the frame's stream id to the stream the server opened (its resource), takes the arrival time and builds
 * a {@link RawSample} with device, resource, stream id, timestamp and payload (the values camel-iotmp's
 * {@code IotmpSample} carries), then hands it to a callback. Both get the payload already decoded: the codec turns
 * every body into Java values (PSON into {@code Map}/{@code List}/numbers/strings) before any handler sees it, so the
 * PSON decoding is paid by both, and the difference between them is the lookup, the clock read, the record and the
 * callback.
 */
final class RawIotmpServer {

    private final String host;
    private final int port;
    private final String user;
    private final byte[] credential;
    private final int defaultKeepAlive;
    private final boolean stream;
    private final String streamResource;
    private final Runnable onSample;
    private final Consumer<RawSample> onDecoded;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private EventLoopGroup boss;
    private EventLoopGroup io;

    /**
     * One decoded sample, the same values camel-iotmp delivers in an {@code IotmpSample}.
     *
     * @param timestamp when the server received the sample, in milliseconds since the epoch
     */
    record RawSample(String user, String device, String resource, int streamId, long timestamp, Object payload) {
    }

    private RawIotmpServer(String host, int port, String user, String credential, int defaultKeepAlive,
                           String streamResource, Runnable onSample, Consumer<RawSample> onDecoded) {
        this.onSample = onSample;
        this.onDecoded = onDecoded;
        this.host = host;
        this.port = port;
        this.user = user;
        this.credential = credential.getBytes(StandardCharsets.UTF_8);
        this.defaultKeepAlive = defaultKeepAlive;
        this.stream = streamResource != null;
        this.streamResource = streamResource;
    }

    /** A server that counts samples ({@code streamResource} null: no stream is opened). */
    static RawIotmpServer counting(String host, int port, String user, String credential, int defaultKeepAlive,
                                   String streamResource, Runnable onSample) {
        return new RawIotmpServer(host, port, user, credential, defaultKeepAlive, streamResource, onSample, null);
    }

    /** A server that decodes each sample into a {@link RawSample} and hands it to {@code onDecoded}. */
    static RawIotmpServer decoding(String host, int port, String user, String credential, int defaultKeepAlive,
                                   String streamResource, Consumer<RawSample> onDecoded) {
        return new RawIotmpServer(host, port, user, credential, defaultKeepAlive, streamResource, null, onDecoded);
    }

    void start() {
        boss = new EpollEventLoopGroup(1);
        io = new EpollEventLoopGroup(0);
        new ServerBootstrap().group(boss, io).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        IotmpFrameCodec codec = new IotmpFrameCodec(Generation.GEN2, true,
                                IotmpFrames.DEFAULT_MAX_FRAME_SIZE, PsonFormat.DEFAULT_MAX_DEPTH);
                        ch.pipeline().addLast("codec", codec);
                        ch.pipeline().addLast("session", new Session());
                    }
                })
                .bind(host, port).syncUninterruptibly();
    }

    void stop() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** RUN {@code resource} with {@code input} on device {@code device}; the OK's payload is the answer. */
    void call(String device, String resource, Object input, RpcDriver.Done done) {
        Session s = sessions.get(device);
        if (s == null) {
            done.failed(new IllegalStateException("not connected: " + device));
            return;
        }
        Channel ch = s.channel;
        if (ch.eventLoop().inEventLoop()) {
            s.run(resource, input, done);
        } else {
            ch.eventLoop().execute(() -> s.run(resource, input, done));
        }
    }

    int connected() {
        return sessions.size();
    }

    private final class Session extends SimpleChannelInboundHandler<Object> {
        private Channel channel;
        private boolean active;
        private String device;
        private int nextId;
        private final IntObjectHashMap<RpcDriver.Done> pending = new IntObjectHashMap<>();
        /** Decoding: the streams this server opened on the device, stream id to resource. */
        private final IntObjectHashMap<String> streams = new IntObjectHashMap<>(4);

        void run(String resource, Object input, RpcDriver.Done done) {
            if (!active || !channel.isActive()) {
                done.failed(new IllegalStateException("closed"));
                return;
            }
            int id;
            do {
                nextId = nextId >= 0xFFFF ? 2 : nextId + 1;
                id = nextId;
            } while (pending.containsKey(id));
            pending.put(id, done);
            channel.writeAndFlush(IotmpMessage.run(id, resource, null, input), channel.voidPromise());
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof IotmpMessage m)) {
                ctx.close();
                return;
            }
            if (!active) {
                connect(ctx, m);
                return;
            }
            switch (m.type()) {
                case KEEP_ALIVE -> ctx.writeAndFlush(IotmpMessage.KEEP_ALIVE, ctx.voidPromise());
                case OK, ERROR -> {
                    RpcDriver.Done done = pending.remove(m.streamId());
                    if (done != null) {
                        if (m.type() == MessageType.OK) {
                            done.ok();
                        } else {
                            done.failed(new IllegalStateException("ERROR"));
                        }
                    }
                }
                case STREAM_DATA -> {
                    if (m.payload() == null) {
                        return;
                    }
                    if (onDecoded == null) {
                        onSample.run();
                        return;
                    }
                    String resource = streams.get(m.streamId());
                    if (resource != null) {
                        onDecoded.accept(new RawSample(user, device, resource, m.streamId(),
                                System.currentTimeMillis(), m.payload()));
                    }
                }
                default -> {
                }
            }
        }

        private void connect(ChannelHandlerContext ctx, IotmpMessage m) {
            if (m.type() != MessageType.CONNECT || !(m.payload() instanceof List<?> c) || c.size() != 3
                    || !user.equals(c.get(0)) || !(c.get(1) instanceof String dev)
                    || !MessageDigest.isEqual(credential, String.valueOf(c.get(2)).getBytes(StandardCharsets.UTF_8))) {
                ctx.writeAndFlush(IotmpMessage.error(m.streamId(), 2, null)).addListener(f -> ctx.close());
                return;
            }
            int ka = defaultKeepAlive;
            if (m.parameters() instanceof Map<?, ?> p && p.get("ka") instanceof Number n) {
                ka = n.intValue();
            }
            device = dev;
            active = true;
            Session old = sessions.put(dev, this);
            if (old != null) {
                old.channel.close();
            }
            ctx.write(IotmpMessage.ok(m.streamId()), ctx.voidPromise());
            ctx.pipeline().addBefore("session", "idle",
                    new IdleStateHandler((long) (ka * 1150L), 0, 0, TimeUnit.MILLISECONDS));
            if (stream) {
                ctx.write(IotmpMessage.startStream(1, streamResource, null), ctx.voidPromise());
                streams.put(1, streamResource);
                nextId = 1;
            }
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (device != null) {
                sessions.remove(device, this);
            }
            pending.forEach((id, done) -> done.failed(new IllegalStateException("closed")));
            pending.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
