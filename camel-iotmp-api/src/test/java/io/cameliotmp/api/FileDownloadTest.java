package io.cameliotmp.api;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.SyntheticFile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device file larger than this test JVM's whole heap (the module's tests run with {@code -Xmx256m}) downloaded
 * through the API: it can only arrive if it is streamed, chunk by chunk, and never held.
 */
class FileDownloadTest extends ApiTestSupport {

    /** 320 MiB, more than the heap. */
    private static final long SIZE = 320L * 1024 * 1024;
    private static final SyntheticFile FILE = new SyntheticFile(SIZE);

    @org.springframework.beans.factory.annotation.Autowired
    FileDownloads downloads;

    @org.springframework.beans.factory.annotation.Autowired
    ApiMetrics metrics;

    @Test
    void aFileLargerThanTheHeapIsStreamedToTheClient() throws Exception {
        assertThat(SIZE).isGreaterThan(Runtime.getRuntime().maxMemory());
        AtomicLong sent = new AtomicLong();
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of(
                        "name", "big.bin", "path", request.pathParam("path"), "type", "file", "size", SIZE))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    Map<?, ?> parameters = (Map<?, ?>) request.parameters();
                    int chunkSize = ((Number) parameters.get("chunk_size")).intValue();
                    if (request.describeMode()) {
                        // the stream's start: the first chunk; every acknowledgement then asks for the next
                        return FILE.nextChunk(sent, chunkSize);
                    }
                    byte[] next = FILE.nextChunk(sent, chunkSize);
                    if (next != null) {
                        request.device().stream(request.path(), next);
                    }
                    return null;
                }));

        HttpResponse<InputStream> response = http.send(
                request("/v3/users/demo/devices/dev-1/files/download?path=/var/big.bin").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
        CRC32 received = new CRC32();
        long count = 0;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                received.update(buffer, 0, read);
                count += read;
            }
        }
        assertThat(count).isEqualTo(SIZE);
        assertThat(received.getValue()).isEqualTo(expectedCrc());
    }

    @Test
    void aDownloadNeedsTheFilesAction() throws Exception {
        assertThat(send(request("/v3/users/demo/devices/dev-1/files/download?path=/etc/hosts", "test-token-reader")
                .GET()).status()).isEqualTo(403);
        Answer offline = get("/v3/users/demo/devices/dev-2/files/download?path=/etc/hosts");
        assertThat(offline.status()).isEqualTo(404);
        assertThat(offline.json().path("message").asText()).contains("not connected");
    }

    /**
     * Downloads hold a thread each: beyond {@code max-downloads} (4) they are 503, and one user may hold half of them
     * ({@code max-share-per-user}). Two downloads of demo's device that never sends are held open, demo's third is
     * refused while the other user still gets the other two, and the fifth is refused by the cap; once demo's device
     * leaves, its downloads end and demo's places are free again.
     */
    @Test
    void downloadsBeyondTheBoundAre503() throws Exception {
        io.cameliotmp.device.IotmpDevice stalled = connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", 1000))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        io.cameliotmp.device.IotmpDevice othersStalled = connect("other", "dev-9", "secret-9", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", 1000))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        double refusedBefore = refusedByShare(metrics, "downloads");
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<InputStream>>> held =
                new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(http.sendAsync(request("/v3/users/demo/devices/dev-1/files/download?path=/f" + i).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()));
        }
        org.awaitility.Awaitility.await("demo's two downloads running").atMost(WAIT)
                .until(() -> downloads.running() == 2);

        Answer beyondShare = get("/v3/users/demo/devices/dev-1/files/download?path=/f2");
        assertThat(beyondShare.status()).isEqualTo(503);
        assertThat(beyondShare.json().path("message").asText()).contains("user demo", "max-share-per-user");
        assertThat(refusedByShare(metrics, "downloads")).isEqualTo(refusedBefore + 1);

        for (int i = 0; i < 2; i++) {
            held.add(http.sendAsync(request("/v3/users/other/devices/dev-9/files/download?path=/f" + i,
                    "test-token-other").GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
        }
        org.awaitility.Awaitility.await("four downloads running").atMost(WAIT)
                .until(() -> downloads.running() == 4);
        Answer refused = send(request("/v3/users/other/devices/dev-9/files/download?path=/f4", "test-token-other")
                .GET());

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.json().path("message").asText()).contains("max-downloads");
        stalled.close();
        org.awaitility.Awaitility.await("demo's held downloads ended").atMost(WAIT.multipliedBy(2))
                .until(() -> downloads.slots().heldBy("demo") == 0);
        // demo's places are free: a download is admitted (and answered as its device is gone)
        Answer again = get("/v3/users/demo/devices/dev-1/files/download?path=/f5");
        assertThat(again.status()).as(again.text()).isEqualTo(404);
        othersStalled.close();
        org.awaitility.Awaitility.await("the held downloads ended").atMost(WAIT.multipliedBy(2))
                .until(() -> downloads.running() == 0);
        for (var response : held) {
            response.get().body().close();
        }
        assertThat(downloads.slots().users()).isZero();
    }

    private static long expectedCrc() {
        CRC32 crc = new CRC32();
        FILE.feed((buffer, length) -> crc.update(buffer, 0, length));
        return crc.getValue();
    }
}
