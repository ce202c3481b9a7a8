package io.cameliotmp.api;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.CamelContext;
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
 * A byte session's input and close go to the device connection its stream opened on: stream ids start at 1 again on
 * every connection of a device, so by user, device and id alone a terminal's keystrokes or close could reach another
 * client's terminal on the device's newer connection (the core refuses a pinned operation then:
 * {@code StreamSessionPinTest}).
 */
class SessionStreamPinTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SESSION_NUMBER = 41;

    private final CamelContext camel = new DefaultCamelContext();
    /** The headers of every stream operation the sessions asked for, by its endpoint. */
    private final List<Map.Entry<String, Map<String, Object>>> streamCalls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    @Test
    void inputAndStopCarryTheSessionNumberOfTheConnectionTheStreamOpenedOn() throws Exception {
        DeviceSessionSocket sessions = sessions();
        try {
            AtomicReference<CloseStatus> closed = new AtomicReference<>();
            WebSocketSession socket = FakeWebSocketSessions.terminal(closed, () -> { });
            sessions.afterConnectionEstablished(socket);
            sessions.handleBinaryMessage(socket, new BinaryMessage("ls\r".getBytes()));
            await("the input went to the device").atMost(WAIT).until(() -> streamCalls.size() == 1);

            sessions.afterConnectionClosed(socket, CloseStatus.NORMAL);
            await("the stream stopped").atMost(WAIT).until(() -> streamCalls.size() == 2);

            assertThat(streamCalls.get(0).getKey()).contains("operation=sendStreamData");
            assertThat(streamCalls.get(1).getKey()).contains("operation=stopStream");
            for (Map.Entry<String, Map<String, Object>> call : streamCalls) {
                assertThat(call.getValue()).as(call.getKey()).containsEntry(IotmpConstants.STREAM_ID, 1)
                        .containsEntry(IotmpConstants.SESSION_NUMBER, SESSION_NUMBER);
            }
        } finally {
            sessions.destroy();
        }
    }

    /** Byte sessions whose device opens stream 1 on its connection {@value #SESSION_NUMBER} and takes all input. */
    private DeviceSessionSocket sessions() {
        org.apache.camel.ProducerTemplate producer = (org.apache.camel.ProducerTemplate) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.apache.camel.ProducerTemplate.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "asyncSend" -> {
                        DefaultExchange opened = new DefaultExchange(camel);
                        opened.getMessage().setHeader(IotmpConstants.STREAM_ID, 1);
                        opened.getMessage().setHeader(IotmpConstants.SESSION_NUMBER, SESSION_NUMBER);
                        yield CompletableFuture.completedFuture(opened);
                    }
                    case "asyncRequestBodyAndHeaders" -> {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> headers = (Map<String, Object>) args[2];
                        streamCalls.add(Map.entry((String) args[0], Map.copyOf(headers)));
                        yield CompletableFuture.completedFuture(null);
                    }
                    default -> null;
                });
        return new DeviceSessionSocket(producer, new ObjectMapper(), new UserSlots(UserSlots.Kind.SESSIONS, 4, 1.0),
                512 * 1024, WAIT, 64 * 1024, WAIT,
                // the fake sockets come through no access filter: nothing is checked again
                new io.cameliotmp.api.access.AccessRechecks(presented -> java.util.Optional.empty(),
                        Duration.ofHours(1)));
    }
}
