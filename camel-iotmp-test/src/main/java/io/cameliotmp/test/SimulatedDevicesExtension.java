package io.cameliotmp.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Simulated IOTMP devices with resources declared in the test, for testing {@code iotmp:} server routes: each test
 * method starts with every declared device connected, and the test ends with them closed. The devices start after
 * the {@code @BeforeEach} methods, just before the test method. They are the project's Java device client, which
 * speaks IOTMP as the Thinger libraries do.
 *
 * <pre>{@code
 * @RegisterExtension
 * SimulatedDevicesExtension devices = SimulatedDevicesExtension.connectingTo("127.0.0.1", () -> port)
 *         .device("demo", "device-1", "secret-1",
 *                 device -> device.resource("temperature").output(() -> Map.of("celsius", 21.5)));
 * }</pre>
 * The server may start in a {@code @BeforeEach} method (as a Camel test support class starts its context) or in an
 * extension registered before this one.
 */
public final class SimulatedDevicesExtension implements BeforeTestExecutionCallback, AfterEachCallback {

    private record Declared(String user, String device, String credential, Consumer<IotmpDevice> resources,
                            Consumer<IotmpDeviceBuilder> options) {
    }

    private final String host;
    private final IntSupplier port;
    private final List<Declared> declared = new ArrayList<>();
    private final Map<String, IotmpDevice> running = new LinkedHashMap<>();
    private Duration wait = IotmpServerExtension.DEFAULT_WAIT;

    private SimulatedDevicesExtension(String host, IntSupplier port) {
        this.host = host;
        this.port = port;
    }

    /** Devices that connect to {@code host} on the port {@code port} gives when each test method starts. */
    public static SimulatedDevicesExtension connectingTo(String host, IntSupplier port) {
        return new SimulatedDevicesExtension(Objects.requireNonNull(host), Objects.requireNonNull(port));
    }

    /** Declares a device and its resources. */
    public SimulatedDevicesExtension device(String user, String device, String credential,
                                            Consumer<IotmpDevice> resources) {
        return device(user, device, credential, resources, builder -> {
        });
    }

    /**
     * Declares a device, its resources and client options (generation, TLS, WebSocket, …).
     *
     * @throws IllegalArgumentException for a device declared already: two clients of one device would take the
     *                                  connection from each other, and only one of them could be closed
     */
    public SimulatedDevicesExtension device(String user, String device, String credential,
                                            Consumer<IotmpDevice> resources, Consumer<IotmpDeviceBuilder> options) {
        for (Declared d : declared) {
            if (d.user().equals(user) && d.device().equals(device)) {
                throw new IllegalArgumentException("simulated device " + user + "/" + device + " is declared twice");
            }
        }
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(options, "options");
        declared.add(new Declared(Objects.requireNonNull(user, "user"), Objects.requireNonNull(device, "device"),
                credential, resources, options));
        return this;
    }

    /** How long to wait for the devices to connect; default {@link IotmpServerExtension#DEFAULT_WAIT}. */
    public SimulatedDevicesExtension waiting(Duration wait) {
        this.wait = Objects.requireNonNull(wait);
        return this;
    }

    /**
     * Starts the devices and waits until they are connected, just before the test method runs: after every
     * {@code @BeforeEach} method, so after a Camel test support class, whose {@code @BeforeEach} method starts the
     * context (and the iotmp server of its routes) only once every extension's {@code beforeEach} has run.
     * <p>
     * A device whose CONNECT the server refuses (a wrong credential, an authenticator that says no) fails the test at
     * once with the server's answer: it would be refused again on every retry, and waiting out {@link #waiting} would
     * only hide the cause for that long.
     */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        Map<String, CompletableFuture<Void>> outcomes = new LinkedHashMap<>();
        for (Declared d : declared) {
            IotmpDeviceBuilder builder = IotmpDevice.builder().host(host).port(port.getAsInt())
                    .credentials(d.user(), d.device(), d.credential())
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
            d.options().accept(builder);
            IotmpDevice device = builder.build();
            String name = d.user() + "/" + d.device();
            // kept before its resources are declared: a device is built with its event loop, which afterEach
            // releases also when the test's resources throw
            running.put(name, device);
            d.resources().accept(device);
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            device.onConnected(() -> outcome.complete(null));
            device.onRefused(outcome::completeExceptionally);
            outcomes.put(name, outcome);
            device.start();
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Map.Entry<String, CompletableFuture<Void>> entry : outcomes.entrySet()) {
            awaitOutcome(entry.getKey(), entry.getValue(), deadline);
        }
    }

    private void awaitOutcome(String name, CompletableFuture<Void> outcome, long deadline) {
        try {
            outcome.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException refused) {
            throw new AssertionError("simulated device " + name + " was refused by the server: "
                                     + refused.getCause().getMessage(), refused.getCause());
        } catch (TimeoutException timeout) {
            throw new AssertionError("simulated device " + name + " did not connect within " + wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for simulated device " + name, interrupted);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        running.values().forEach(IotmpDevice::close);
        running.clear();
    }

    /** A running device, to push values on its streams or call the server's services as it. */
    public IotmpDevice device(String user, String device) {
        IotmpDevice found = running.get(user + "/" + device);
        if (found == null) {
            throw new IllegalArgumentException("no simulated device " + user + "/" + device + " runs now");
        }
        return found;
    }
}
