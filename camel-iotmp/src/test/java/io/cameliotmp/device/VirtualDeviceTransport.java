package io.cameliotmp.device;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.DefaultChannelPipeline;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;

/**
 * A transport for an {@link IotmpDevice} without sockets, threads or wall-clock time, for tests that drive the
 * device's real connection code byte by byte on the calling thread: the device is built with
 * {@link IotmpDeviceBuilder#eventLoopGroup} = a {@link Loop} and {@link IotmpDeviceBuilder#channelType} =
 * {@link Socket}, so its {@code Connector} bootstraps, resolves and connects as always and builds the pipeline it
 * builds for TCP. No product seam is needed.
 * <p>
 * Netty's {@code EmbeddedChannel} cannot stand in here: a {@code Bootstrap} resolves the server's address with the
 * resolver group of the channel's event loop, which keys resolvers by loop and needs the loop's termination future,
 * and {@code EmbeddedEventLoop} has none (the resolver is then kept forever and the connect fails).
 * <p>
 * A {@link Socket} is a connected TCP socket as the device sees it: what the device writes is handed to the
 * {@link Listener} as it is queued (before the "kernel" takes it), the test delivers the server's bytes as reads, the
 * server can stop reading (writes then stay queued, as when the socket's send buffer is full) and can refuse the
 * connection. Everything runs on the thread that calls {@link Loop#runPending()} and {@link Loop#advance}.
 */
public final class VirtualDeviceTransport {

    /** What a test hears of the sockets the device opens, and what it decides for them. */
    public interface Listener {
        /** The allocator of every socket's buffers. */
        ByteBufAllocator allocator();

        /** A new socket, before it is registered or connected. */
        void created(Socket socket);

        /** Whether the server accepts the connection (else it fails with {@link ConnectException}). */
        boolean acceptConnect(Socket socket);

        /** {@code bytes} (not to be retained or consumed) were written to {@code socket}, in this order. */
        void written(Socket socket, ByteBuf bytes);
    }

    /** Set on the thread that runs the device's loop while the test runs: sockets are made by reflection. */
    private static final ThreadLocal<Listener> LISTENER = new ThreadLocal<>();

    private VirtualDeviceTransport() {
    }

    /** Makes the device of {@code builder} run on {@code loop} and connect through {@link Socket}s. */
    public static IotmpDeviceBuilder on(IotmpDeviceBuilder builder, Loop loop) {
        return builder.eventLoopGroup(loop).channelType(Socket.class);
    }

    /** Tells {@code listener} of the sockets made on this thread until {@link #stopListening()}. */
    public static void listen(Listener listener) {
        LISTENER.set(listener);
    }

    public static void stopListening() {
        LISTENER.remove();
    }

    /**
     * The streams the server opened on the device's resources on the current connection: the sum over the given
     * registered resource paths (every stream is on one resource).
     */
    public static int openResourceStreams(IotmpDevice device, String... resourcePaths) {
        ClientConnection session = device.currentSession();
        if (session == null) {
            return 0;
        }
        int open = 0;
        for (String path : resourcePaths) {
            open += session.resourceStreams.streamsFor(path).size();
        }
        return open;
    }

    /** The channel of the device's current connection or attempt, or null. */
    public static Channel currentChannel(IotmpDevice device) {
        ClientConnection session = device.currentSession();
        return session != null ? session.channel : null;
    }

    // ---------------------------------------------------------------- the event loop

    /**
     * A single event loop with virtual time: {@code inEventLoop} is true for every thread (as for Netty's embedded
     * loop), tasks run when the test calls {@link #runPending()}, scheduled tasks when {@link #advance} moves time
     * past them. A task that throws fails the test instead of being logged.
     */
    public static final class Loop extends AbstractScheduledEventExecutor implements EventLoop {
        private final Queue<Runnable> tasks = new ArrayDeque<>();
        private final Promise<Void> terminated = new DefaultPromise<>(ImmediateEventExecutor.INSTANCE);
        private long nanos;
        private boolean shutdown;

        /** Virtual nanoseconds since the loop was made. */
        public long nanos() {
            return nanos;
        }

        /** Runs the tasks and the scheduled tasks that are due, until none is left. */
        public void runPending() {
            for (boolean ran = true; ran;) {
                ran = false;
                for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                    task.run();
                    ran = true;
                }
                for (Runnable task = pollScheduledTask(nanos); task != null; task = pollScheduledTask(nanos)) {
                    task.run();
                    ran = true;
                }
            }
        }

        /** Moves time on by {@code millis}, running what falls due on the way in order. */
        public void advance(long millis) {
            long target = nanos + TimeUnit.MILLISECONDS.toNanos(millis);
            runPending();
            while (true) {
                long next = nextScheduledTaskDeadlineNanos();
                if (next == -1 || next > target) {
                    break;
                }
                nanos = Math.max(nanos, next);
                runPending();
            }
            nanos = target;
            runPending();
        }

        @Override
        protected long getCurrentTimeNanos() {
            return nanos;
        }

        @Override
        public void execute(Runnable task) {
            if (shutdown) {
                throw new RejectedExecutionException("loop shut down");
            }
            tasks.add(task);
        }

