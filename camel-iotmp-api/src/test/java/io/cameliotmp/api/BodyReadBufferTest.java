package io.cameliotmp.api;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request bodies held while they arrive are bounded together ({@code body-read-buffer}, here room for one body of
 * {@code max-body-size} and a half): a client that declares a body and sends it slowly holds its declared length from
 * the first byte, so without the bound clients sending slowly on many connections make the application hold one
 * body each. A body that does not fit is answered 503; once the slow one has gone, bodies fit again.
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-body-size=" + BodyReadBufferTest.MAX_BODY,
    "camel.iotmp.api.body-read-buffer=" + BodyReadBufferTest.BUFFER, "camel.iotmp.api.body-read-timeout=10m"})
class BodyReadBufferTest extends OwnApplicationTestSupport {

    static final int MAX_BODY = 64 * 1024;
    static final int BUFFER = MAX_BODY * 3 / 2;
    private static final String RESOURCE = "/v3/users/demo/devices/dev-1/resources/led";

    @Autowired
    BodyReadBuffer bodies;

    @Autowired
    @Qualifier("iotmpApiBodyMetrics")
    MeterBinder metrics;

    @Test
    void aBodyBeyondTheBufferIsRefusedWhileASlowOneHoldsIt() throws Exception {
        byte[] half = json(MAX_BODY / 2 + 1);
        await("bodies of other tests given back").atMost(WAIT).until(() -> bodies.bytes() == 0);
        long refusedBefore = bodies.refused();
        try (Socket slow = sendSlowly()) {
            await("the slow body holds its declared length").atMost(WAIT).until(() -> bodies.bytes() == MAX_BODY);

            Answer refused = post(RESOURCE, "application/json", half);
            assertThat(refused.status()).as(refused.text()).isEqualTo(503);
            assertThat(refused.text()).contains("body-read-buffer");
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            metrics.bindTo(registry);
            assertThat(registry.get("iotmp.api.bodies.bytes").gauge().value()).isEqualTo(MAX_BODY);
            assertThat(registry.get("iotmp.api.bodies.refused").functionCounter().count())
                    .isEqualTo(refusedBefore + 1.0);
        }
        await("the body of the client gone given back").atMost(WAIT).until(() -> bodies.bytes() == 0);
        // no device: the body was admitted, read and the call made
        Answer admitted = post(RESOURCE, "application/json", half);
        assertThat(admitted.status()).as(admitted.text()).isEqualTo(404);
        assertThat(bodies.bytes()).isZero();
    }

    @Test
    void aChunkedBodyIsRefusedOnceItGrowsBeyondTheBuffer() throws Exception {
        await("bodies of other tests given back").atMost(WAIT).until(() -> bodies.bytes() == 0);
        try (Socket slow = sendSlowly(); Socket chunked = new Socket()) {
            await("the slow body holds its declared length").atMost(WAIT).until(() -> bodies.bytes() == MAX_BODY);
            chunked.connect(new InetSocketAddress("127.0.0.1", httpPort));
            chunked.setSoTimeout((int) WAIT.toMillis());
            byte[] chunk = json(MAX_BODY / 2 + 1);
            OutputStream out = chunked.getOutputStream();
            out.write(("POST " + RESOURCE + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALL
                       + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                       + Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // answered before its last chunk, which never comes
            assertThat(DeviceSessionSocketLimitsTest.readHead(chunked.getInputStream())).startsWith("HTTP/1.1 503");
        }
        await("both bodies given back").atMost(WAIT).until(() -> bodies.bytes() == 0);
    }

    /** A client that declares a body of {@code max-body-size} and sends four bytes of it. */
    private Socket sendSlowly() throws java.io.IOException {
        Socket slow = new Socket();
        slow.connect(new InetSocketAddress("127.0.0.1", httpPort));
        OutputStream out = slow.getOutputStream();
        out.write(("POST " + RESOURCE + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ALL
                   + "\r\nContent-Type: application/json\r\nContent-Length: " + MAX_BODY + "\r\n\r\n\"abc")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return slow;
    }

    /** A JSON string of {@code length} bytes. */
    private static byte[] json(int length) {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 'a');
        body[0] = '"';
        body[length - 1] = '"';
        return body;
    }
}
