package io.cameliotmp.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paths that Tomcat, Spring MVC and the access filter would read differently ({@link ApiPathGuard}): path parameters
 * and dot segments are refused, so that no path reaches a device past the access token.
 */
class ApiPathGuardTest extends ApiTestSupport {

    private final AtomicInteger otherDeviceCalls = new AtomicInteger();
    private final AtomicInteger secretStreams = new AtomicInteger();

    @BeforeEach
    void connectDevices() throws Exception {
        connect("other", "dev-9", "secret-9", device -> device.resource("$fs/get/*path")
                .handler(ResourceKind.OUTPUT, request -> {
                    otherDeviceCalls.incrementAndGet();
                    return Map.of("path", request.pathParam("path"));
                }));
        connect("demo", "dev-1", "secret-1", device -> {
            device.resource("$fs/get/*path").handler(ResourceKind.OUTPUT,
                    request -> Map.of("path", request.pathParam("path")));
            device.resource("room-1-temp").output(() -> 21.5);
            device.resource("room-1-secret").output(() -> secretStreams.incrementAndGet());
        });
    }

    /** The answer to a request line sent as it is: no client library resolves its path first. */
    private String raw(String requestLine) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", httpPort)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aPathTomcatResolvesOutsideTheApiReachesNoDevice() throws Exception {
        // eight segments up from …/$fs/get: /x to Tomcat, which chose no filter of the API for it; the resource route
        // to Spring MVC, which keeps dot segments
        String answer = raw("GET /v3/users/other/devices/dev-9/resources/$fs/get/..;/..;/..;/..;/..;/..;/..;/..;/x");

        assertThat(answer).startsWith("HTTP/1.1 400").contains("\"status\":400").contains("path parameter")
                .containsIgnoringCase("X-Content-Type-Options: nosniff");
        assertThat(otherDeviceCalls).hasValue(0);
    }

    @Test
    void dotSegmentsAreRefusedWhateverTheirSpelling() throws Exception {
        for (String path : new String[] {"/v3/users/other/devices/dev-9/resources/$fs/get/%2e%2e/%2E%2e/x",
                                         "/v3/users/demo/devices/../../other/devices/dev-9/resources/$fs/get/x",
                                         "/v3/users/demo/devices/./dev-1/resources/$fs/get/x"}) {
            String answer = raw("GET " + path + "?authorization=" + ALL);

            assertThat(answer).as(path).startsWith("HTTP/1.1 400").contains(". or .. segment");
        }
        assertThat(otherDeviceCalls).hasValue(0);
    }

    @Test
    void aPathParameterCannotChangeTheResourceTheTokenWasCheckedFor() throws Exception {
        // room-1-secret;-temp matches the token's room-*-temp; Spring MVC drops ";-temp" and would stream room-1-secret
        Answer secret = sendExpectingRefusal(
                request("/v3/users/demo/devices/dev-1/resources/room-1-secret;-temp/stream", "test-token-rooms")
                        .GET());
        Answer own = send(request("/v3/users/demo/devices/dev-1/resources/room-1-temp/api", "test-token-rooms")
                .GET());

        assertThat(secret.status()).isEqualTo(400);
        assertThat(secret.json().path("message").asText()).contains("path parameter");
        assertThat(secretStreams).hasValue(0);
        assertThat(own.status()).as(own.text()).isEqualTo(200);
    }

    @Test
    void aSemicolonOfANameIsWrittenEncoded() throws Exception {
        Answer answer = get("/v3/users/demo/devices/dev-1/resources/$fs/get/a%3Bb");

        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().path("path").asText()).isEqualTo("a;b");
    }

    @Test
    void otherPathsOfTheApplicationKeepTheirPathParameters() throws Exception {
        // not the API's: the guard leaves them to the application (here: no such page)
        assertThat(raw("GET /somewhere;jsessionid=1/../else")).doesNotContain("path parameter");
    }
}
