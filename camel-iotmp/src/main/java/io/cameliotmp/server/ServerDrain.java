package io.cameliotmp.server;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the devices off a server that no longer accepts connections, for a rolling upgrade: every tick it sends
 * DISCONNECT to a few of them, at most {@code devicesPerSecond} per second, so that they reconnect (through the
 * load balancer) to other members of the cluster without a reconnect storm on them. Done once no device is
 * connected here; devices whose connection was accepted just before the listener closed are drained too.
 */
final class ServerDrain {

    private static final Logger LOG = LoggerFactory.getLogger(ServerDrain.class);

    /** The shortest pause between two batches: a high rate is spread over ten batches a second. */
    static final long MIN_TICK_MILLIS = 100;

    static final String REASON = "server draining";

    private final DeviceRegistry registry;
    private final int devicesPerSecond;
    private final long tickMillis;
    private final int perTick;
    /** Connections told to go whose end has not been seen yet: not counted again in the next batch. */
    private final Set<DeviceConnection> closing = Collections.newSetFromMap(new IdentityHashMap<>());
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private ScheduledFuture<?> task;

    ServerDrain(DeviceRegistry registry, int devicesPerSecond) {
        if (devicesPerSecond <= 0) {
            throw new IllegalArgumentException("devicesPerSecond must be positive: " + devicesPerSecond);
        }
        this.registry = registry;
        this.devicesPerSecond = devicesPerSecond;
        this.tickMillis = tickMillis(devicesPerSecond);
        this.perTick = perTick(devicesPerSecond, tickMillis);
    }

    /** The pause between batches: one device per batch below ten a second, else {@link #MIN_TICK_MILLIS}. */
    static long tickMillis(int devicesPerSecond) {
        // rounded up: a shorter pause would exceed the rate
        return Math.max(MIN_TICK_MILLIS, (1000L + devicesPerSecond - 1) / devicesPerSecond);
    }

    /** Devices per batch: rounded down, so the rate is never above {@code devicesPerSecond}, and at least one. */
    static int perTick(int devicesPerSecond, long tickMillis) {
        return (int) Math.max(1, devicesPerSecond * tickMillis / 1000);
    }

    /** Starts the batches on {@code executor}; the first one runs at once. */
    synchronized CompletableFuture<Void> start(EventExecutor executor) {
        LOG.info("Draining {} devices, {} per second", registry.size(), devicesPerSecond);
        task = executor.scheduleAtFixedRate(this::tick, 0, tickMillis, TimeUnit.MILLISECONDS);
        return drained;
    }

    /** Completes once no device is connected here; fails if the server stops first. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    int devicesPerSecond() {
        return devicesPerSecond;
    }

    /** One batch: DISCONNECT to at most {@code perTick} devices not told yet. */
    synchronized void tick() {
        Collection<DeviceConnection> connected = registry.sessions();
        if (connected.isEmpty()) {
            finish();
            drained.complete(null);
            return;
        }
        Set<DeviceConnection> stillConnected = Collections.newSetFromMap(new IdentityHashMap<>());
        stillConnected.addAll(connected);
        closing.retainAll(stillConnected);
        int told = 0;
        for (DeviceConnection connection : connected) {
            if (told == perTick) {
                break;
            }
            if (closing.add(connection)) {
                connection.close(REASON);
                told++;
            }
        }
    }

    /** The server stopped: no more batches. */
    synchronized void cancel() {
        finish();
        drained.completeExceptionally(new IllegalStateException("server stopped before it was drained"));
    }

    private void finish() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
