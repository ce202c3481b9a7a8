package io.cameliotmp.camel.device;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.cameliotmp.device.IotmpConnectRefusedException;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.cameliotmp.device.IotmpDisconnectedException;
import io.cameliotmp.device.IotmpRequestTimeoutException;
import io.cameliotmp.device.ResourceHandler;
import io.cameliotmp.device.ServerStream;
import io.cameliotmp.micrometer.MicrometerClasspath;
import io.cameliotmp.protocol.PsonValues;
import io.cameliotmp.protocol.session.EventSubscription;
import io.netty.handler.ssl.SslContext;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device connection ({@link IotmpDevice}) shared by every endpoint that names its host, port, user and device:
 * the resources its consumer routes declare, its subscriptions and publications, its lifecycle events and the state
 * the health check reports. Reference-counted by {@link DeviceConnections}.
 * <p>
 * Resource handlers and the device's callbacks run on a single thread of the device's own, so routes see the
 * server's requests in the order they arrived (as on a reference device) and may block without stalling the
 * connection.
 */
final class SharedDevice {

    private static final Logger LOG = LoggerFactory.getLogger(SharedDevice.class);

    /** A lifecycle event of the connection. */
    record Event(String type, Long code, String reason) {
    }

    private record Publication(String topic, boolean retained) {
    }

    private final CamelContext camelContext;
    private final ConnectionSettings settings;
    private final ExecutorService handlers;
    private final IotmpDevice device;
    private final List<Consumer<Event>> eventListeners = new CopyOnWriteArrayList<>();
    /**
     * Which consumer serves each registered resource path. Changed only together with the device's resources, under
     * this map's monitor: see {@link #addResource}.
     */
    private final Map<String, Object> resourceOwners = new ConcurrentHashMap<>();
    /**
     * Runs in {@link #removeResource} between forgetting the owner and removing the device's resource; tests pause
     * there to race an add of the same path against the removal.
     */
    volatile Runnable betweenRemovalSteps = () -> {
    };
    private final Map<Publication, CompletableFuture<ServerStream>> publications = new ConcurrentHashMap<>();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private volatile Throwable lastFailure;
    private volatile boolean started;
    /**
     * The device's Micrometer meters, when Micrometer and one MeterRegistry are there; null otherwise and once
     * removed. Removed once only: a second removal would remove, by id, the meters of the next connection of the
     * same key.
     */
    private final AtomicReference<AutoCloseable> metrics;

    /** Consumers and producers holding this connection; guarded by {@link DeviceConnections}. */
    int references;

    SharedDevice(CamelContext camelContext, ConnectionSettings settings, SslContext tls) {
        this.camelContext = camelContext;
        this.settings = settings;
        // first: it checks the values, and the thread pool below must not be made for a device that cannot be
        IotmpDeviceBuilder builder = settings.deviceBuilder();
        // One thread, as before, but never caller-runs: Camel's single-thread executor runs a task on the caller
        // once its queue is full, and the caller is the device's event loop. The queue holds what the device lets be
        // in flight, so only work beyond that (samples, lifecycle callbacks at the limit) can be refused; a refused
        // RUN is answered with ERROR.
        ConnectionSettings.Bounds bounds = settings.bounds();
        int maxInFlight = bounds.maxHandlersInFlight();
        ThreadPoolProfile profile = new ThreadPoolProfile("iotmp-device-handlers");
        profile.setPoolSize(1);
        profile.setMaxPoolSize(1);
        profile.setMaxQueueSize(maxInFlight);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        this.handlers = camelContext.getExecutorServiceManager().newThreadPool(this, "IotmpDevice " + settings.key(),
                profile);
        this.device = builder.handlerExecutor(handlers)
                .tls(tls)
                .verifyHostname(!settings.trustAllCertificates())
                .build();
        device.onConnected(this::connected);
        device.onDisconnected(() -> fire(new Event(IotmpDeviceEventsConsumer.DISCONNECTED, null, null)));
        device.onRefused(this::refused);
        device.onConnectFailed(this::connectFailed);
        this.metrics = new AtomicReference<>(MicrometerClasspath.present()
                ? DeviceMicrometer.bind(camelContext, device) : null);
    }

    ConnectionSettings settings() {
        return settings;
    }

    IotmpDevice device() {
        return device;
    }

