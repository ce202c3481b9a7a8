package io.cameliotmp.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console where the quickstart serves it, at {@code /} ({@code console-path}), with a policy of the
 * application's own ({@code console-content-security-policy}): the page answers at the root and carries that policy,
 * and the application's other paths, which now all lie under the console's, do not get it.
 */
@TestPropertySource(properties = {"camel.iotmp.api.console-path=/",
    "camel.iotmp.api.console-content-security-policy=default-src 'self'; frame-ancestors 'none'"})
class ConsoleAtTheRootTest extends OwnApplicationTestSupport {

    private static final String OWN_POLICY = "default-src 'self'; frame-ancestors 'none'";

    private HttpResponse<String> page(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageIsAtTheRootWithTheApplicationsPolicyAndNothingElseGetsIt() throws Exception {
        for (String path : new String[] {"/", "/index.html"}) {
            HttpResponse<String> answer = page(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(answer.body()).as(path).contains("camel-iotmp console");
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(path).hasValue(OWN_POLICY);
            assertThat(answer.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
        }
        HttpResponse<String> script = page("/app.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Security-Policy")).isEmpty();

        HttpResponse<String> elsewhere = page("/no-such-page.html");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(elsewhere.headers().firstValue("X-Frame-Options")).isEmpty();

        HttpResponse<String> api = http.send(request("/v3/users/demo/devices").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        assertThat(api.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(api.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void theOldPathServesNoConsole() throws Exception {
        assertThat(page("/console/").statusCode()).isEqualTo(404);
    }
}
