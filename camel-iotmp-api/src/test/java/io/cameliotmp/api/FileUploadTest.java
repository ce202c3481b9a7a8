package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST …/files/upload?path=…}: the body streamed to a device's {@code $fs/upload/:session} in acknowledged
 * chunks. The test device is the reference client's side in miniature: it collects the chunks it receives and
 * acknowledges each with {@code {"ack": n, "bytes": m}}.
 */
class FileUploadTest extends ApiTestSupport {

    private static final String OTHER = "test-token-other";

    @Autowired
    FileUploads uploads;

    @Autowired
    ApiMetrics metrics;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("iotmpApiUploadMetrics")
    io.micrometer.core.instrument.binder.MeterBinder uploadMetrics;

    @Test
    void aMultiMegabyteFileArrivesWholeAndInOrder() throws Exception {
        byte[] file = new byte[3 * 1024 * 1024 + 12345];
        new Random(15).nextBytes(file);
        ReceivingDevice receiver = new ReceivingDevice(Integer.MAX_VALUE);
        connect("demo", "dev-1", "secret-1", receiver::offer);

        Answer answer = upload("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/data.bin", ALL, file);

        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        assertThat(answer.json().path("size").asLong()).isEqualTo(file.length);
        assertThat(receiver.parameters).containsEntry("path", "/tmp/data.bin").containsEntry("overwrite", true);
        assertThat(((Number) receiver.parameters.get("size")).longValue()).isEqualTo(file.length);
        assertThat(receiver.received.toByteArray()).isEqualTo(file);
        assertThat(receiver.chunks.get()).isGreaterThan(1);
        Awaitility.await("the upload ended").atMost(WAIT).until(() -> uploads.running() == 0);
    }

    /** {@code overwrite} is true or false in any case: {@code FALSE} or a typo overwrote the file. */
    @Test
    void overwriteIsTrueOrFalse() throws Exception {
        ReceivingDevice receiver = new ReceivingDevice(Integer.MAX_VALUE);
        connect("demo", "dev-1", "secret-1", receiver::offer);
        String upload = "/v3/users/demo/devices/dev-1/files/upload?path=/tmp/keep.bin&overwrite=";

        Answer kept = upload(upload + "FALSE", ALL, new byte[100]);
        assertThat(kept.status()).as(kept.text()).isEqualTo(201);
        assertThat(receiver.parameters).containsEntry("overwrite", false);

        Answer typo = upload(upload + "no", ALL, new byte[100]);
        assertThat(typo.status()).as(typo.text()).isEqualTo(400);
        assertThat(typo.json().path("message").asText()).isEqualTo("overwrite is true or false, not no");
        assertThat(receiver.chunks).as("only the first upload's chunk").hasValue(1);
        Awaitility.await("the upload ended").atMost(WAIT).until(() -> uploads.running() == 0);
    }