        @Override
        public EventLoopGroup parent() {
            return null;
        }

        @Override
        public EventLoop next() {
            return this;
        }

        @Override
        public ChannelFuture register(Channel channel) {
            return register(new DefaultChannelPromise(channel, this));
        }

        @Override
        public ChannelFuture register(ChannelPromise promise) {
            promise.channel().unsafe().register(this, promise);
            return promise;
        }

        @Deprecated
        @Override
        public ChannelFuture register(Channel channel, ChannelPromise promise) {
            channel.unsafe().register(this, promise);
            return promise;
        }

        @Override
        public boolean inEventLoop(Thread thread) {
            return true;
        }

        @Override
        public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
            shutdown();
            return terminated;
        }

        @Override
        public Future<?> terminationFuture() {
            return terminated;
        }

        /** Drops what is left and completes the termination future (which frees the loop's address resolver). */
        @Override
        @Deprecated
        public void shutdown() {
            shutdown = true;
            tasks.clear();
            cancelScheduledTasks();
            terminated.trySuccess(null);
        }

        @Override
        public boolean isShuttingDown() {
            return shutdown;
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }

    // ---------------------------------------------------------------- the socket

    /** A client socket connected to the test, which plays the server. Made by the device's bootstrap. */
    public static final class Socket extends AbstractChannel {
        private static final ChannelMetadata METADATA = new ChannelMetadata(false);
        private static final SocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 49152);

        private final Listener listener;
        private final DefaultChannelConfig config;
        private final List<Throwable> unhandled = new ArrayList<>();
        private boolean open = true;
        private boolean connected;
        private boolean stalled;
        private SocketAddress remote;

        public Socket() {
            super(null);
            Listener current = LISTENER.get();
            if (current == null) {
                throw new IllegalStateException("VirtualDeviceTransport.listen was not called on this thread");
            }
            listener = current;
            config = new DefaultChannelConfig(this) {
                @Override
                public <T> boolean setOption(ChannelOption<T> option, T value) {
                    // the socket options of the device's bootstrap mean nothing here; accepted without a warning
                    return option == ChannelOption.TCP_NODELAY || super.setOption(option, value);
                }
            };
            config.setAllocator(listener.allocator());
            listener.created(this);
        }

        /** Delivers bytes of the server as one read, then read-complete, as a socket read does. */
        public void deliver(byte[] bytes) {
            ByteBuf buf = alloc().buffer(Math.max(bytes.length, 1));
            buf.writeBytes(bytes);
            pipeline().fireChannelRead(buf);
            pipeline().fireChannelReadComplete();
        }

        /**
         * Whether the server reads what the device writes. While it does not, writes stay queued in the channel (and
         * count towards its water marks); when it reads again, they are flushed.
         */
        public void serverReads(boolean reads) {
            boolean wasStalled = stalled;
            stalled = !reads;
            if (wasStalled && reads && isActive()) {
                flush();
            }
        }

        public boolean serverReads() {
            return !stalled;
        }

        /** Bytes the device wrote that the server has not taken yet. */
        public long pendingWriteBytes() {
            ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
            return buffer == null ? 0 : buffer.totalPendingWriteBytes();
        }

        /** Exceptions that reached the end of the pipeline, which no handler caught. */
        public List<Throwable> unhandledExceptions() {
            return unhandled;
        }

        @Override
        protected DefaultChannelPipeline newChannelPipeline() {
            return new DefaultChannelPipeline(this) {
                @Override
                protected void onUnhandledInboundException(Throwable cause) {
                    unhandled.add(cause);
                }
            };
        }

        @Override
        protected Object filterOutboundMessage(Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                // what a NIO socket channel says to anything but bytes
                throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName());
            }
            listener.written(this, buf);
            return msg;
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) {
            if (stalled) {
                return;
            }
            while (in.current() != null) {
                in.remove();
            }
        }

        @Override
        protected AbstractUnsafe newUnsafe() {
            return new AbstractUnsafe() {
                @Override
                public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
                    if (!promise.setUncancellable() || !ensureOpen(promise)) {
                        return;
                    }
                    if (!listener.acceptConnect(Socket.this)) {
                        promise.tryFailure(new ConnectException("Connection refused: " + remoteAddress));
                        close(voidPromise());
                        return;
                    }
                    remote = remoteAddress;
                    connected = true;
                    promise.trySuccess();
                    pipeline().fireChannelActive();
                }
            };
        }

        @Override
        protected boolean isCompatible(EventLoop loop) {
            return loop instanceof Loop;
        }

        @Override
        protected SocketAddress localAddress0() {
            return connected ? LOCAL : null;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }

        @Override
        protected void doBind(SocketAddress localAddress) {
            // bound implicitly on connect
        }

        @Override
        protected void doDisconnect() {
            doClose();
        }

        @Override
        protected void doClose() {
            open = false;
            connected = false;
        }

        @Override
        protected void doBeginRead() {
            // the test delivers reads while auto-read is on
        }

        @Override
        public ChannelConfig config() {
            return config;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public boolean isActive() {
            return open && connected;
        }

        @Override
        public ChannelMetadata metadata() {
            return METADATA;
        }
    }
}
