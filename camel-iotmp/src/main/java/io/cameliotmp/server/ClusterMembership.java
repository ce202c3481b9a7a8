package io.cameliotmp.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.cameliotmp.protocol.session.Answers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of its {@link ServerCluster}: claims and releases its devices in the directory, forwards calls
 * for devices held elsewhere, and serves the cluster's requests ({@link LocalDevices}). Keeps {@link IotmpServer}
 * free of cluster details.
 */
final class ClusterMembership implements LocalDevices {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final ServerCluster cluster;
    private final DeviceRegistry registry;
    private final Duration requestTimeout;
    private final Supplier<ServerMetrics> metrics;
    private final Supplier<Executor> streamThreads;
    /** Directory writes failed since the last that succeeded. */
    private final AtomicLong directoryFailures = new AtomicLong();

    /**
     * @param requestTimeout the timeout of forwarded calls that name none: this server's, as for local calls
     * @param metrics        the server's metrics of the moment (they change when it starts and stops)
     * @param streamThreads  the next of the server's threads for a stream relayed from another member
     */
    ClusterMembership(ServerCluster cluster, DeviceRegistry registry, Duration requestTimeout,
                      Supplier<ServerMetrics> metrics, Supplier<Executor> streamThreads) {
        this.cluster = cluster;
        this.registry = registry;
        this.requestTimeout = requestTimeout;
        this.metrics = metrics;
        this.streamThreads = streamThreads;
    }

    void join() {
        cluster.join(this);
    }

    void leave() {
        cluster.leave();
    }

    /**
     * The time a connection of the device made now counts as having been made: now, unless the directory names a
     * connection of it whose time is not earlier (another member's clock is ahead of this one's), then just after
     * that one. The directory keeps the newer connection by these times: a connection made after this member saw
     * the other one in the directory (a device drained off a member and reconnecting here, say) is the newer one
     * whatever the members' clocks read.
     */
    Instant connectionTime(DeviceId device) {
        Instant now = Instant.now();
        if (!cluster.clustered()) {
            return now;
        }
        try {
            DirectoryEntry held = cluster.directory().lookup(device).orElse(null);
            if (held != null && !held.connectedAt().isBefore(now)) {
                return held.connectedAt().plusNanos(1);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not look device {} up in the cluster directory", device, e);
        }
        return now;
    }

    /** The device is now connected here: this member holds it, wherever it was before. */
    void claim(DeviceRegistration registration) {
        // on failure the device stays callable here; other members cannot reach it until it reconnects
        directoryWrite("record", registration, () -> cluster.directory().claim(
                new DirectoryEntry(cluster.memberName(), registration)));
    }

    /** The connection ended: its entry goes, unless the device has connected again (here or elsewhere). */
    void release(DeviceRegistration registration) {
        directoryWrite("remove", registration, () -> cluster.directory().release(
                new DirectoryEntry(cluster.memberName(), registration)));
    }

    /**
     * A write of the directory, whose failures are logged once as they start (with the cause) and once as they end
     * (with how many there were): while the directory's cache cannot take writes, every device connecting or leaving
     * fails one, and a device reconnecting in a loop would otherwise write a stack trace to the log each time.
     */
    private void directoryWrite(String what, DeviceRegistration registration, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            if (directoryFailures.getAndIncrement() == 0) {
                LOG.warn("Could not {} device {} in the cluster directory; further failures are logged at DEBUG "
                         + "until a write succeeds", what, registration.deviceId(), e);
            } else {
                LOG.debug("Could not {} device {} in the cluster directory", what, registration.deviceId(), e);
            }
            return;
        }
        long failed = directoryFailures.getAndSet(0);
        if (failed > 0) {
            LOG.info("The cluster directory takes writes again; {} failed before", failed);
        }
    }

