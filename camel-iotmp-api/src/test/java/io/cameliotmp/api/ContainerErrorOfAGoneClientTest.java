package io.cameliotmp.api;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.RequestDispatcher;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tomcat tells Spring MVC that a call's client is gone with the exception its read met, as is: a body read that met
 * the client's reset records {@code SocketException: Connection reset} on the request, and once the request thread
 * returns with the request asynchronous, Tomcat reports it to the async listeners. Spring MVC takes only some
 * disconnect messages for what they are ("connection reset by peer", not "Connection reset"); any other it made the
 * result of the call's request and rethrew in an async dispatch: an ERROR line with a stack trace from Tomcat, a second
 * from its dispatcher and a third from the error page, which cannot forward into a committed answer; and an answer
 * being sent then stayed counted until {@code answer-write-timeout}. A client that resets an upload mid-body met this
 * order once in a few thousand (CI, 2026-12-06). Here the routes record that failure as Tomcat's body read does,
 * deterministically, for the two states a call can be in: waiting for its route, and sending its answer.
 */
@TestPropertySource(properties = "camel.iotmp.api.answer-write-timeout=10m")
@Import(ContainerErrorOfAGoneClientTest.ResetRoutes.class)
@ExtendWith(OutputCaptureExtension.class)
class ContainerErrorOfAGoneClientTest extends OwnApplicationTestSupport {

    /** Larger than the socket buffers of loopback take: a client that reads nothing leaves it being sent. */
    private static final int LARGE_ANSWER = 8 * 1024 * 1024;

    /** Holds the waiting route until the test lets it go; one per test. */
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Autowired
    AnswerWriter answers;

    @Autowired
    CallsInProgress calls;

    @TestConfiguration
    static class ResetRoutes {
        @Bean
        RouteBuilder resetRoutes() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/test/reset-while-waiting").routeId("reset-while-waiting").noStreamCaching()
                            .process(ContainerErrorOfAGoneClientTest::bodyReadMetReset)
                            // continues off the request thread, as a call to a device does, once the test lets it
                            .threads(1, 1)
                            .process(exchange -> {
                                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                                exchange.getMessage().setBody("late");
                            });
                    from("platform-http:/test/reset-while-sending").routeId("reset-while-sending").noStreamCaching()
                            .process(ContainerErrorOfAGoneClientTest::bodyReadMetReset)
                            .process(exchange -> exchange.getMessage().setBody(new byte[LARGE_ANSWER]));
                }
            };
        }
    }

    /** What Tomcat's InputBuffer records when a read of the body meets the client's reset (on the request thread). */
    static void bodyReadMetReset(Exchange exchange) {
        exchange.getIn(PlatformHttpMessage.class).getRequest()
                .setAttribute(RequestDispatcher.ERROR_EXCEPTION, new SocketException("Connection reset"));
    }

    @BeforeEach
    void holdTheRoute() {
        release = new CountDownLatch(1);
    }

    @AfterEach
    void releaseTheRoute() {
        release.countDown();
    }

    @Test
    void aCallWaitingForItsRouteIsGivenUpQuietly(CapturedOutput output) throws Exception {
        try (Socket client = requestFrom("/test/reset-while-waiting")) {
            // the request ends (its async dispatch is over) while the route still waits
            assertThat(client.getInputStream().readAllBytes()).as("what the client read").isNotNull();
            assertThat(calls.held()).as("the call, still waiting for its route").isEqualTo(1);
            release.countDown();
            await("the call ended, its late answer dropped").atMost(WAIT).until(() -> calls.held() == 0);
        }
        assertThat(output.getAll()).doesNotContain(" ERROR ", " WARN ");
    }

    @Test
    void anAnswerBeingSentIsGivenUpQuietly(CapturedOutput output) throws Exception {
        try (Socket client = requestFrom("/test/reset-while-sending")) {
            // the client reads nothing: the answer would be held for answer-write-timeout (10 minutes here)
            await("no answer or call held for it").atMost(WAIT)
                    .until(() -> answers.sending() == 0 && calls.held() == 0 && answers.timers() == 0);
        }
        assertThat(output.getAll()).doesNotContain(" ERROR ", " WARN ");
    }

    private Socket requestFrom(String path) throws IOException {
        Socket socket = new Socket("127.0.0.1", httpPort);
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return socket;
    }
}
