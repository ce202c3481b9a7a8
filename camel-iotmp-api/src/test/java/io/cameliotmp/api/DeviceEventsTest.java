package io.cameliotmp.api;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.cameliotmp.device.IotmpDevice;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v3/users/{user}/events}: devices connecting and leaving, as Server-Sent Events, per user. */
class DeviceEventsTest extends ApiTestSupport {

    @Autowired
    DeviceEvents events;

    @Autowired
    ApiMetrics metrics;

    private final List<InputStream> open = new ArrayList<>();

    @AfterEach
    void unsubscribe() throws Exception {
        for (InputStream stream : open) {
            stream.close();
        }
        open.clear();
        Awaitility.await("the subscriptions ended").atMost(WAIT).until(() -> {
            events.beatAll();
            return events.subscribed() == 0;
        });
    }

    @Test
    void aDeviceConnectingAndLeavingIsPushed() throws Exception {
        BlockingQueue<JsonNode> demo = subscribe("demo", ALL);

        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("led").output(() -> true));
        JsonNode connected = next(demo);
        assertThat(connected.path("event").asText()).isEqualTo("connected");
        assertThat(connected.path("device").asText()).isEqualTo("dev-1");
        assertThat(connected.path("ts").asLong()).isPositive();
        assertThat(connected.has("user")).isFalse();

        device.close();
        JsonNode disconnected = next(demo);
        assertThat(disconnected.path("event").asText()).isEqualTo("disconnected");
        assertThat(disconnected.path("device").asText()).isEqualTo("dev-1");
    }

    /**
     * The other user's subscriber is offered every event in the order they are published: had it been given
     * demo/dev-1's connect, that would come before other/dev-9's.
     */
    @Test
    void aUserNeverSeesAnotherUsersDevices() throws Exception {
        BlockingQueue<JsonNode> demo = subscribe("demo", ALL);
        BlockingQueue<JsonNode> other = subscribe("other", "test-token-other");
        BlockingQueue<JsonNode> reader = subscribe("demo", "test-token-reader");

        connect("demo", "dev-2", "secret-2", d -> d.resource("led").output(() -> true));
        assertThat(next(demo).path("device").asText()).isEqualTo("dev-2");
        connect("demo", "dev-1", "secret-1", d -> d.resource("led").output(() -> true));
        assertThat(next(demo).path("device").asText()).isEqualTo("dev-1");
        connect("other", "dev-9", "secret-9", d -> d.resource("led").output(() -> true));

        assertThat(next(other).path("device").asText()).isEqualTo("dev-9");
        // the reader's token reaches dev-1 only: dev-2 was published before dev-1, and is not there
        assertThat(next(reader).path("device").asText()).isEqualTo("dev-1");
    }

    @Test
    void subscriptionsNeedTheUsersTokenAndAreBounded() throws Exception {
        assertThat(send(request("/v3/users/other/events", ALL).GET()).status()).isEqualTo(403);
        assertThat(send(request("/v3/users/demo/events", null).GET()).status()).isEqualTo(401);

        Awaitility.await("no subscriptions left").atMost(WAIT).until(() -> events.subscribed() == 0);
        double refusedBefore = refusedByShare(metrics, "event-streams");
        // max-event-streams is 8 in the tests' application.yml: a user may hold half (max-share-per-user)
        for (int i = 0; i < 4; i++) {
            subscribe("demo", ALL);
        }
        Answer beyondShare = sendExpectingRefusal(request("/v3/users/demo/events", ALL)
                .header("Accept", "text/event-stream").GET());
        assertThat(beyondShare.status()).isEqualTo(503);
        assertThat(beyondShare.json().path("message").asText()).contains("user demo", "max-share-per-user");
        assertThat(refusedByShare(metrics, "event-streams")).isEqualTo(refusedBefore + 1);

        // the other user still gets the rest of the cap; then the cap refuses
        for (int i = 0; i < 4; i++) {
            subscribe("other", "test-token-other");
        }
        Answer refused = sendExpectingRefusal(request("/v3/users/other/events", "test-token-other")
                .header("Accept", "text/event-stream").GET());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().path("message").asText()).contains("max-event-streams");
        assertThat(events.subscribed()).isEqualTo(8);

        // a subscription given back is the user's again
        open.remove(0).close();
        Awaitility.await("demo's subscription ended").atMost(WAIT).until(() -> {
            events.beatAll();
            return events.slots().heldBy("demo") == 3;
        });
        subscribe("demo", ALL);

        unsubscribe();
        assertThat(events.slots().users()).isZero();
    }

    /** Subscribes; the queue gets each event's data, once the subscription is confirmed (its opening comment). */
    private BlockingQueue<JsonNode> subscribe(String user, String token) throws Exception {
        HttpResponse<InputStream> response = http.send(request("/v3/users/" + user + "/events", token)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        open.add(response.body());
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        String first = lines.readLine();
        assertThat(first).startsWith(":");
        Thread reader = new Thread(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data:")) {
                        received.add(JSON.readTree(line.substring("data:".length())));
                    }
                }
            } catch (java.io.IOException e) {
                // closed by the test
            }
        }, "events-" + user);
        reader.setDaemon(true);
        reader.start();
        return received;
    }

    private static JsonNode next(BlockingQueue<JsonNode> events) throws InterruptedException {
        JsonNode event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within " + WAIT).isNotNull();
        return event;
    }
}
