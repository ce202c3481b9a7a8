package io.cameliotmp.api;

import java.time.Duration;

import org.apache.tomcat.util.net.SocketWrapperBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Server-Sent Events response limits the write timeout of its own HTTP/1.x connection only (the one whose handler
 * serves it), from its first write, and puts the previous one back when it completes (the connection may be kept alive
 * for more requests); a response that never wrote changes nothing, nor does an HTTP/2 stream (which shares its
 * connection) or a thread serving no connection.
 */
class ConnectionWriteTimeoutTest {

    private static final long TOMCAT_TIMEOUT = 600_000;

    @AfterEach
    void noRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    @Test
    void limitsTheConnectionServedFromTheFirstWriteAndPutsItsTimeoutBack() {
        SocketWrapperBase<?> connection = connection();
        request("HTTP/1.1");

        ConnectionWriteTimeout timeout = ConnectionWriteTimeout.serving(connection,
                () -> ConnectionWriteTimeout.ofThisRequest(Duration.ofSeconds(3)));
        assertThat(connection.getWriteTimeout()).isEqualTo(TOMCAT_TIMEOUT);

        // from the writer's thread
        timeout.apply();
        assertThat(connection.getWriteTimeout()).isEqualTo(3000);
        timeout.apply();
        timeout.restore();
        assertThat(connection.getWriteTimeout()).isEqualTo(TOMCAT_TIMEOUT);
        // a write that raced the completion: the connection may serve another request by now
        timeout.apply();
        assertThat(connection.getWriteTimeout()).isEqualTo(TOMCAT_TIMEOUT);
    }

    @Test
    void leavesHttp2StreamsAndThreadsServingNoConnectionAlone() {
        SocketWrapperBase<?> connection = connection();
        request("HTTP/2.0");
        assertThat(ConnectionWriteTimeout.serving(connection,
                () -> ConnectionWriteTimeout.ofThisRequest(Duration.ofSeconds(3)))).isNull();

        request("HTTP/1.1");
        // outside the handler: the connection served before is not this thread's any more
        assertThat(ConnectionWriteTimeout.ofThisRequest(Duration.ofSeconds(3))).isNull();
        assertThat(connection.getWriteTimeout()).isEqualTo(TOMCAT_TIMEOUT);
    }

    /** A connection whose timeouts are Tomcat's own (the rest of it is not used). */
    private static SocketWrapperBase<?> connection() {
        SocketWrapperBase<?> connection = Mockito.mock(SocketWrapperBase.class, Mockito.CALLS_REAL_METHODS);
        connection.setWriteTimeout(TOMCAT_TIMEOUT);
        return connection;
    }

    private static void request(String protocol) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setProtocol(protocol);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }
}
