package io.cameliotmp.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;

/**
 * The real device pipeline of an {@link IotmpServer} (codec, flow gate, session) on an {@link EmbeddedChannel}, for
 * tests that drive the connection state machine byte by byte on the calling thread, with virtual time.
 * <p>
 * Uses the package-private test hook of {@link IotmpServer}: {@code initDeviceChannel(Channel)} builds the pipeline
 * an accepted socket gets, and the {@code timer} field lends a server that is never started (no socket, no threads)
 * the timer its sessions use for request timeouts. A server built here is cheap, so each test execution can have its
 * own and share no state (properties, locks, retained messages) with the previous one.
 */
public final class EmbeddedDevicePipeline {

    private EmbeddedDevicePipeline() {
    }

    /**
     * A server that is not started. {@code config} must have {@code workerThreads == 0}, so that the session runs on
     * the channel's own event loop, and {@code transport == TCP} without TLS.
     */
    public static IotmpServer unstartedServer(IotmpServerConfig config, HashedWheelTimer timer) {
        if (config.workerThreads() != 0 || config.sslContext() != null || config.transport() != Transport.TCP) {
            throw new IllegalArgumentException("the embedded pipeline needs plain TCP and no worker threads");
        }
        // legacy ids from 1, as the vectors and the fuzz corpus have them
        IotmpServer server = new IotmpServer(config,
                LegacyTestIds.startingAt(1, config.limits().maxLegacyDevicesTracked()));
        server.network.timer = timer;
        return server;
    }

    /**
     * A new connection of {@code server}: the channel is registered (and so active) only once the pipeline is
     * complete, as for an accepted socket, so the session sees {@code channelActive} and starts its CONNECT deadline.
     * Time is frozen: it moves only with {@link EmbeddedChannel#advanceTimeBy}.
     */
    public static EmbeddedChannel connect(IotmpServer server, ByteBufAllocator allocator) {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.config().setAllocator(allocator);
        channel.freezeTime();
        server.initDeviceChannel(channel);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the embedded channel", e);
        }
        return channel;
    }

    /**
     * What the {@link LegacyAdapter} of a legacy connection holds: legacy ids in use by the server's requests and
     * streams, and calls of the device waiting for the server's answer.
     */
    public record LegacyTables(int serverEntries, int pendingDeviceCalls) {
    }

    /** The tables of {@code channel}'s legacy adapter, or null when the connection is not (or not yet) legacy. */
    public static LegacyTables legacyTables(Channel channel) {
        LegacyAdapter adapter = channel.pipeline().get(LegacyAdapter.class);
        return adapter == null ? null : new LegacyTables(adapter.serverEntries(), adapter.pendingDeviceCalls());
    }
}
