package io.cameliotmp.test;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.server.DeviceId;
import io.cameliotmp.server.DeviceRequest;
import io.cameliotmp.server.IotmpServer;
import io.cameliotmp.server.IotmpServerConfig;
import io.cameliotmp.server.StaticAuthenticator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded IOTMP server on a free loopback port, for testing {@code iotmp-device:} routes: point the routes at
 * {@link #port()}, then call their resources as the server would. Registered on a static field it serves the whole
 * test class, its {@code @Nested} classes included, on an instance field each test (each test class with
 * {@code @TestInstance(PER_CLASS)}, where the instance lives as long as the class).
 *
 * <pre>{@code
 * @RegisterExtension
 * static IotmpServerExtension server = IotmpServerExtension.withCredentials("demo/gateway=secret");
 *
 * @Test
 * void theRouteAnswers() throws Exception {
 *     // a route from("iotmp-device:load?host=127.0.0.1&port=" + server.port() + "&user=demo&device=gateway...")
 *     server.awaitDevice("demo", "gateway");
 *     assertThat(server.run("demo", "gateway", "load", null)).isNotNull();
 * }
 * }</pre>
 */
public final class IotmpServerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    /** How long {@link #awaitDevice} and the calls wait by default: generous, as test machines are often busy. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final IotmpServerConfig.Builder config;
    private Duration wait = DEFAULT_WAIT;
    private IotmpServer server;
    /**
     * The class contexts running now that have this extension: its declaring class and the {@code @Nested} classes in
     * it, which inherit it and call {@link #beforeAll} again. Zero for an instance field, which serves each test.
     */
    private int classLevels;

    private IotmpServerExtension(IotmpServerConfig.Builder config) {
        this.config = config;
    }

    /** A server that accepts the devices of {@code deviceCredentials} ({@code user/device=credential,…}). */
    public static IotmpServerExtension withCredentials(String deviceCredentials) {
        return new IotmpServerExtension(IotmpServerConfig.builder()
                .authenticator(StaticAuthenticator.parse(Objects.requireNonNull(deviceCredentials))));
    }

    /** A server built from {@code config}; its host and port are set to loopback and a free port. */
    public static IotmpServerExtension withConfig(IotmpServerConfig.Builder config) {
        return new IotmpServerExtension(Objects.requireNonNull(config));
    }

    /** How long to wait for devices and answers; default {@link #DEFAULT_WAIT}. */
    public IotmpServerExtension waiting(Duration wait) {
        this.wait = Objects.requireNonNull(wait);
        return this;
    }

    /**
     * Starts the server for the declaring class only: a {@code @Nested} class keeps its enclosing class's server (and
     * port, which the routes of the enclosing class were given), rather than starting another in its place.
     */
    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (classLevels++ == 0) {
            start();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (--classLevels == 0) {
            stop();
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (classLevels == 0) {
            start();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (classLevels == 0) {
            stop();
        }
    }

    private void start() {
        IotmpServer starting = new IotmpServer(config.host("127.0.0.1").port(0).build());
        // a server that failed to start released what it made; it is not kept as the running one
        starting.start();
        server = starting;
    }

    private void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return running().localAddress().getPort();
    }

    /** The server itself, for anything the shortcuts here do not offer. */
    public IotmpServer server() {
        return running();
    }

    /** Waits until the device is connected; fails after the wait. */
    public void awaitDevice(String user, String device) throws InterruptedException {
        DeviceId id = new DeviceId(user, device);
        long deadline = System.nanoTime() + wait.toNanos();
        while (running().registry().registration(id).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("device " + id + " did not connect within " + wait);
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling a condition, bounded by the wait
        }
    }

    /**
     * Runs a resource of a connected device and returns its output (the OK's payload).
     *
     * @throws io.cameliotmp.server.DeviceErrorException        when the device answers ERROR (its route failed)
     * @throws io.cameliotmp.server.DeviceNotConnectedException when the device is not connected
     */
    public Object run(String user, String device, String resource, Object input) throws Exception {
        return answer(new DeviceId(user, device), DeviceRequest.run(resource, input));
    }

    /** Describes a connected device's API ({@code resource} null) or one resource; fails as {@link #run}. */
    public Object describe(String user, String device, String resource) throws Exception {
        return answer(new DeviceId(user, device), DeviceRequest.describe(resource));
    }

    private Object answer(DeviceId device, DeviceRequest request) throws Exception {
        try {
            return running().send(device, request, wait).get(wait.toMillis() * 2, TimeUnit.MILLISECONDS).payload();
        } catch (ExecutionException e) {
            // the server's own exception, which a test asserts on, rather than the future's wrapper; the wrapper,
            // made on this thread, keeps the test's line in the trace
            if (e.getCause() instanceof Exception cause) {
                cause.addSuppressed(e);
                throw cause;
            }
            throw e;
        }
    }

    private synchronized IotmpServer running() {
        if (server == null) {
            throw new IllegalStateException("the server runs only while a test runs");
        }
        return server;
    }
}
