package io.cameliotmp.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import io.cameliotmp.test.FreePorts;
import io.cameliotmp.test.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dashboard on another origin, in a real headless browser ({@link HeadlessChromium}): a page of a listed origin
 * ({@code cors-allowed-origins}) lists the devices with {@code fetch} and an {@code Authorization} header (a call the
 * browser preflights) and opens a resource stream over WebSocket; the same page from an origin not listed can do
 * neither. The pages are served by a server of the test's own on other loopback ports.
 */
class CrossOriginBrowserTest extends OwnApplicationTestSupport {

    /** The port of the listed dashboard's origin, {@code http://127.0.0.1:PORT}. */
    private static final int DASHBOARD_PORT = FreePorts.next();

    /**
     * The dashboard's page: the API's address in its query; what its calls came to in {@code window.listed} and
     * {@code window.socket}.
     */
    private static final String PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>dashboard</title></head><body><script>
            const api = new URLSearchParams(location.search).get('api');
            fetch(api + '/v3/users/demo/devices', {headers: {'Authorization': 'Bearer %s'}})
                .then(answer => answer.text().then(body => window.listed = answer.status + ' ' + body))
                .catch(failure => window.listed = 'failed: ' + failure);
            const socket = new WebSocket(api.replace('http', 'ws')
                + '/v3/users/demo/devices/dev-1/resources/temperature/ws?interval=1&authorization=%s');
            socket.onmessage = message => window.socket = 'message ' + message.data;
            socket.onerror = () => window.socket = window.socket || 'error';
            </script></body></html>
            """.formatted(ALL, ALL);

    private HttpServer dashboard;
    private HttpServer other;
    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @DynamicPropertySource
    static void dashboardOrigin(DynamicPropertyRegistry registry) {
        registry.add("camel.iotmp.api.cors-allowed-origins", () -> "http://127.0.0.1:" + DASHBOARD_PORT);
    }

    @BeforeEach
    void startThePagesAndChromium() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("temperature").output(() -> 21.5));
        dashboard = servePage(DASHBOARD_PORT);
        other = servePage(0);
        chromium = HeadlessChromium.start(800, 600);
        browser = chromium.driver();
    }

    private static HttpServer servePage(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (var body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
        server.start();
        return server;
    }

    @AfterEach
    void stopThem() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        for (HttpServer server : new HttpServer[] {dashboard, other}) {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    /** Opens the page of {@code server} and waits until both its calls have come to something. */
    private void open(HttpServer server) {
        browser.get("http://127.0.0.1:" + server.getAddress().getPort() + "/?api=http://localhost:" + httpPort);
        new WebDriverWait(browser, WAIT).withMessage("the page's calls answered or failed").until(driver ->
                browser.executeScript("return window.listed && window.socket ? true : null;"));
    }

    private Object pages(String variable) {
        return browser.executeScript("return window." + variable + ";");
    }

    @Test
    void aPageOfAListedOriginCallsTheApiAndOpensItsWebSockets() {
        open(dashboard);
        assertThat(pages("listed")).asString().startsWith("200 ").contains("\"device\":\"dev-1\"");
        assertThat(pages("socket")).asString().startsWith("message ").contains("\"event\":\"sample\"")
                .contains("21.5");
    }

    @Test
    void aPageOfAnotherOriginCanDoNeither() {
        open(other);
        assertThat(pages("listed")).asString().startsWith("failed: ");
        assertThat(pages("socket")).isEqualTo("error");
    }
}