    /** A call for a device not connected here: forwarded to its holder, or not connected anywhere. */
    CompletableFuture<DeviceReply> forward(DeviceId device, DeviceRequest request, Duration timeout) {
        DirectoryEntry holder = cluster.directory().lookup(device).orElse(null);
        if (holder == null || holder.member().equals(cluster.memberName())) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(device));
        }
        return timed(cluster.forwarder().forward(holder, request, timeout != null ? timeout : requestTimeout));
    }

    /**
     * Like {@link #forward(DeviceId, DeviceRequest, Duration)}, only while the holder's connection has that session
     * number; the forwarded call carries it, and the holder checks it again.
     */
    CompletableFuture<DeviceReply> forward(DeviceId device, long sessionNumber, DeviceRequest request,
                                           Duration timeout) {
        DirectoryEntry holder = cluster.directory().lookup(device).orElse(null);
        if (holder == null || holder.member().equals(cluster.memberName()) || holder.sessionNumber() != sessionNumber) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(device));
        }
        return timed(cluster.forwarder().forward(holder, request, timeout != null ? timeout : requestTimeout));
    }

    /** Like {@link #forward(DeviceId, DeviceRequest, Duration)}, only to the connection the registration names. */
    CompletableFuture<DeviceReply> forward(DeviceRegistration registration, DeviceRequest request,
                                           Duration timeout) {
        DirectoryEntry holder = cluster.directory().lookup(registration.deviceId()).orElse(null);
        if (holder == null || holder.member().equals(cluster.memberName())
            || !holder.registration().equals(registration)) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(registration.deviceId()));
        }
        return timed(cluster.forwarder().forward(holder, request, timeout != null ? timeout : requestTimeout));
    }

    /** Records the latency and outcome of a forwarded call when it ends. */
    private CompletableFuture<DeviceReply> timed(CompletableFuture<DeviceReply> call) {
        long started = System.nanoTime();
        // the caller keeps the forwarder's own future, so cancelling it reaches the forwarder
        call.whenComplete((reply, failure) -> metrics.get()
                .forwardedCallCompleted(System.nanoTime() - started, outcome(failure)));
        return call;
    }

    static ServerMetrics.Outcome outcome(Throwable failure) {
        Throwable cause = Answers.unwrap(failure);
        if (cause == null) {
            return ServerMetrics.Outcome.OK;
        }
        if (cause instanceof DeviceRequestTimeoutException) {
            return ServerMetrics.Outcome.TIMEOUT;
        }
        if (cause instanceof DeviceDisconnectedException || cause instanceof DeviceNotConnectedException) {
            return ServerMetrics.Outcome.DISCONNECTED;
        }
        return ServerMetrics.Outcome.ERROR;
    }

    /** The devices connected anywhere in the cluster (of one user, or all for null), sorted by id. */
    List<DirectoryEntry> devices(String user) {
        if (!cluster.clustered()) {
            List<DirectoryEntry> local = new ArrayList<>();
            for (DeviceRegistration registration : registry.registrations(user)) {
                local.add(new DirectoryEntry(cluster.memberName(), registration));
            }
            local.sort(Comparator.comparing(entry -> entry.deviceId().toString()));
            return local;
        }
        List<DirectoryEntry> all = new ArrayList<>(cluster.directory().entries(user));
        all.sort(Comparator.comparing(entry -> entry.deviceId().toString()));
        return all;
    }

    ServerCluster cluster() {
        return cluster;
    }

    // ---- LocalDevices: what the cluster asks of this member

    @Override
    public CompletableFuture<DeviceReply> sendLocal(DeviceRegistration registration, DeviceRequest request,
                                                    Duration timeout) {
        DeviceConnection session = registry.session(registration.deviceId()).orElse(null);
        if (session == null || !registration.equals(session.registration())) {
            return CompletableFuture.failedFuture(new DeviceNotConnectedException(registration.deviceId()));
        }
        return session.send(request, timeout);
    }

    @Override
    public List<DeviceRegistration> localRegistrations() {
        return registry.registrations(null);
    }

    @Override
    public Executor streamThread() {
        return streamThreads.get();
    }

    @Override
    public void replacedElsewhere(DeviceRegistration replaced, DirectoryEntry holder) {
        registry.session(replaced.deviceId())
                .filter(session -> replaced.equals(session.registration()))
                .ifPresent(session -> session.close("replaced by a new connection of the same device on "
                                                    + holder.member()));
    }
}
