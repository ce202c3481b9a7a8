package io.cameliotmp.api;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.ResourceKind;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One user opening byte sessions and resource streams faster than {@code max-opens-per-user-per-minute} is refused,
 * however few it holds open: a byte session with close 1013 and a reason naming the rate, a stream over WebSocket with
 * a {@code failed} 429 and close 1013, one as Server-Sent Events with 429; each counted in
 * {@code iotmp.api.opens.refused}. Before, only how many were open at once was bounded, and one token could open and
 * close terminals in a loop. The rate's clock stands still here: nothing is earned back while the test runs, however
 * slow the machine.
 */
@Import(OpenRateLimitTest.StillClock.class)
class OpenRateLimitTest extends OwnApplicationTestSupport {

    @TestConfiguration
    static class StillClock {
        @Bean
        OpenRate twoOpensAMinute() {
            return new OpenRate(2, () -> 0L);
        }
    }

    @Autowired
    DeviceSessionSocket sessions;

    @Autowired
    OpenRate opens;

    @Autowired
    @Qualifier("iotmpApiOpenRateMetrics")
    MeterBinder openRateMetrics;

    @Test
    void aUserOpeningFasterThanItsRateIsRefused() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("$terminal/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null);
            device.resource("counter").output(() -> 1);
        });
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        openRateMetrics.bindTo(meters);
        String terminal = "/v3/users/demo/devices/dev-1/sessions/terminal";
        for (int i = 0; i < 2; i++) {
            UserShareTest.Client opened = openSocket(terminal);
            assertThat(opened.next()).contains("\"event\":\"open\"");
            opened.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            await("the session closed").atMost(WAIT).until(() -> sessions.openSessions() == 0);
        }

        UserShareTest.Client third = openSocket(terminal);
        assertThat(third.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1013);
        assertThat(third.reason).contains("max-opens-per-user-per-minute");

        UserShareTest.Client stream = openSocket("/v3/users/demo/devices/dev-1/resources/counter/ws");
        assertThat(stream.next()).contains("\"event\":\"failed\"", "429", "max-opens-per-user-per-minute");
        assertThat(stream.closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1013);

        Answer sse = sendExpectingRefusal(request("/v3/users/demo/devices/dev-1/resources/counter/stream", ALL)
                .header("Accept", "text/event-stream").GET());
        assertThat(sse.status()).isEqualTo(429);
        assertThat(sse.json().path("message").asText()).contains("user demo", "max-opens-per-user-per-minute");

        assertThat(meters.get("iotmp.api.opens.refused").functionCounter().count()).isEqualTo(3);
        assertThat(sessions.openSessions()).as("a refused opening holds nothing").isZero();
        assertThat(opens.refused()).isEqualTo(3);
    }

    private UserShareTest.Client openSocket(String path) throws Exception {
        UserShareTest.Client client = new UserShareTest.Client();
        client.socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                .buildAsync(URI.create("ws://localhost:" + httpPort + path), client)
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return client;
    }
}
