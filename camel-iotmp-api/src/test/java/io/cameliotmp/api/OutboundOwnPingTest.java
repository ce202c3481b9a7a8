package io.cameliotmp.api;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resource stream over WebSocket hands its outbound one message at a time, the next once the outbound tells it has
 * written all it had. The ping the outbound sends on its own to a silent client is no message of the stream's: told
 * written after it, the stream handed its next sample while its current one was still on its way to the outbound
 * (being turned into JSON), and the next could overtake it.
 */
class OutboundOwnPingTest {

    @Test
    void theOutboundsOwnPingDoesNotTellTheSenderThatItsMessageIsWritten() {
        AtomicReference<CloseStatus> closed = new AtomicReference<>();
        AtomicInteger sent = new AtomicInteger();
        WebSocketSession socket = FakeWebSocketSessions.terminal(closed, sent::incrementAndGet);
        AtomicInteger idle = new AtomicInteger();
        // senders and closers run on the calling thread: each call below has done all it starts when it returns
        SessionOutbound outbound = new SessionOutbound("test", socket, Long.MAX_VALUE,
                Duration.ofMinutes(1).toNanos(), Runnable::run, Runnable::run, () -> { }, idle::incrementAndGet);
        long silence = Duration.ofHours(1).toNanos();

        // silent for about half the idle timeout: pinged, not closed
        assertThat(outbound.checkSilent(System.nanoTime() + silence / 2, silence)).isFalse();
        assertThat(sent).as("the ping").hasValue(1);
        assertThat(idle).as("told written after the outbound's own ping").hasValue(0);

        outbound.send(new TextMessage("{\"event\":\"sample\"}"));
        assertThat(sent).hasValue(2);
        assertThat(idle).as("told written after the sender's message").hasValue(1);
        assertThat(closed).hasValue(null);
    }
}
