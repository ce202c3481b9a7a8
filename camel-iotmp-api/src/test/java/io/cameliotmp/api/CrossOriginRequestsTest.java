package io.cameliotmp.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With {@code cors-allowed-origins}: a dashboard of a listed origin may call the API and open its WebSockets, its
 * preflights answered without a token; any other origin is refused. (The browser's view:
 * {@code CrossOriginBrowserTest}; without the property: {@code NoCrossOriginByDefaultTest}.)
 */
@TestPropertySource(properties = "camel.iotmp.api.cors-allowed-origins=" + CrossOriginRequestsTest.DASHBOARD
                                 + ", https://*.ops.example")
class CrossOriginRequestsTest extends OwnApplicationTestSupport {

    static final String DASHBOARD = "https://dashboard.example";
    static final String OTHER = "https://evil.example";
    private static final String DEVICES = "/v3/users/demo/devices";

    @Autowired
    IotmpApiProperties properties;

    /** A preflight as a browser sends it before a GET with an Authorization header, from {@code origin}. */
    private HttpRequest.Builder preflight(String origin, String method) {
        return request(DEVICES, null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("Access-Control-Request-Headers", "authorization,content-type");
    }

    @Test
    void aPreflightOfAListedOriginIsAnsweredWithoutATokenAndCountsNoFailure() throws Exception {
        for (String origin : List.of(DASHBOARD, "https://grafana.ops.example")) {
            Answer answer = send(preflight(origin, "POST"));
            assertThat(answer.status()).as(origin + ": " + answer.text()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET,HEAD,POST");
            assertThat(answer.headers().firstValue("Access-Control-Allow-Headers"))
                    .hasValue("authorization, content-type");
            assertThat(answer.headers().firstValue("Access-Control-Max-Age")).hasValue("1800");
            assertThat(answer.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
            // the browser headers' filter runs first: its headers are on the preflight's answer too
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        // more preflights than the failures that block an address: none of them was a failed authentication
        for (int i = 0; i <= properties.maxAuthFailures(); i++) {
            assertThat(send(preflight(DASHBOARD, "GET")).status()).isEqualTo(200);
        }
        assertThat(get(DEVICES).status()).isEqualTo(200);
    }

    @Test
    void aPreflightOfAnotherOriginOrForAnotherMethodOrHeaderIsRefusedBeforeTheRoutes() throws Exception {
        for (HttpRequest.Builder refused : List.of(preflight(OTHER, "GET"), preflight("https://ops.example", "GET"),
                preflight(DASHBOARD, "DELETE"), preflight(DASHBOARD, "GET").setHeader(
                        "Access-Control-Request-Headers", "x-custom"))) {
            Answer answer = send(refused);
            assertThat(answer.status()).as(refused.build().headers() + ": " + answer.text()).isEqualTo(403);
            assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(answer.contentType()).startsWith("application/json");
            assertThat(answer.json().path("message").asText()).contains("cross-origin request refused");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        }
        // headers beyond the allowed ones are left out of the answer (Spring's way), so the browser refuses the call
        Answer partly = send(preflight(DASHBOARD, "GET").setHeader("Access-Control-Request-Headers",
                "authorization,x-custom"));
        assertThat(partly.status()).isEqualTo(200);
        assertThat(partly.headers().firstValue("Access-Control-Allow-Headers")).hasValue("authorization");
    }

    @Test
    void theAnswersOfAListedOriginCarryTheHeadersItsPageNeedsToReadThem() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("echo")
                .handler(ResourceKind.INPUT_OUTPUT, request -> request.input()));
        Answer devices = send(request(DEVICES).header("Origin", DASHBOARD).GET());
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.text()).contains("dev-1");
        assertThat(devices.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
        assertThat(devices.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("Retry-After, Content-Disposition, Content-Length, WWW-Authenticate");
        assertThat(devices.headers().allValues("Vary")).anySatisfy(vary -> assertThat(vary).contains("Origin"));
        assertThat(devices.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

        Answer posted = send(request("/v3/users/demo/devices/dev-1/resources/echo").header("Origin", DASHBOARD)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"on\":true}")));
        assertThat(posted.status()).as(posted.text()).isEqualTo(200);
        assertThat(posted.json().path("on").asBoolean()).isTrue();
        assertThat(posted.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);

        // the refusals of the access filter and the routes' errors are readable by the page too
        Answer unauthorized = send(request(DEVICES, "no-such-token").header("Origin", DASHBOARD).GET());
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
        Answer missing = send(request("/v3/users/demo/devices/dev-9/resources/led").header("Origin", DASHBOARD)
                .GET());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
        // a download that fails before it starts drops its own headers, not the filters'
        Answer offline = send(request("/v3/users/demo/devices/dev-9/files/download?path=/tmp/f")
                .header("Origin", DASHBOARD).GET());
        assertThat(offline.status()).as(offline.text()).isEqualTo(404);
        assertThat(offline.headers().firstValue("Access-Control-Allow-Origin")).hasValue(DASHBOARD);
        assertThat(offline.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @Test
    void aRequestOfAnotherOriginIsRefusedAndOneWithoutAnOriginIsServedAsBefore() throws Exception {
        Answer refused = send(request(DEVICES).header("Origin", OTHER).GET());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        Answer noOrigin = get(DEVICES);
        assertThat(noOrigin.status()).isEqualTo(200);
        assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        // the application's own origin (the console's) is no cross-origin request
        Answer sameOrigin = send(request(DEVICES).header("Origin", "http://localhost:" + httpPort).GET());
        assertThat(sameOrigin.status()).isEqualTo(200);
        assertThat(sameOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theWebSocketsAcceptTheListedOriginsAndTheApplicationsOwn() throws Exception {
        URI stream = URI.create("ws://localhost:" + httpPort + "/v3/users/demo/devices/dev-1/resources/led/ws");
        assertThat(handshake(http, stream, DASHBOARD)).isEqualTo(101);
        assertThat(handshake(http, stream, "https://grafana.ops.example")).isEqualTo(101);
        assertThat(handshake(http, stream, "http://localhost:" + httpPort)).isEqualTo(101);
        assertThat(handshake(http, stream, OTHER)).isEqualTo(403);
        URI session = URI.create("ws://localhost:" + httpPort + "/v3/users/demo/devices/dev-1/sessions/terminal");
        assertThat(handshake(http, session, DASHBOARD)).isEqualTo(101);
        assertThat(handshake(http, session, OTHER)).isEqualTo(403);
    }

    @Test
    void anEntryThatIsNoOriginIsRefusedAtStartup() {
        assertThat(ApiCors.origins(null)).isEmpty();
        assertThat(ApiCors.origins(List.of(" https://a.example ", "", "http://localhost:[*]", "*")))
                .containsExactly("https://a.example", "http://localhost:[*]", "*");
        for (String notAnOrigin : List.of("dashboard.example", "https://a.example/app", "https://")) {
            assertThatThrownBy(() -> ApiCors.origins(List.of(notAnOrigin))).as(notAnOrigin)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cors-allowed-origins");
        }
    }

    /**
     * The status of a WebSocket handshake with the token {@link #ALL} and {@code origin}: 101 when it is accepted
     * (the socket is then closed at once), the refusal's status otherwise.
     */
    static int handshake(HttpClient http, URI uri, String origin) throws Exception {
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL).header("Origin", origin)
                    .buildAsync(uri, new WebSocket.Listener() {
                    }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
        socket.abort();
        return 101;
    }
}