    @Test
    void aFileLargerThanTheLimitIs413() throws Exception {
        ReceivingDevice receiver = new ReceivingDevice(Integer.MAX_VALUE);
        connect("demo", "dev-1", "secret-1", receiver::offer);

        Answer answer = upload("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/big.bin", ALL,
                new byte[5 * 1024 * 1024]);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().path("message").asText()).contains("max-upload-size");
        assertThat(receiver.chunks.get()).isZero();
    }

    /** Without a Content-Length (a chunked body) the device cannot be told the file's size: 411, nothing sent. */
    @Test
    void aChunkedBodyIs411() throws Exception {
        ReceivingDevice receiver = new ReceivingDevice(Integer.MAX_VALUE);
        connect("demo", "dev-1", "secret-1", receiver::offer);
        byte[] file = new byte[100_000];

        Answer answer = send(request("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/big.bin", ALL)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(file))));

        assertThat(answer.status()).as(answer.text()).isEqualTo(411);
        assertThat(answer.json().path("error").asText()).isEqualTo("Length Required");
        assertThat(receiver.chunks.get()).isZero();
    }

    /**
     * Uploads hold a request thread each: beyond {@code max-uploads} (4) they are 503, and one user may hold half of
     * them ({@code max-share-per-user}). Two uploads to demo's device that never acknowledges are held, demo's third is
     * refused while the other user still gets the other two, and the fifth is refused by the cap; once demo's device
     * leaves, its uploads end and demo's places are free again.
     */
    @Test
    void uploadsBeyondTheBoundAre503() throws Exception {
        IotmpDevice silent = connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        IotmpDevice othersSilent = connect("other", "dev-9", "secret-9", device -> device
                .resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        uploadMetrics.bindTo(registry);
        double refusedBefore = refusedByShare(metrics, "uploads");
        java.util.List<CompletableFuture<java.net.http.HttpResponse<byte[]>>> held = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(http.sendAsync(request("/v3/users/demo/devices/dev-1/files/upload?path=/f" + i, ALL)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024])).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()));
        }
        Awaitility.await("demo's two uploads running").atMost(WAIT).until(() -> uploads.running() == 2);

        Answer beyondShare = upload("/v3/users/demo/devices/dev-1/files/upload?path=/f2", ALL, new byte[10]);
        assertThat(beyondShare.status()).isEqualTo(503);
        assertThat(beyondShare.json().path("message").asText()).contains("user demo", "max-share-per-user");
        assertThat(refusedByShare(metrics, "uploads")).isEqualTo(refusedBefore + 1);

        for (int i = 0; i < 2; i++) {
            held.add(http.sendAsync(request("/v3/users/other/devices/dev-9/files/upload?path=/f" + i, OTHER)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024])).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray()));
        }
        Awaitility.await("four uploads running").atMost(WAIT).until(() -> uploads.running() == 4);
        assertThat(registry.get("iotmp.api.uploads").gauge().value()).isEqualTo(4.0);

        Answer refused = upload("/v3/users/other/devices/dev-9/files/upload?path=/f4", OTHER, new byte[10]);

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().path("message").asText()).contains("max-uploads");
        silent.close();
        Awaitility.await("demo's held uploads ended").atMost(WAIT.multipliedBy(2))
                .until(() -> uploads.slots().heldBy("demo") == 0);
        // demo's places are free: an upload is admitted (and answered as its device is gone)
        Answer again = upload("/v3/users/demo/devices/dev-1/files/upload?path=/f5", ALL, new byte[10]);
        assertThat(again.status()).as(again.text()).isEqualTo(404);
        othersSilent.close();
        Awaitility.await("the held uploads ended").atMost(WAIT.multipliedBy(2)).until(() -> uploads.running() == 0);
        for (var response : held) {
            // an error answer, or a connection the server closed on a body it no longer reads: never a success
            assertThat(response.handle((answer, failure) -> answer == null || answer.statusCode() >= 400).get())
                    .isTrue();
        }
        assertThat(uploads.slots().users()).isZero();
    }

    @Test
    void anUploadNeedsTheFilesActionAndAnOctetStreamBody() throws Exception {
        ReceivingDevice receiver = new ReceivingDevice(Integer.MAX_VALUE);
        connect("demo", "dev-1", "secret-1", receiver::offer);

        assertThat(upload("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/x", "test-token-reader",
                new byte[10]).status()).isEqualTo(403);
        assertThat(post("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/x", "application/json",
                "{}".getBytes()).status()).isEqualTo(415);
        assertThat(upload("/v3/users/demo/devices/dev-1/files/upload", ALL, new byte[10]).status())
                .isEqualTo(400);
        assertThat(receiver.chunks.get()).isZero();
    }

    @Test
    void aDeviceGoneMidUploadIsAnErrorAnswer() throws Exception {
        ReceivingDevice receiver = new ReceivingDevice(3);
        connect("demo", "dev-1", "secret-1", receiver::offer);

        Answer answer = upload("/v3/users/demo/devices/dev-1/files/upload?path=/tmp/cut.bin", ALL,
                new byte[3 * 1024 * 1024]);

        assertThat(answer.status()).as(answer.text()).isEqualTo(502);
        assertThat(answer.json().path("message").asText()).contains("/tmp/cut.bin");
        Awaitility.await("the upload ended").atMost(WAIT).until(() -> uploads.running() == 0);
    }

    @Test
    void anUploadToADeviceNotConnectedIs404() throws Exception {
        Answer answer = upload("/v3/users/demo/devices/dev-2/files/upload?path=/tmp/x", ALL, new byte[10]);

        assertThat(answer.status()).as(answer.text()).isEqualTo(404);
        assertThat(answer.json().path("message").asText()).contains("not connected");
    }

    private Answer upload(String path, String token, byte[] body) throws Exception {
        return send(request(path, token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** The device side of {@code $fs/upload}: collects the chunks, acks each, leaves after {@code leaveAfter}. */
    private static final class ReceivingDevice {

        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final AtomicInteger chunks = new AtomicInteger();
        final int leaveAfter;
        volatile Map<Object, Object> parameters;

        ReceivingDevice(int leaveAfter) {
            this.leaveAfter = leaveAfter;
        }

        void offer(IotmpDevice device) {
            device.resource("$fs/upload/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                parameters = Map.copyOf((Map<?, ?>) request.parameters());
                if (request.describeMode() || !(request.input() instanceof byte[] chunk)) {
                    return null;
                }
                int n;
                synchronized (received) {
                    received.writeBytes(chunk);
                    n = chunks.incrementAndGet();
                }
                if (n >= leaveAfter) {
                    CompletableFuture.runAsync(request.device()::close);
                    return null;
                }
                request.device().stream(request.path(), Map.of("ack", n, "bytes", chunk.length));
                return null;
            });
        }
    }
}
