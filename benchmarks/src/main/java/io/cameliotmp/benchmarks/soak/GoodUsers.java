package io.cameliotmp.benchmarks.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.IotmpDeviceBuilder;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Recorder;

/**
 * What must keep working during an attack: a good device logging in again and again (the real device client, from
 * 127.0.0.1, which no attack uses) and a client calling a healthy device's resource through the REST API. Each runs
 * on a thread of its own and records latencies, read and reset per phase.
 * <p>
 * Over WebSocket ({@code webSocketPath} given) the good device logs in over WebSocket, and since the quickstart's own
 * simulated device speaks TCP only, this class connects {@code demo/sim-1} itself, over WebSocket, with the
 * {@code temperature} resource the REST client calls.
 */
final class GoodUsers implements AutoCloseable {

    private final String host;
    private final int iotmpPort;
    private final URI resource;
    private final HttpClient http;
    private final EventLoopGroup group;
    private final Recorder logins = new Recorder(3);
    private final Recorder calls = new Recorder(3);
    private final AtomicLong loginFailures = new AtomicLong();
    private final AtomicLong callFailures = new AtomicLong();
    /** The WebSocket path of the server, or null for TCP. */
    private final String webSocketPath;
    private final String simulatorCredential;
    private IotmpDevice simulated;
    private volatile boolean running = true;
    private final Thread loginLoop;
    private final Thread callLoop;

    GoodUsers(String host, int iotmpPort, int httpPort, HttpClient http, EventLoopGroup group) {
        this(host, iotmpPort, httpPort, http, group, null, null);
    }

    /**
     * @param webSocketPath       the server's WebSocket path, or null for TCP
     * @param simulatorCredential the credential of {@code demo/sim-1}, which this class connects over WebSocket
     */
    GoodUsers(String host, int iotmpPort, int httpPort, HttpClient http, EventLoopGroup group, String webSocketPath,
              String simulatorCredential) {
        this.webSocketPath = webSocketPath;
        this.simulatorCredential = simulatorCredential;
        this.host = host;
        this.iotmpPort = iotmpPort;
        this.resource = URI.create("http://" + host + ":" + httpPort
                + "/v3/users/demo/devices/sim-1/resources/temperature");
        this.http = http;
        this.group = group;
        loginLoop = new Thread(this::logInRepeatedly, "good-device");
        callLoop = new Thread(this::callRepeatedly, "good-rest-client");
    }

    void start() throws Exception {
        if (webSocketPath != null) {
            simulated = IotmpDevice.builder().host(host).port(iotmpPort).webSocket(webSocketPath, false)
                    .credentials("demo", "sim-1", simulatorCredential).localAddress("127.0.0.1").eventLoopGroup(group)
                    .build();
            simulated.resource("temperature").output(() -> Map.of("celsius", 21.5));
            simulated.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        loginLoop.start();
        callLoop.start();
    }

    /** Two logins a second: connect, CONNECT, OK, then a clean DISCONNECT. */
    private void logInRepeatedly() {
        while (running) {
            long start = System.nanoTime();
            IotmpDeviceBuilder builder = IotmpDevice.builder().host(host).port(iotmpPort)
                    .credentials("demo", "device-1", "secret-1").localAddress("127.0.0.1").eventLoopGroup(group)
                    .noReconnect().connectTimeout(Duration.ofSeconds(10));
            IotmpDevice device = (webSocketPath != null ? builder.webSocket(webSocketPath, false) : builder).build();
            try {
                device.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                logins.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
            } catch (Exception e) {
                loginFailures.incrementAndGet();
            } finally {
                device.close();
            }
            pause(500);
        }
    }

    /** Twenty calls a second to the simulated device's temperature. */
    private void callRepeatedly() {
        HttpRequest request = HttpRequest.newBuilder(resource).header("Authorization", Soak.authorization())
                .timeout(Duration.ofSeconds(30)).build();
        while (running) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    calls.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
                } else {
                    callFailures.incrementAndGet();
                }
            } catch (Exception e) {
                callFailures.incrementAndGet();
            }
            pause(50);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Latencies since the last call (microseconds) and failures; resets them. */
    Snapshot snapshot() {
        return new Snapshot(logins.getIntervalHistogram(), loginFailures.getAndSet(0), calls.getIntervalHistogram(),
                callFailures.getAndSet(0));
    }

    record Snapshot(org.HdrHistogram.Histogram logins, long loginFailures, org.HdrHistogram.Histogram calls,
                    long callFailures) {
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        loginLoop.join(30_000);
        callLoop.join(30_000);
        if (simulated != null) {
            simulated.close();
        }
    }
}
