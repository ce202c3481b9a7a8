package io.cameliotmp.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.protocol.Generation;
import io.cameliotmp.protocol.IotmpMessage;
import io.cameliotmp.testing.RawIotmpSocket;
import io.cameliotmp.testing.StderrCapture;
import io.cameliotmp.testing.TestPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.cameliotmp.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An authenticator that throws for a peer's credentials (or for every peer while its database is down) used to log a
 * WARN line with its whole stack per CONNECT: a peer reconnecting as fast as it can wrote dozens of log lines per
 * attempt. The line is now one line, within the rate limit the server's refusal lines share, and every such device
 * is still refused.
 */
class AuthenticatorFailureLogTest {

    private static final int CONNECTIONS = 300;

    private IotmpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aThrowingAuthenticatorIsLoggedWithinTheRateLimitAndEveryDeviceIsRefused() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(2)
                .authenticator(request -> {
                    throw new IllegalStateException("no such user " + request.device() + "\nforged line");
                })
                // neither blocking the address nor the connection rates should cut the attempts short
                .limits(ServerLimits.builder().maxConnectionsPerSecond(0).maxConnectionsPerSecondPerAddress(0)
                        .maxAuthFailuresPerAddress(0).build())
                .build());
        server.start();
        int port = server.localAddress().getPort();
        try (StderrCapture log = StderrCapture.start()) {
            AtomicLong failureLines = log.count(line -> line.contains("Authenticator failed for"));
            AtomicLong forgedLines = log.count(line -> line.startsWith("forged"));
            long started = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (RawIotmpSocket device = new RawIotmpSocket(port)) {
                    device.send(IotmpMessage.connect(1, "alice", "esp32-" + i, "pw"), Generation.GEN2);
                    // an ERROR without a code, the connection closed after it
                    assertThat(device.readFrameHex()).as("answer to " + i).isEqualTo("02 02 08 01");
                    assertThat(device.closedWithin(Duration.ofSeconds(30))).as("refused " + i).isTrue();
                }
            }
            eventually().until(() -> server.unauthenticatedConnections() == 0);
            double seconds = (System.nanoTime() - started) / 1e9;
            long allowed = RefusalLog.BURST + (long) Math.ceil(seconds * RefusalLog.LINES_PER_SECOND) + 10;
            assertThat(failureLines.get()).as("failure lines in %.1f s", seconds).isPositive();
            assertThat(log.lines()).as("lines in %.1f s for %d failures", seconds, CONNECTIONS)
                    .isLessThanOrEqualTo(allowed);
            assertThat(forgedLines.get()).as("lines the peer's text began").isZero();
        }
        assertThat(server.registry().size()).isZero();
    }

    /**
     * An asynchronous authenticator's failure arrives wrapped in the {@link CompletionException} of the stage that
     * threw; the reason iotmp:events receives names the failure itself, as the log line does.
     */
    @Test
    void anAsynchronousFailureIsReportedAsItselfNotAsItsWrapper() throws Exception {
        server = new IotmpServer(IotmpServerConfig.builder()
                .host("127.0.0.1").port(TestPorts.next()).ioThreads(1).workerThreads(2)
                .authenticator(request -> CompletableFuture.supplyAsync(() -> {
                    throw new IllegalStateException("directory down");
                }))
                .build());
        AtomicReference<String> reason = new AtomicReference<>();
        server.registry().addListener(new DeviceListener() {
            @Override
            public void onAuthenticationRefused(AuthRequest request, AuthDecision decision) {
                reason.set(decision.reason());
            }
        });
        server.start();
        try (RawIotmpSocket device = new RawIotmpSocket(server.localAddress().getPort())) {
            device.send(IotmpMessage.connect(1, "alice", "esp32", "pw"), Generation.GEN2);
            assertThat(device.readFrameHex()).isEqualTo("02 02 08 01");
        }
        eventually().until(() -> reason.get() != null);
        assertThat(reason.get()).isEqualTo("authenticator failed: java.lang.IllegalStateException: directory down");
    }
}
