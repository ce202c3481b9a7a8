package io.cameliotmp.server;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.cameliotmp.protocol.session.Scheduler;
import io.netty.util.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connections of an {@link IotmpServer} see of it (see {@link SessionContext}), and the lifecycle of their
 * devices in the server: registered once authenticated (replacing an older connection of the same device and
 * claiming it in the cluster), announced once they have their OK, released when they end.
 */
final class ServerSessionContext implements SessionContext {

    // the server's logger: connects and disconnects have always been logged under its name
    private static final Logger LOG = LoggerFactory.getLogger(IotmpServer.class);

    private final IotmpServerConfig config;
    private final Supplier<ServerMetrics> metrics;
    private final Supplier<Timer> timer;
    private final Scheduler scheduler = this::schedule;
    private final ConnectionGuard guard;
    private final ConnectValidation connectValidation;
    private final RefusalLog refusalLog;
    private final DeviceRegistry registry;
    private final ClusterMembership membership;
    private final StreamSubscriptions subscriptions;
    private final CallHandlers calls;
    private final EventStreams events;
    private final BuiltinServices builtins;
    private final ReceivedSamples receivedSamples;
    /**
     * The last session number given. A cluster member starts at a random place: every member counts its own, and a
     * device moving between members must not get the number its connection had on the other, which the members
     * compare (a stream's data pinned to its connection, the release of its sync locks). Below 2^52, so that a
     * number stays exact in JSON.
     */
    private final AtomicLong sessionNumbers;
    private final FlowBounds flowBounds;

    ServerSessionContext(IotmpServerConfig config, Supplier<ServerMetrics> metrics, Supplier<Timer> timer,
                         ConnectionGuard guard, ConnectValidation connectValidation, RefusalLog refusalLog,
                         DeviceRegistry registry, ClusterMembership membership, StreamSubscriptions subscriptions,
                         CallHandlers calls, EventStreams events, BuiltinServices builtins,
                         ReceivedSamples receivedSamples) {
        this.config = config;
        this.metrics = metrics;
        this.timer = timer;
        this.guard = guard;
        this.connectValidation = connectValidation;
        this.refusalLog = refusalLog;
        this.registry = registry;
        this.membership = membership;
        this.subscriptions = subscriptions;
        this.calls = calls;
        this.events = events;
        this.builtins = builtins;
        this.receivedSamples = receivedSamples;
        this.sessionNumbers = new AtomicLong(config.cluster().clustered()
                ? ThreadLocalRandom.current().nextLong(1L << 52) : 0);
        this.flowBounds = new FlowBounds(config.maxInFlight(), config.limits().maxDecodedFrameBytes(),
                config.backpressurePolicy(), new InFlightBytes(), System::nanoTime);
    }

    @Override
    public IotmpServerConfig config() {
        return config;
    }

    @Override
    public ServerMetrics metrics() {
        return metrics.get();
    }

    @Override
    public Scheduler timer() {
        return scheduler;
    }

    /**
     * The server's timer wheel as a scheduler, one for the server. A connection with requests pending has one task on
     * it at a time (see {@code RequestTracker}), not one per request, so the two lambdas a task takes are no cost.
     */
    private Scheduler.Cancellable schedule(Runnable task, long delayMillis) {
        return timer.get().newTimeout(t -> task.run(), delayMillis, TimeUnit.MILLISECONDS)::cancel;
    }

    @Override
    public ConnectionGuard guard() {
        return guard;
    }

    @Override
    public ConnectValidation connectValidation() {
        return connectValidation;
    }

    @Override
    public RefusalLog refusalLog() {
        return refusalLog;
    }

    @Override
    public long nextSessionNumber() {
        return sessionNumbers.incrementAndGet();
    }

    @Override
    public Instant connectionTime(DeviceId device) {
        return membership.connectionTime(device);
    }

    @Override
    public void register(DeviceConnection session) {
        guard.authenticationSucceeded(session.remoteAddress(), session.registration().deviceId());
        DeviceConnection replaced = registry.register(session);
        if (replaced != null) {
            replaced.close("replaced by a new connection of the same device");
        }
        membership.claim(session.registration());
        receivedSamples.started(session.countersForUpdate());
    }

    @Override
    public void announce(DeviceConnection session) {
        DeviceRegistration registration = session.registration();
        LOG.debug("Device {} connected from {}", registration.deviceId(), registration.remoteAddress());
        metrics().deviceConnected();
        registry.fireConnected(registration);
        subscriptions.attach(session);
    }

    @Override
    public void deactivated(DeviceConnection session, String reason) {
        receivedSamples.ended(session.countersForUpdate());
        builtins.connectionEnded(session.registration());
        if (registry.unregister(session)) {
            membership.release(session.registration());
        }
        metrics().deviceDisconnected();
        LOG.debug("Device {} disconnected: {}", session.registration().deviceId(), reason);
        registry.fireDisconnected(session.registration(), reason);
    }

    @Override
    public void authenticationRefused(AuthRequest request, AuthDecision decision) {
        metrics().authenticationRefused();
        registry.fireAuthenticationRefused(request, decision);
    }

    @Override
    public DeviceCallHandler callHandler(DeviceCall call) {
        return calls.handler(call);
    }

    @Override
    public Map<String, Object> describeServerResources() {
        return calls.describe();
    }

    @Override
    public EventStreams events() {
        return events;
    }

    @Override
    public PropertyStore propertyStore() {
        return builtins.properties();
    }

    @Override
    public FlowBounds flowBounds() {
        return flowBounds;
    }
}
