package io.cameliotmp.api;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headers that keep a browser from treating a device's data as anything but data: on every answer of the API,
 * errors included, and the console page's policy on that page only.
 */
class BrowserSecurityHeadersTest extends ApiTestSupport {

    private static void assertApiHeaders(java.net.http.HttpHeaders headers) {
        assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(headers.firstValue("Cache-Control")).hasValue("no-store");
        assertThat(headers.firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(headers.firstValue("Content-Security-Policy")).isEmpty();
    }

    @Test
    void everyAnswerOfTheApiCarriesThem() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("label")
                .handler(ResourceKind.OUTPUT, request -> "<img src=x onerror=alert(1)>"));
        Answer value = get("/v3/users/demo/devices/dev-1/resources/label");
        assertThat(value.status()).isEqualTo(200);
        assertThat(value.contentType()).startsWith("application/json");
        assertApiHeaders(value.headers());

        Answer unauthorized = send(request("/v3/users/demo/devices", "no-such-token").GET());
        assertThat(unauthorized.status()).isEqualTo(401);
        assertApiHeaders(unauthorized.headers());

        Answer missing = get("/v3/users/demo/devices/dev-9/resources/label");
        assertThat(missing.status()).isEqualTo(404);
        assertApiHeaders(missing.headers());

        // a download failing before its content starts drops its own headers, not these
        Answer offlineDownload = get("/v3/users/demo/devices/dev-9/files/download?path=/tmp/f");
        assertThat(offlineDownload.status()).as(offlineDownload.text()).isEqualTo(404);
        assertApiHeaders(offlineDownload.headers());
    }

    @Test
    void theConsolePageCarriesItsPolicyAndItsFilesDoNot() throws Exception {
        for (String page : new String[] {"/console/", "/console/index.html"}) {
            HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(uri(page)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(page).isEqualTo(200);
            assertThat(answer.body()).as(page).contains("camel-iotmp console");
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(page)
                    .hasValue(BrowserSecurityHeaders.DEFAULT_CONSOLE_POLICY);
            assertThat(answer.headers().firstValue("X-Frame-Options")).as(page).hasValue("DENY");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(page).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).as(page).hasValue("no-referrer");
        }
        HttpResponse<String> script = http.send(java.net.http.HttpRequest.newBuilder(uri("/console/app.js")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Security-Policy")).as("only the page has a policy").isEmpty();
    }

    /**
     * The console's scripts and style sheets, its own and xterm.js's, are never sniffed into another type. Before,
     * only its page carried {@code nosniff}.
     */
    @Test
    void theConsolesFilesAreNeverSniffed() throws Exception {
        for (String file : new String[] {"/console/app.js", "/console/chart.js", "/console/files.js",
            "/console/style.css", "/webjars/xterm/4.9.0/lib/xterm.js", "/webjars/xterm/4.9.0/css/xterm.css"}) {
            HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(uri(file)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(file).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).as(file)
                    .hasValueSatisfying(type -> assertThat(type).containsAnyOf("javascript", "text/css"));
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(file).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(file).isEmpty();
        }
    }

    @Test
    void theConsolesPolicyCanBeLeftToAProxy() {
        assertThat(BrowserSecurityHeaders.forConsolePage("  ").headers())
                .doesNotContainKey("Content-Security-Policy").containsEntry("X-Frame-Options", "DENY");
        assertThat(BrowserSecurityHeaders.forConsolePage(" default-src 'none' ").headers())
                .containsEntry("Content-Security-Policy", "default-src 'none'");
    }

    /** A file name beyond ASCII keeps its name (RFC 6266's {@code filename*}), and is saved, never opened. */
    @Test
    void aDownloadIsAnAttachmentWithItsNameInUtf8() throws Exception {
        byte[] content = "a,b\n1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of(
                        "name", "x", "path", request.pathParam("path"), "type", "file", "size", content.length))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT,
                        request -> request.describeMode() ? content : null));
        HttpResponse<InputStream> answer = http.send(request("/v3/users/demo/devices/dev-1/files/download?path="
                + java.net.URLEncoder.encode("/data/größe \"1\".csv", java.nio.charset.StandardCharsets.UTF_8))
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = answer.body()) {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(body.readAllBytes()).isEqualTo(content);
        }
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        String disposition = answer.headers().firstValue("Content-Disposition").orElseThrow();
        assertThat(org.springframework.http.ContentDisposition.parse(disposition)).satisfies(parsed -> {
            assertThat(parsed.isAttachment()).isTrue();
            assertThat(parsed.getFilename()).isEqualTo("größe \"1\".csv");
        });
    }
}
