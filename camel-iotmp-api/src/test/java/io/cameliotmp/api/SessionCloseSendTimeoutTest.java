package io.cameliotmp.api;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A close frame with a code other than 1000 (1013 for a session over {@code max-sessions}, 1008 for a slow client) is
 * sent by Tomcat with a blocking send bounded by {@code ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT}, 50 ms unless the session
 * says otherwise; past it Tomcat drops the connection without the frame and the client, however well it reads, sees
 * 1006 (closed abnormally). On a loaded machine a web server thread is descheduled that long now and then: a refusal
 * then reached one of {@link DeviceSessionSocketLimitsTest}'s clients as 1006 instead of 1013. Every session socket
 * therefore gets the session send timeout as that bound, before it can be closed.
 */
class SessionCloseSendTimeoutTest {

    @Test
    void closeFramesOfEveryCodeMayTakeTheSendTimeout() {
        Map<String, Object> tomcatProperties = new ConcurrentHashMap<>();
        StandardWebSocketSession socket = new StandardWebSocketSession(new HttpHeaders(), new HashMap<>(), null,
                null);
        socket.initializeNativeSession((jakarta.websocket.Session) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.websocket.Session.class},
                (proxy, method, args) -> "getUserProperties".equals(method.getName()) ? tomcatProperties : null));

        SessionOutbound.boundBlockingSends(socket, Duration.ofSeconds(10).toNanos());

        // Tomcat reads them as Long milliseconds, and ignores anything else
        assertThat(tomcatProperties).containsEntry("org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT",
                10_000L).containsEntry("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT", 10_000L);
    }
}
