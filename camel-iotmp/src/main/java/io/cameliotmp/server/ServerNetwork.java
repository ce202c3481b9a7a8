package io.cameliotmp.server;

import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty side of an {@link IotmpServer}: its thread groups, its timer, its listeners (IOTMP and, when asked for,
 * legacy) and the group of the channels they accepted. Knows nothing of devices: every accepted channel goes to the
 * initializer the server binds with. Changed under the server's lock; the listeners are volatile, so that what reads
 * them ({@link #isListening}, the addresses: health checks, the dev console, JMX) never waits for a start or stop.
 */
final class ServerNetwork {

    private static final Logger LOG = LoggerFactory.getLogger(ServerNetwork.class);

    private final IotmpServerConfig config;
    private boolean epoll;
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private EventExecutorGroup workerGroup;
    /**
     * Created by {@link #createThreads}. Package-private only so that tests can lend a server that is never started a
     * timer for request timeouts when they build its device pipeline on an {@code EmbeddedChannel} (see
     * {@link IotmpServer#initDeviceChannel}).
     */
    HashedWheelTimer timer;
    private ChannelGroup channels;
    private volatile Channel serverChannel;
    private volatile LegacyBindings legacyBindings = LegacyBindings.NONE;
    /**
     * Set once the bound listeners accept ({@link #startAccepting}): not read from the listener's auto-read, which
     * Netty turns off for a second when an accept fails (no file descriptor left), a server that still runs.
     */
    private volatile boolean accepting;

    ServerNetwork(IotmpServerConfig config) {
        this.config = config;
    }

    /**
     * The threads, the timer and the channel group; nothing is bound yet. If one cannot be made, those made before
     * are shut down again.
     */
    void createThreads() {
        bossGroup = null;
        ioGroup = null;
        workerGroup = null;
        timer = null;
        try {
            epoll = EventLoops.useEpoll(config.nativeTransport());
            bossGroup = EventLoops.group(epoll, 1, threads("iotmp-accept"));
            ioGroup = EventLoops.group(epoll, config.ioThreads(), threads("iotmp-io"));
            workerGroup = config.workerThreads() > 0
                    ? new DefaultEventExecutorGroup(config.workerThreads(), threads("iotmp-worker")) : null;
            timer = new HashedWheelTimer(threads("iotmp-timer"), 10, TimeUnit.MILLISECONDS);
            channels = new DefaultChannelGroup("iotmp-devices", GlobalEventExecutor.INSTANCE);
        } catch (RuntimeException | Error e) {
            shutdownThreads();
            throw e;
        }
    }

    /**
     * Binds the IOTMP listener and the legacy ones the configuration asks for; every accepted channel goes to
     * {@code init} with its listener. The listeners accept nothing until {@link #startAccepting}: the connections
     * wait in the system's backlog. If a listener cannot be bound, none stays bound (the threads do).
     */
    void bind(BiConsumer<Channel, ListenerKind> init) {
        Class<? extends ServerChannel> channelType = EventLoops.serverChannel(epoll);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch, ListenerKind.IOTMP);
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
            // the cause's message too: the one line a failed start shows should say which port, and why
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
                                            + bindFailure(e), e);
        }
        try {
            legacyBindings = LegacyBindings.bind(bootstrap, config, init);
        } catch (RuntimeException e) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null;
            throw e;
        }
    }

    /** The bound listeners start accepting connections. */
    void startAccepting() {
        accepting = true;
        serverChannel.config().setAutoRead(true);
        legacyBindings.startAccepting();
        LOG.info("IOTMP server listening on {} ({}{}{})", serverChannel.localAddress(), epoll ? "epoll" : "nio",
                config.sslContext() != null ? ", TLS" : "",
                config.transport() == Transport.WEBSOCKET ? ", WebSocket " + config.webSocketPath() : "");
    }

    /** Whether the listeners were bound and not yet unbound by {@link #unbind} (a drain only closes them). */
    boolean isBound() {
        return serverChannel != null;
    }

    /** Bound, not closed, and accepting (a start still making its metrics has not begun to accept). */
    boolean isListening() {
        Channel listener = serverChannel;
        return accepting && listener != null && listener.isActive();
    }

    /** Stops accepting; the accepted channels stay open. */
    void closeListeners() {
        accepting = false;
        serverChannel.close().syncUninterruptibly();
        legacyBindings.close();
    }

    /** Stops accepting for good. */
    void unbind() {
        closeListeners();
        serverChannel = null;
        legacyBindings = LegacyBindings.NONE;
    }

    /** Closes every accepted channel, waiting a few seconds at most. */
    void closeChannels() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Releases whatever {@link #createThreads} and {@link #bind} made, also when either failed half-way: listeners,
     * accepted channels, threads and timer.
     */
    void release() {
        if (serverChannel != null) {
            unbind();
        }
        if (channels != null) {
            closeChannels();
        }
        shutdownThreads();
    }

    /** Shuts down the threads and the timer made, waiting for them to end; those never made are skipped. */
    void shutdownThreads() {
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        // I/O first: closed channels fire their inactive events there, which sessions hand to their workers, so the
        // workers must still take tasks until the I/O threads are done (pending calls are failed on that event)
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (timer != null) {
            timer.stop();
        }
    }

    /** The accepted channels, or null while the server was never started. */
    ChannelGroup channels() {
        return channels;
    }

    /** The worker a new connection runs on, or null to run it on its I/O thread ({@code workerThreads=0}). */
    EventExecutor nextWorker() {
        return workerGroup != null ? workerGroup.next() : null;
    }

    /**
     * The thread the samples of a stream relayed from another cluster member go to their listener on: the next
     * worker, or the next I/O thread with {@code workerThreads=0}, as a new connection's.
     */
    EventExecutor nextStreamThread() {
        return workerGroup != null ? workerGroup.next() : ioGroup.next();
    }

    /** A thread of the accepting group, for the server's own paced tasks (a drain). */
    EventLoop acceptLoop() {
        return bossGroup.next();
    }

    Timer timer() {
        return timer;
    }

    InetSocketAddress localAddress() {
        Channel listener = serverChannel;
        if (listener == null) {
            throw new IllegalStateException("server is not started");
        }
        return (InetSocketAddress) listener.localAddress();
    }

    InetSocketAddress legacyAddress() {
        return legacyBindings.plainAddress();
    }

    InetSocketAddress legacyTlsAddress() {
        return legacyBindings.tlsAddress();
    }

    private static DefaultThreadFactory threads(String name) {
        return new DefaultThreadFactory(name, true);
    }

    /**
     * Why a bind failed, in words: an unresolvable host's exception has no message, which made the line read
     * "cannot listen on nosuch.example:25204: null".
     */
    static String bindFailure(Throwable e) {
        if (e instanceof UnresolvedAddressException) {
            return "the host name does not resolve to an address of this machine";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }
}
