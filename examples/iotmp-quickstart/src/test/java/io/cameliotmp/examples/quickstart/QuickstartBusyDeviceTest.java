package io.cameliotmp.examples.quickstart;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.cameliotmp.api.AsyncPlatformHttpConsumer;
import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A device that does not answer, and clients that do not wait or send slowly: on an application of its own with two
 * Tomcat threads (fewer than the calls the tests keep waiting), a device request timeout of a minute (so that calls
 * stay waiting), an async request timeout of {@value #ASYNC_TIMEOUT_SECONDS} s and a body read timeout of
 * {@value #BODY_READ_TIMEOUT_SECONDS} s.
 */
@TestPropertySource(properties = {
        "server.tomcat.threads.max=2",
        "server.tomcat.threads.min-spare=1",
        "camel.component.iotmp.request-timeout=60000",
        "spring.mvc.async.request-timeout=" + QuickstartBusyDeviceTest.ASYNC_TIMEOUT_SECONDS + "s",
        "quickstart.http.body-read-timeout=" + QuickstartBusyDeviceTest.BODY_READ_TIMEOUT_SECONDS + "s" })
@DirtiesContext
class QuickstartBusyDeviceTest extends QuickstartTestSupport {

    static final int ASYNC_TIMEOUT_SECONDS = 15;
    static final int BODY_READ_TIMEOUT_SECONDS = 5;
    /** More calls than Tomcat's threads (2) and the application task executor's (8) together. */
    private static final int WAITING_CALLS = 12;
    private static final String STUCK = "/v3/users/demo/devices/device-3/resources/stuck";
    private static final int BUSY_IOTMP_PORT = FreePorts.next();

    @DynamicPropertySource
    static void busyIotmpPort(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> BUSY_IOTMP_PORT);
        // the shared context, still running, holds the legacy port of the others: a free one of its own
        registry.add("camel.component.iotmp.legacy-port", () -> 0);
    }

    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch answersAllowed = new CountDownLatch(1);
    private final AtomicInteger callsReceived = new AtomicInteger();

    /** device-3, whose resource {@code stuck} answers only when the test allows it. */
    @BeforeEach
    void stuckDevice() throws Exception {
        IotmpDevice device3 = device("device-3", "secret-3", options -> options.handlerExecutor(handlers));
        device3.resource("stuck").output(() -> {
            callsReceived.incrementAndGet();
            try {
                answersAllowed.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        });
        device3.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void releaseDevice() {
        answersAllowed.countDown();
        handlers.shutdownNow();
    }

    @Test
    void callsWaitingForADeviceDoNotStallTheApi() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING_CALLS; i++) {
            waiting.add(http.sendAsync(authorized(uri(STUCK)).timeout(Duration.ofMinutes(1)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        await("all " + WAITING_CALLS + " calls at the device at once").atMost(WAIT)
                .until(() -> callsReceived.get() == WAITING_CALLS);

        // a healthy device, the device list and the page still answer (each within WAIT)
        Answer temperature = get("/v3/users/demo/devices/sim-1/resources/temperature");
        assertThat(temperature.status()).isEqualTo(200);
        assertThat(temperature.json().has("celsius")).isTrue();
        assertThat(get("/v3/users/demo/devices").status()).isEqualTo(200);
        assertThat(get("/").status()).isEqualTo(200);
        assertThat(waiting).as("calls still waiting for device-3").noneMatch(CompletableFuture::isDone);

        answersAllowed.countDown();
        for (CompletableFuture<HttpResponse<String>> call : waiting) {
            HttpResponse<String> answer = call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("\"late\"");
        }
    }

    @Test
    void aClientThatLeavesBeforeItsAnswerIsADebugLineNotAWarning() throws Exception {
        try (LogEvents log = new LogEvents(AsyncPlatformHttpConsumer.class)) {
            try (Socket client = sendAndKeepWaiting(STUCK)) {
                await("the call at the device").atMost(WAIT).until(() -> callsReceived.get() == 1);
                leaveAbruptly(client);
            }

            answersAllowed.countDown();

            // the answer found nobody to take it: said at DEBUG (or, as it was, with a WARN and a stack trace). Which
            // line says it depends on when the container noticed the client gone: while the call waited (the call is
            // given up, the late answer dropped) or when the answer was sent (the client did not take it)
            await("the answer's fate logged").atMost(WAIT).until(() -> !log.warnings().isEmpty() || log.messages(
                    AsyncPlatformHttpConsumer.class, Level.DEBUG, "GET " + STUCK + ": ").stream()
                    .anyMatch(m -> m.contains("given up") || m.contains("did not take its answer")));
            assertThat(log.warnings()).isEmpty();
        }
    }

    @Test
    void theAsyncTimeoutAnswers503AndIsQuietForAClientThatLeft() throws Exception {
        try (LogEvents log = new LogEvents(AsyncPlatformHttpConsumer.class)) {
            CompletableFuture<HttpResponse<String>> staying = http.sendAsync(authorized(uri(STUCK))
                    .timeout(WAIT.plusSeconds(ASYNC_TIMEOUT_SECONDS)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            try (Socket leaving = sendAndKeepWaiting(STUCK)) {
                await("both calls at the device").atMost(WAIT).until(() -> callsReceived.get() == 2);
                leaveAbruptly(leaving);
            }

            HttpResponse<String> answer = staying.get(WAIT.toSeconds() + ASYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(JSON.readTree(answer.body())).isEqualTo(JSON.readTree("{\"status\":503,"
                    + "\"error\":\"Service Unavailable\",\"message\":\"no answer within " + ASYNC_TIMEOUT_SECONDS
                    + " s, the longest the server waits for any call\"}"));

            // both requests ended; the device's answers, when they come, are dropped
            await("both requests ended").atMost(WAIT).until(() -> log.messages(AsyncPlatformHttpConsumer.class,
                    Level.DEBUG, "GET " + STUCK + ": request ended").size() == 2);
            answersAllowed.countDown();
            await("the late answers dropped").atMost(WAIT).until(() -> log.messages(AsyncPlatformHttpConsumer.class,
                    Level.DEBUG, "answered after the call was given up").size() == 2);
            assertThat(log.warnings()).isEmpty();
        }
    }

    /** Slowloris on bodies: clients that send a few bytes of their body and then nothing hold no thread. */
    @Test
    void bodiesSentSlowlyDoNotStallTheApiAndAreCutOffWith408() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * 2; i++) {
                Socket socket = new Socket("127.0.0.1", httpPort);
                socket.setSoTimeout((int) WAIT.plusSeconds(BODY_READ_TIMEOUT_SECONDS).toMillis());
                socket.getOutputStream().write(("POST /v3/users/demo/devices/sim-1/resources/echo HTTP/1.1\r\n"
                        + "Host: localhost\r\n" + AUTHORIZATION
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n[1,2,3,"
                        ).getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                slow.add(socket);
            }

            // meanwhile, with two Tomcat threads, everything else is served
            assertThat(get("/v3/users/demo/devices/sim-1/resources/temperature").status()).isEqualTo(200);
            Answer echo = post("/v3/users/demo/devices/sim-1/resources/echo", "[4,5,6]");
            assertThat(echo.status()).isEqualTo(200);
            assertThat(echo.body()).isEqualTo("[4,5,6]");

            for (Socket socket : slow) {
                QuickstartRequestBodyTest.RawAnswer answer =
                        QuickstartRequestBodyTest.RawAnswer.read(socket.getInputStream());
                assertThat(answer.status()).isEqualTo(408);
                assertThat(JSON.readTree(answer.body()).path("message").asText())
                        .isEqualTo("the body did not arrive whole within " + BODY_READ_TIMEOUT_SECONDS
                                   + " s (camel.iotmp.api.body-read-timeout)");
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** Sends a GET on a connection of its own and leaves the answer unread. */
    private Socket sendAndKeepWaiting(String path) throws IOException {
        Socket socket = new Socket("127.0.0.1", httpPort);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + AUTHORIZATION + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** Closes with a reset, as a client that crashed or gave up does: the server's next write fails. */
    private static void leaveAbruptly(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
