package io.cameliotmp.api;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cameliotmp.test.DeviceFileSystem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v3/users/{user}/tickets}: a ticket asked for with the token in the header admits its one GET (a
 * download here) in the token's place, once; a ticket used, unknown or of another request is refused with a clear
 * error; and the Thinger-compatible {@code authorization} query parameter still works for API clients.
 */
class TicketsTest extends ApiTestSupport {

    private static final String DOWNLOAD = "/v3/users/demo/devices/dev-1/files/download";

    @TempDir
    Path deviceRoot;

    @Autowired
    @Qualifier("iotmpApiTicketMetrics")
    io.micrometer.core.instrument.binder.MeterBinder ticketMetrics;

    private String ticket(String url, String token) throws Exception {
        Answer answer = send(request("/v3/users/demo/tickets", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(java.util.Map.of("url", url)))));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.json().get("expiresIn").asLong()).isEqualTo(30);
        return answer.json().get("ticket").asText();
    }

    private Answer getWithout(String pathAndQuery) throws Exception {
        return send(request(pathAndQuery, null).GET());
    }

    @Test
    void aTicketDownloadsOnceInTheTokensPlace() throws Exception {
        Files.createDirectories(deviceRoot.resolve("tmp"));
        Files.writeString(deviceRoot.resolve("tmp/a b.txt"), "hello ticket");
        connect("demo", "dev-1", "secret-1", d -> DeviceFileSystem.install(d, deviceRoot));
        MeterRegistry meters = new SimpleMeterRegistry();
        ticketMetrics.bindTo(meters);
        double issued = meters.get("iotmp.api.tickets.issued").functionCounter().count();

        String ticket = ticket(DOWNLOAD + "?path=%2Ftmp%2Fa%20b.txt", ALL);
        Answer first = getWithout(DOWNLOAD + "?path=%2Ftmp%2Fa%20b.txt&ticket=" + ticket);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(new String(first.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello ticket");

        Answer again = getWithout(DOWNLOAD + "?path=%2Ftmp%2Fa%20b.txt&ticket=" + ticket);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().get("message").asText()).contains("unknown, used or expired");
        assertThat(meters.get("iotmp.api.tickets.issued").functionCounter().count()).isEqualTo(issued + 1);
        assertThat(meters.get("iotmp.api.tickets.rejected").functionCounter().count()).isPositive();

        // the Thinger-compatible query parameter still admits an API client
        Answer thinger = getWithout(DOWNLOAD + "?path=/tmp/a%20b.txt&authorization=" + ALL);
        assertThat(thinger.status()).as(thinger.text()).isEqualTo(200);
        assertThat(new String(thinger.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello ticket");
    }

    @Test
    void aTicketOfAnotherFileDeviceOrUserIsRefused() throws Exception {
        Answer file = getWithout(DOWNLOAD + "?path=/etc/passwd&ticket=" + ticket(DOWNLOAD + "?path=/tmp/a", ALL));
        assertThat(file.status()).isEqualTo(403);
        assertThat(file.json().get("message").asText()).isEqualTo("the ticket is for another request");

        Answer device = getWithout("/v3/users/demo/devices/dev-2/files/download?path=/tmp/a&ticket="
                                   + ticket(DOWNLOAD + "?path=/tmp/a", ALL));
        assertThat(device.status()).isEqualTo(403);

        Answer user = getWithout("/v3/users/other/events?ticket=" + ticket("/v3/users/demo/events", ALL));
        assertThat(user.status()).isEqualTo(403);

        Answer unknown = getWithout("/v3/users/demo/events?ticket=forged");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void aTicketIsIssuedOnlyForWhatTheTokenReachesAndOnlyWithAToken() throws Exception {
        // test-token-tmp reaches the files under /tmp only
        Answer etc = send(request("/v3/users/demo/tickets", "test-token-tmp")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + DOWNLOAD + "?path=/etc/passwd\"}")));
        assertThat(etc.status()).isEqualTo(403);
        assertThat(etc.json().get("message").asText()).contains("does not reach resource $fs/download/etc/passwd");

        Answer otherUser = send(request("/v3/users/other/tickets").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"/v3/users/other/events\"}")));
        assertThat(otherUser.status()).isEqualTo(403);

        Answer none = send(request("/v3/users/demo/tickets", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"/v3/users/demo/events\"}")));
        assertThat(none.status()).isEqualTo(401);

        Answer noUrl = send(request("/v3/users/demo/tickets").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(noUrl.status()).isEqualTo(400);
        assertThat(noUrl.json().get("message").asText()).contains("\"url\"");

        // a ticket cannot ask for a ticket
        String ticket = ticket("/v3/users/demo/events", ALL);
        Answer byTicket = send(request("/v3/users/demo/tickets?ticket=" + ticket, null)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"/v3/users/demo/events\"}")));
        assertThat(byTicket.status()).isEqualTo(403);
    }
}
