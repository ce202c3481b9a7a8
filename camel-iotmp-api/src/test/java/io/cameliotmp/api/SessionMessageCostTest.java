package io.cameliotmp.api;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that sends empty messages (two to six bytes each on the wire) may not make any number of them wait within a
 * bound of payload bytes. The device's output to a client that does not read: each waiting message counts what it
 * costs, not only its payload. The client's input to a device that does not take it: it waits merged, so that only
 * its bytes are held, and an empty message holds nothing.
 */
class SessionMessageCostTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far more empty messages than any bound of this test lets wait. */
    private static final int EMPTY_MESSAGES = 100_000;

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final CamelContext camel = new DefaultCamelContext();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        sender.shutdownNow();
        camel.close();
    }

    @Test
    void emptyMessagesForAClientThatDoesNotReadFillTheSendBuffer() {
        AtomicReference<CloseStatus> closed = new AtomicReference<>();
        // the first write blocks, as one to a client that does not read does
        WebSocketSession socket = socket(closed, true);
        AtomicInteger slowClosed = new AtomicInteger();
        SessionOutbound outbound = new SessionOutbound("test", socket, 64 * 1024, WAIT.toNanos(), sender,
                Runnable::run, slowClosed::incrementAndGet, () -> { });

        for (int i = 0; i < EMPTY_MESSAGES && slowClosed.get() == 0; i++) {
            outbound.send(new BinaryMessage(new byte[0]));
        }

        assertThat(slowClosed).as("closed as slow once the empty messages waiting cost the buffer").hasValue(1);
        assertThat(closed.get()).isNotNull().extracting(CloseStatus::getCode)
                .isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
    }

    @Test
    void inputToADeviceThatDoesNotTakeItWaitsMergedUpToTheBoundThenClosesTheSession() throws Exception {
        AtomicReference<CloseStatus> closed = new AtomicReference<>();
        AtomicInteger sentToDevice = new AtomicInteger();
        int inputBuffer = 64 * 1024;
        DeviceSessionSocket sessions = sessions(true, sentToDevice, inputBuffer);
        try {
            WebSocketSession socket = socket(closed, false);
            sessions.afterConnectionEstablished(socket);
            assertThat(closed.get()).isNull();

            for (int i = 0; i < EMPTY_MESSAGES; i++) {
                sessions.handleBinaryMessage(socket, new BinaryMessage(new byte[0]));
            }
            assertThat(closed.get()).as("empty messages hold nothing").isNull();
            assertThat(sentToDevice).as("nor are they sent").hasValue(0);

            // one byte goes to the device, whose send never completes; the rest waits, a byte each, until the bound
            // (DeviceInputTest checks it to the byte)
            for (int i = 0; i < inputBuffer + 2; i++) {
                sessions.handleBinaryMessage(socket, new BinaryMessage(new byte[] {1}));
            }
            await("the session closed: the device does not take input this fast").atMost(WAIT)
                    .untilAsserted(() -> assertThat(closed.get()).isNotNull().extracting(CloseStatus::getCode)
                            .isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode()));
            assertThat(sentToDevice).as("one send at a time reaches the device").hasValue(1);
            assertThat(sessions.inputClientsClosed()).as("counted once").isEqualTo(1);
        } finally {
            sessions.destroy();
        }
    }

    @Test
    void inputBeforeTheOpenIsBoundedByTheInputBufferWhenItIsTheSmaller() throws Exception {
        AtomicReference<CloseStatus> closed = new AtomicReference<>();
        AtomicInteger sentToDevice = new AtomicInteger();
        int inputBuffer = 16 * 1024;
        DeviceSessionSocket sessions = sessions(false, sentToDevice, inputBuffer);
        try {
            WebSocketSession socket = socket(closed, false);
            sessions.afterConnectionEstablished(socket);
            for (int i = 0; i < inputBuffer + 1; i++) {
                sessions.handleBinaryMessage(socket, new BinaryMessage(new byte[] {1}));
            }
            await("the session closed: too much input before the open").atMost(WAIT)
                    .untilAsserted(() -> assertThat(closed.get()).isNotNull().extracting(CloseStatus::getCode)
                            .isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode()));
            assertThat(sessions.inputClientsClosed()).isEqualTo(1);
            assertThat(sentToDevice).hasValue(0);
        } finally {
            sessions.destroy();
        }
    }

    /**
     * Byte sessions whose device opens each session at once when {@code opens} (else never), and never completes a
     * send of the client's input (counted in {@code sentToDevice}): a device that does not read.
     */
    private DeviceSessionSocket sessions(boolean opens, AtomicInteger sentToDevice, int inputBuffer) {
        ProducerTemplate producer = (ProducerTemplate) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ProducerTemplate.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "asyncSend" -> {
                        if (!opens) {
                            yield new CompletableFuture<>();
                        }
                        DefaultExchange opened = new DefaultExchange(camel);
                        opened.getMessage().setHeader(IotmpConstants.STREAM_ID, 7);
                        yield CompletableFuture.completedFuture(opened);
                    }
                    case "asyncRequestBodyAndHeaders" -> {
                        sentToDevice.incrementAndGet();
                        yield new CompletableFuture<>();
                    }
                    default -> null;
                });
        return new DeviceSessionSocket(producer, new ObjectMapper(), new UserSlots(UserSlots.Kind.SESSIONS, 4, 1.0),
                512 * 1024, WAIT, inputBuffer, WAIT,
                // the fake sockets come through no access filter: nothing is checked again
                new io.cameliotmp.api.access.AccessRechecks(presented -> java.util.Optional.empty(),
                        java.time.Duration.ofHours(1)));
    }

    /** A socket of a session; its writes block until the test ends when {@code blockWrites}. */
    private WebSocketSession socket(AtomicReference<CloseStatus> closed, boolean blockWrites) {
        return FakeWebSocketSessions.terminal(closed, () -> {
            if (blockWrites) {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }
}