    CamelContext camelContext() {
        return camelContext;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Connects, and keeps reconnecting with backoff until {@link #close()}. */
    void start() {
        if (started) {
            return;
        }
        started = true;
        LOG.info("Connecting IOTMP device {} with {} resource(s): {}", settings, resourceOwners.size(),
                resourceOwners.keySet());
        device.start().whenComplete((connected, failure) -> {
            if (failure != null && !device.isClosed()) {
                // only without reconnecting: the device gave up after its first attempt
                LOG.warn("IOTMP device {} could not connect and does not retry (reconnectBackoffMax=0): {}",
                        settings.key(), PsonValues.text(failure.toString()));
            }
        });
    }

    boolean isStarted() {
        return started;
    }

    /**
     * Disconnects (DISCONNECT, then close) and releases the device's thread; removes the meters, unless
     * {@link #removeMeters()} did already.
     */
    void close() {
        try {
            device.close();
        } finally {
            camelContext.getExecutorServiceManager().shutdown(handlers);
            removeMeters();
        }
    }

    /**
     * Removes the device's meters from the MeterRegistry, once. {@link DeviceConnections} calls it under its lock when
     * the connection is released, before the next connection of the same key can register meters with the same ids.
     */
    void removeMeters() {
        AutoCloseable registered = metrics.getAndSet(null);
        if (registered != null) {
            try {
                registered.close();
            } catch (Exception e) {
                LOG.debug("Removing the meters of {} failed: {}", settings.key(), e.toString());
            }
        }
    }

    private void connected() {
        lastFailure = null;
        failureReported.set(false);
        fire(new Event(IotmpDeviceEventsConsumer.CONNECTED, null, null));
    }

    /** The device client logs a run of refusals once at WARN; the events consumers hear of every one. */
    private void refused(IotmpConnectRefusedException refusal) {
        lastFailure = refusal;
        fire(new Event(IotmpDeviceEventsConsumer.REFUSED, refusal.code(), refusal.getMessage()));
    }

    /** Once per run of failures at WARN: an unreachable server or an untrusted certificate must not go unnoticed. */
    private void connectFailed(Throwable cause) {
        lastFailure = cause;
        if (failureReported.compareAndSet(false, true)) {
            LOG.warn("IOTMP device {} cannot connect, retrying with backoff (said once until it connects): {}",
                    settings.key(), PsonValues.text(cause.toString())); // the peer's bytes may be in it
        }
    }

    /** Why the device is not connected: the server's last refusal or the last failed attempt, or null. */
    Throwable lastFailure() {
        IotmpConnectRefusedException refusal = device.lastRefusal();
        return refusal != null ? refusal : lastFailure;
    }

    // ---------------------------------------------------------------- what endpoints attach

    void addEventListener(Consumer<Event> listener) {
        eventListeners.add(listener);
    }

    void removeEventListener(Consumer<Event> listener) {
        eventListeners.remove(listener);
    }

    private void fire(Event event) {
        for (Consumer<Event> listener : eventListeners) {
            listener.accept(event);
        }
    }

    /**
     * Adds a resource to the device's API.
     *
     * @throws IllegalStateException when another route serves that path already
     */
    void addResource(String path, IotmpResourceKind kind, Object inputSample, ResourceHandler handler, Object owner) {
        // One step with removeResource: otherwise a route's removal that forgot its owner could remove, from the
        // device, the resource another route registered meanwhile, leaving the table naming an owner of a path the
        // device (and DESCRIBE) no longer has.
        synchronized (resourceOwners) {
            Object previous = resourceOwners.putIfAbsent(path, owner);
            if (previous != null && previous != owner) {
                throw new IllegalStateException("The resource " + path + " of IOTMP device " + settings.key()
                                                + " is already served by another route");
            }
            device.resource(path).inputSample(inputSample).handler(kind.deviceKind(), handler);
        }
    }

    void removeResource(String path, Object owner) {
        synchronized (resourceOwners) {
            if (resourceOwners.remove(path, owner)) {
                betweenRemovalSteps.run();
                device.removeResource(path);
            }
        }
    }

    /** Subscribes to a server event stream, opened again after every reconnect; see IotmpDevice#openServerStream. */
    CompletionStage<ServerStream> subscribe(EventSubscription subscription, Consumer<Object> onData) {
        return device.openServerStream(subscription.toParameters(), onData);
    }

    /**
     * Publishes on a topic through a publication stream opened on first use and kept (and re-opened after reconnects)
     * for later messages.
     */
    CompletionStage<Void> publish(String topic, boolean retained, Object payload) {
        if (!device.isConnected()) {
            return CompletableFuture.failedFuture(
                    new IotmpDisconnectedException("IOTMP device " + settings.key() + " is not connected"));
        }
        Publication key = new Publication(topic, retained);
        CompletableFuture<ServerStream> opening;
        synchronized (publications) {
            opening = publications.get(key);
            if (opening == null || endedStream(opening)) {
                // none yet, or the server stopped it (such a stream is never opened again): open one
                CompletableFuture<ServerStream> stage = device.openServerStream(
                        new EventSubscription.TopicPublication(topic, retained).toParameters(), data -> {
                        }, false).toCompletableFuture(); // a lost connection fails the message at once
                publications.put(key, stage);
                stage.whenComplete((stream, failure) -> {
                    if (failure != null) {
                        publications.remove(key, stage); // refused: the next message asks again
                    }
                });
                opening = stage;
            }
        }
        return opening.copy()
                .orTimeout(settings.requestTimeout(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(failure instanceof TimeoutException
                        ? new IotmpRequestTimeoutException("the publication stream on " + topic + " did not open"
                                                           + " within " + settings.requestTimeout() + " ms")
                        : failure))
                .thenCompose(stream -> stream.send(payload));
    }

    private static boolean endedStream(CompletableFuture<ServerStream> opening) {
        ServerStream stream = opening.isDone() && !opening.isCompletedExceptionally() ? opening.join() : null;
        return stream != null && stream.isClosed();
    }

    @Override
    public String toString() {
        return "SharedDevice[" + settings + "]";
    }
}
