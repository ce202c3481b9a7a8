package io.cameliotmp.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpDevice;

/**
 * The examples' demo devices, simulated: {@code demo/device-1} … {@code demo/device-n} with the credentials
 * {@code secret-1} … {@code secret-n} (the examples' demo credentials), so that an example's "run it with a demo"
 * command has devices whose resources match its README. Each device offers
 * <ul>
 * <li>{@code temperature}: {@code {"celsius": …}}, a value that drifts and is reported on the server's on-change
 * streams every {@code period};</li>
 * <li>{@code led}: {@code {"on": true|false}}: run with an input it takes it; either way it answers its state;</li>
 * <li>{@code echo}: returns {@code {"echo": input}}.</li>
 * </ul>
 * and, when {@link #writingBucket} names a bucket, writes its temperature to that bucket every {@code period}.
 * Not for load: one scheduler thread drives every device.
 */
public final class DemoFleet implements AutoCloseable {

    private final String host;
    private final int port;
    private final int size;
    private Duration period = Duration.ofSeconds(5);
    private String bucket;
    private final Map<String, IotmpDevice> devices = new LinkedHashMap<>();
    private final AtomicLong ticks = new AtomicLong();
    private ScheduledExecutorService scheduler;

    private DemoFleet(String host, int port, int size) {
        this.host = Objects.requireNonNull(host, "host");
        // checked here, as the devices check it only in start(), once the fleet's thread runs
        if (port <= 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        if (size < 1) {
            throw new IllegalArgumentException("a fleet has at least one device, not " + size);
        }
        this.size = size;
    }

    /** {@code size} demo devices that will connect to the IOTMP server on {@code host:port}. */
    public static DemoFleet connectingTo(String host, int port, int size) {
        return new DemoFleet(host, port, size);
    }

    /** How often temperatures change (and are written to the bucket, if any); default five seconds. */
    public DemoFleet every(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period must be positive, not " + period);
        }
        this.period = period;
        return this;
    }

    /** Each device also writes {@code {"celsius": …}} to this bucket every period. */
    public DemoFleet writingBucket(String bucket) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        return this;
    }

    /**
     * Starts the devices; each connects (and reconnects) on its own, so the server may start later. A fleet that was
     * closed may start again.
     */
    public synchronized DemoFleet start() {
        if (scheduler != null) {
            throw new IllegalStateException("the fleet runs already");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "demo-fleet");
            thread.setDaemon(true);
            return thread;
        });
        for (int n = 1; n <= size; n++) {
            IotmpDevice device = IotmpDevice.builder().host(host).port(port)
                    .credentials("demo", "device-" + n, "secret-" + n).build();
            int index = n;
            AtomicReference<Object> led = new AtomicReference<>(Map.of("on", false));
            device.resource("temperature").output(() -> Map.of("celsius", celsius(index)));
            device.resource("led").inputOutput(input -> {
                if (input != null) {
                    led.set(input);
                }
                return led.get();
            });
            device.resource("echo").inputOutput(input -> Map.of("echo", input));
            devices.put(device.deviceId(), device);
            device.start();
        }
        long millis = period.toMillis();
        scheduler.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The running device {@code device-n}, to call services as it or push values. */
    public synchronized IotmpDevice device(String deviceId) {
        IotmpDevice device = devices.get(deviceId);
        if (device == null) {
            throw new IllegalArgumentException("no demo device " + deviceId + " (there are " + devices.keySet() + ")");
        }
        return device;
    }

    /** Waits until every device is connected; false if one is not within {@code timeout}. */
    public boolean awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (IotmpDevice device : snapshot()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !device.awaitConnected(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** The current temperature of device {@code n}: a slow, bounded drift, different per device. */
    double celsius(int n) {
        long t = ticks.get();
        return Math.round((18.0 + 2 * n + 3 * Math.sin((t + 3 * n) / 4.0)) * 100) / 100.0;
    }

    private void tick() {
        ticks.incrementAndGet();
        for (IotmpDevice device : snapshot()) {
            device.stream("temperature");
            if (bucket != null && device.isConnected()) {
                int n = Integer.parseInt(device.deviceId().substring("device-".length()));
                // no confirmation wanted: a demo device does not retry, and an unconfirmed write cannot block it
                device.writeBucket(bucket, Map.of("celsius", celsius(n)), false);
            }
        }
    }

    private synchronized List<IotmpDevice> snapshot() {
        return List.copyOf(devices.values());
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        devices.values().forEach(IotmpDevice::close);
        devices.clear();
    }
}
