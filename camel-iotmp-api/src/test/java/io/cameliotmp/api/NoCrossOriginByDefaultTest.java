package io.cameliotmp.api;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code cors-allowed-origins} the API is as it was: no CORS header on any answer, a preflight is a request
 * without a token like any other (401), and the WebSockets accept the application's own origin only.
 */
class NoCrossOriginByDefaultTest extends ApiTestSupport {

    private static final String DEVICES = "/v3/users/demo/devices";

    private static void assertNoCorsHeaders(HttpHeaders headers) {
        assertThat(headers.map().keySet()).noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT)
                .startsWith("access-control-"));
    }

    @Test
    void aPreflightIsARequestWithoutATokenAndNoAnswerCarriesCorsHeaders() throws Exception {
        Answer preflight = send(request(DEVICES, null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", CrossOriginRequestsTest.DASHBOARD)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"));
        assertThat(preflight.status()).as(preflight.text()).isEqualTo(401);
        assertNoCorsHeaders(preflight.headers());

        Answer devices = send(request(DEVICES).header("Origin", CrossOriginRequestsTest.DASHBOARD).GET());
        assertThat(devices.status()).isEqualTo(200);
        assertNoCorsHeaders(devices.headers());
    }

    @Test
    void theWebSocketsAcceptTheApplicationsOwnOriginOnly() throws Exception {
        URI stream = URI.create("ws://localhost:" + httpPort + "/v3/users/demo/devices/dev-1/resources/led/ws");
        assertThat(CrossOriginRequestsTest.handshake(http, stream, CrossOriginRequestsTest.DASHBOARD)).isEqualTo(403);
        assertThat(CrossOriginRequestsTest.handshake(http, stream, "http://localhost:" + httpPort)).isEqualTo(101);
    }
}
