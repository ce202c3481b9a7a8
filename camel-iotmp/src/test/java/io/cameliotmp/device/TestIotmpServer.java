package io.cameliotmp.device;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpDecodeException;
import io.cameliotmp.protocol.IotmpFrames;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.protocol.MessageType;
import io.cameliotmp.protocol.PsonFormat;
import io.cameliotmp.testing.Waits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A minimal IOTMP server for device tests: records every frame a device sends (decoded and as raw bytes), lets the
 * test send messages or raw bytes, answers CONNECT (OK by default) and echoes KEEP_ALIVE. It decodes tolerantly (both
 * PSON versions, as a server must) with the gen-1 or gen-2 field layout it was started with.
 */
final class TestIotmpServer implements AutoCloseable {

    /** Upper bound of every wait in the device tests. */
    static final Duration WAIT = Waits.WAIT;

    /**
     * One frame received from a device: its decoded message (null for an unknown type or an undecodable body), its
     * exact bytes and when it was decoded ({@link System#nanoTime()}).
     */
    record Frame(IotmpMessage message, byte[] raw, long receivedNanos) {

        String hex() {
            return TestIotmpServer.hex(raw);
        }
    }

    private final Generation generation;
    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("iotmp-test-server", true));
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final List<Connection> all = new CopyOnWriteArrayList<>();
    private volatile Function<IotmpMessage, IotmpMessage> connectAnswer =
            connect -> IotmpMessage.ok(connect.streamId());
    private volatile Function<IotmpMessage, IotmpMessage> runAnswer;
    private volatile boolean echoKeepAlive = true;
    private Channel listener;
    private int port;

    private TestIotmpServer(Generation generation) {
        this.generation = generation;
    }

    /** A server on an ephemeral port of 127.0.0.1. */
    static TestIotmpServer start(Generation generation) {
        TestIotmpServer server = new TestIotmpServer(generation);
        server.listen(0);
        return server;
    }

    static TestIotmpServer start() {
        return start(Generation.GEN2);
    }

    private void listen(int requestedPort) {
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        Connection connection = new Connection(channel);
                        all.add(connection);
                        channel.pipeline().addLast(new FrameRecorder(), new ServerBehaviour(connection));
                        channel.closeFuture().addListener(closed -> connection.closed.complete(null));
                        accepted.add(connection);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", requestedPort))
                .syncUninterruptibly()
                .channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    int port() {
        return port;
    }

    Generation generation() {
        return generation;
    }

    /** How CONNECT is answered: the function's message (an ERROR also closes the connection), or nothing if null. */
    void answerConnectWith(Function<IotmpMessage, IotmpMessage> answer) {
        this.connectAnswer = answer;
    }

    /** Answers every device RUN that carries a stream id with the function's message (null = do not answer). */
    void answerRunsWith(Function<IotmpMessage, IotmpMessage> answer) {
        this.runAnswer = answer;
    }

    void echoKeepAlive(boolean echo) {
        this.echoKeepAlive = echo;
    }

    /** Stops listening and drops every connection (as a crashing server would: no DISCONNECT). */
    void stop() {
        listener.close().syncUninterruptibly();
        for (Connection connection : all) {
            connection.channel.close().syncUninterruptibly();
        }
    }

    /**
     * Listens again on the same port after {@link #stop()}. JDK NIO closes a server socket registered with a selector
     * only when its key is deregistered, which the event loop does after the close future completed; so the port may
     * still be taken for a moment, and the bind is retried until it succeeds, for at most {@link #WAIT}.
     */
    void restart() {
        Waits.eventually().pollInterval(Duration.ofMillis(20)).ignoreExceptionsInstanceOf(java.net.BindException.class)
                .until(() -> {
                    listen(port);
                    return true;
                });
    }

    /** The next connection accepted, waiting at most {@link #WAIT}. */
    Connection awaitConnection() throws InterruptedException {
        Connection connection = accepted.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (connection == null) {
            fail("no device connected within " + WAIT);
        }
        return connection;
    }

    /**
     * Asserts that no device connected so far: a plain socket connects, and must be the next connection accepted
     * (connections are accepted in the order they were made).
     */
    void expectNoConnectionBeforeAProbe() throws Exception {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            Connection next = awaitConnection();
            assertThat(next.remoteAddress().getPort()).as("the next connection is the probe, not a device's")
                    .isEqualTo(probe.getLocalPort());
            all.remove(next);
            next.close();
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        for (Connection connection : all) {
            connection.channel.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One accepted device connection. */
    final class Connection {

        final Channel channel;
        private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        Connection(Channel channel) {
            this.channel = channel;
        }

        /** The next frame, waiting at most {@link #WAIT}. */
        Frame nextFrame() throws InterruptedException {
            Frame frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                fail("no frame from the device within " + WAIT);
            }
            return frame;
        }

        IotmpMessage next() throws InterruptedException {
            return nextFrame().message();
        }

        /** The next message, which must be of {@code type}. */
        IotmpMessage next(MessageType type) throws InterruptedException {
            IotmpMessage message = next();
            assertThat(message.type()).as("type of %s", message).isEqualTo(type);
            return message;
        }

        /** The next frame, which must be exactly these bytes. */
        Frame expectBytes(String hex) throws InterruptedException {
            Frame frame = nextFrame();
            assertThat(frame.hex()).as("frame of %s", frame.message()).isEqualTo(normalise(hex));
            return frame;
        }

        /** Asserts that the device sends nothing within {@code quiet}. */
        void expectNoFrame(Duration quiet) throws InterruptedException {
            Frame frame = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(frame).as("unexpected frame").isNull();
        }

        /** Encodes with the server's generation and sends. */
        void send(IotmpMessage message) {
            ByteBuf buf = channel.alloc().buffer();
            IotmpFrames.encode(message, generation, buf);
            channel.writeAndFlush(buf).syncUninterruptibly();
        }

        void sendHex(String hex) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(TestIotmpServer.bytes(hex))).syncUninterruptibly();
        }

        void close() {
            channel.close().syncUninterruptibly();
        }

        /** The server stops reading this connection, as a stalled or hostile server does. */
        void stopReading() {
            channel.config().setAutoRead(false);
        }

        /** Whether the device (or the test) closed the connection. */
        boolean isClosed() {
            return closed.isDone();
        }

        /** Waits until the device (or the test) closed the connection. */
        void awaitClosed() throws Exception {
            closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        boolean isOpen() {
            return channel.isActive();
        }

        InetSocketAddress remoteAddress() {
            return (InetSocketAddress) channel.remoteAddress();
        }
    }

    /** Cuts the inbound stream into frames, keeping each frame's bytes next to its decoded message. */
    private final class FrameRecorder extends ByteToMessageDecoder {

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            IotmpFrames.Header header = IotmpFrames.peekHeader(in, IotmpFrames.DEFAULT_MAX_FRAME_SIZE);
            if (header == null || in.readableBytes() < header.frameLength()) {
                return;
            }
            int start = in.readerIndex();
            byte[] raw = new byte[header.frameLength()];
            in.getBytes(start, raw);
            MessageType type = MessageType.fromCode(header.typeCode());
            IotmpMessage message = null;
            if (type != null) {
                try {
                    message = IotmpFrames.decodeBody(type, in, start + header.headerLength(),
                            start + header.frameLength(), generation, true, PsonFormat.DEFAULT_MAX_DEPTH);
                } catch (IotmpDecodeException e) {
                    // recorded with its bytes only: tests that send malformed frames look at those
                }
            }
            in.skipBytes(header.frameLength());
            out.add(new Frame(message, raw, System.nanoTime()));
        }
    }

    /** Records frames and plays the automatic part of a server. */
    private final class ServerBehaviour extends SimpleChannelInboundHandler<Frame> {

        private final Connection connection;

        ServerBehaviour(Connection connection) {
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            connection.frames.add(frame);
            IotmpMessage message = frame.message();
            if (message == null) {
                return;
            }
            if (message.type() == MessageType.CONNECT) {
                IotmpMessage answer = connectAnswer != null ? connectAnswer.apply(message) : null;
                if (answer != null) {
                    write(ctx, answer, answer.type() == MessageType.ERROR);
                }
            } else if (message.type() == MessageType.KEEP_ALIVE && echoKeepAlive) {
                write(ctx, IotmpMessage.KEEP_ALIVE, false);
            } else if (message.type() == MessageType.RUN && message.hasStreamId() && runAnswer != null) {
                IotmpMessage answer = runAnswer.apply(message);
                if (answer != null) {
                    write(ctx, answer, false);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // e.g. the reset of IotmpDevice.faults().dropConnection(): the connection is over, the test sees it closed
            ctx.close();
        }

        private void write(ChannelHandlerContext ctx, IotmpMessage message, boolean thenClose) {
            ByteBuf buf = ctx.alloc().buffer();
            IotmpFrames.encode(message, generation, buf);
            if (thenClose) {
                ctx.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(buf);
            }
        }
    }

    // ---------------------------------------------------------------- hex helpers

    /** Uppercase hex, bytes separated by spaces, as in iotmp-vectors.md. */
    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(String.format(Locale.ROOT, "%02X", b & 0xFF));
        }
        return s.toString();
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String normalise(String hex) {
        return hex(bytes(hex));
    }
}
