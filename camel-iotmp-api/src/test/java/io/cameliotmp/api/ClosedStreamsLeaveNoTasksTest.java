package io.cameliotmp.api;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream that closes cancels its timers (heartbeat, device check), and they leave the scheduler's queue at once: a
 * cancelled task used to stay queued until it was due (up to {@link DeviceSampleStream#HEARTBEAT}), holding its
 * stream and the stream's socket or response, so that a client opening and closing streams made the server hold any
 * number of closed ones. For the streams over WebSocket, as Server-Sent Events, and the subscriptions to device
 * events: once their clients have gone, only each scheduler's own periodic check is queued.
 */
class ClosedStreamsLeaveNoTasksTest extends ApiTestSupport {

    /** Streams opened and closed of each kind: within a user's share of the caps of the tests' application. */
    private static final int STREAMS = 16;
    /** Subscriptions to device events: a user's share of the tests' {@code max-event-streams} (8). */
    private static final int SUBSCRIPTIONS = 4;
    private static final String COUNTER = "/v3/users/demo/devices/dev-1/resources/counter";

    @Autowired
    DeviceStreamSocket socketStreams;

    @Autowired
    DeviceStreamController sseStreams;

    @Autowired
    DeviceEvents events;

    @BeforeEach
    void connectDevice() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device.resource("counter").output(System::nanoTime));
    }

    @Test
    void closedWebSocketStreamsLeaveNoTaskQueued() throws Exception {
        await("streams of other tests closed").atMost(WAIT).until(() -> socketStreams.openStreams() == 0);
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            sockets.add(http.newWebSocketBuilder().header("Authorization", "Bearer " + ALL)
                    .buildAsync(URI.create("ws://localhost:" + httpPort + COUNTER + "/ws?interval=1"),
                            new DeviceStreamSocketTest.Stream())
                    .get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        await("the streams open").atMost(WAIT).until(() -> socketStreams.openStreams() == STREAMS);
        assertThat(socketStreams.timersScheduled()).as("each stream's heartbeat and device check")
                .isGreaterThanOrEqualTo(2 * STREAMS);

        sockets.forEach(WebSocket::abort);

        assertNoTaskLeftOnceClosed(socketStreams::openStreams, socketStreams::timersScheduled);
    }

    @Test
    void closedServerSentEventStreamsLeaveNoTaskQueued() throws Exception {
        await("streams of other tests closed").atMost(WAIT).until(() -> sseStreams.openStreams() == 0);
        List<InputStream> bodies = open(COUNTER + "/stream?interval=1", STREAMS);
        await("the streams open").atMost(WAIT).until(() -> sseStreams.openStreams() == STREAMS);
        assertThat(sseStreams.timersScheduled()).as("each stream's heartbeat and device check")
                .isGreaterThanOrEqualTo(2 * STREAMS);

        for (InputStream body : bodies) {
            body.close();
        }

        // a client's leaving is noticed at its stream's next sample (one a second)
        assertNoTaskLeftOnceClosed(sseStreams::openStreams, sseStreams::timersScheduled);
    }

    @Test
    void closedEventSubscriptionsLeaveNoTaskQueued() throws Exception {
        await("subscriptions of other tests closed").atMost(WAIT).until(() -> {
            events.beatAll();
            return events.subscribed() == 0;
        });
        List<InputStream> bodies = open("/v3/users/demo/events", SUBSCRIPTIONS);
        await("the subscriptions open").atMost(WAIT).until(() -> events.subscribed() == SUBSCRIPTIONS);
        assertThat(events.timersScheduled()).as("each subscription's heartbeat").isGreaterThanOrEqualTo(SUBSCRIPTIONS);

        for (InputStream body : bodies) {
            body.close();
        }

        // a client's leaving is noticed at the next write to it: a heartbeat, sent now
        assertNoTaskLeftOnceClosed(() -> {
            events.beatAll();
            return events.subscribed();
        }, events::timersScheduled);
    }

    /** Opens {@code count} Server-Sent Events streams of {@code path}: their bodies, unread. */
    private List<InputStream> open(String path, int count) throws Exception {
        List<CompletableFuture<HttpResponse<InputStream>>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(http.sendAsync(request(path).header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<InputStream> bodies = new ArrayList<>();
        for (CompletableFuture<HttpResponse<InputStream>> response : responses) {
            HttpResponse<InputStream> answer = response.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            bodies.add(answer.body());
            assertThat(answer.statusCode()).isEqualTo(200);
        }
        return bodies;
    }

    /**
     * Waits for every stream to have closed (and given its place back, after cancelling its timers), then checks at
     * once that only the scheduler's periodic check is queued (none while it runs).
     */
    private static void assertNoTaskLeftOnceClosed(IntSupplier open, IntSupplier timersScheduled) {
        await("the streams closed").atMost(WAIT).until(() -> open.getAsInt() == 0);
        assertThat(timersScheduled.getAsInt()).as("timers queued once every stream closed").isLessThanOrEqualTo(1);
    }
}
