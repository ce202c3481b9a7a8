package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.SyntheticFile;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device that leaves in the middle of a download: the client gets the bytes sent so far, and no error text after
 * them, then at once the end of a response cut short (its connection closed before its {@code Content-Length}), never
 * a wait for Tomcat's connection timeout; and the download's place and thread are given back. And a device that
 * sends more than the size it gave puts no byte beyond its {@code Content-Length} on the connection.
 */
class DownloadOfADeviceGoneMidwayTest extends ApiTestSupport {

    private static final long SIZE = 8L * 1024 * 1024;

    @Autowired
    FileDownloads downloads;

    @Test
    void aDeviceGoneMidwayCutsTheDownloadShortAndFreesItsPlace() throws Exception {
        SyntheticFile file = new SyntheticFile(SIZE);
        AtomicLong sent = new AtomicLong();
        java.util.concurrent.CompletableFuture<IotmpDevice> self = new java.util.concurrent.CompletableFuture<>();
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", SIZE))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    int chunkSize = ((Number) ((Map<?, ?>) request.parameters()).get("chunk_size")).intValue();
                    if (request.describeMode()) {
                        return file.nextChunk(sent, chunkSize);
                    }
                    // the first acknowledgement: the device goes, its file half sent
                    self.thenAccept(IotmpDevice::close);
                    return null;
                }));
        self.complete(device);

        HttpResponse<InputStream> response = http.send(
                request("/v3/users/demo/devices/dev-1/files/download?path=/var/big.bin").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
        // the end of the response comes within the tests' wait, well before Tomcat's connection timeout (a minute),
        // until which a response cut short and left open kept its client waiting for the rest
        long count = java.util.concurrent.CompletableFuture.supplyAsync(() -> readPrefix(response.body()))
                .get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(count).as("bytes before the device left").isLessThan(SIZE);
        Awaitility.await("the download's place given back").atMost(WAIT).until(() -> downloads.running() == 0);
        assertThat(downloads.slots().users()).isZero();
    }

    /**
     * Reads {@code body} to its end or its failure; the number of bytes read, each checked to be the file's own: no
     * error text after them.
     */
    private static long readPrefix(InputStream body) {
        long count = 0;
        try (body) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] != SyntheticFile.byteAt(count + i)) {
                        throw new AssertionError("byte " + (count + i) + " is not the file's: "
                                                 + new String(buffer, i, Math.min(read - i, 200),
                                                         java.nio.charset.StandardCharsets.ISO_8859_1));
                    }
                }
                count += read;
            }
        } catch (IOException e) {
            // the connection closed before Content-Length bytes: the client's way of telling a response cut short
        }
        return count;
    }

    @Test
    void aDeviceSendingMoreThanItsSizePutsNoExtraByteOnTheConnection() throws Exception {
        connect("demo", "dev-1", "secret-1", d -> d
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", 10))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    // a first chunk far beyond the size it gave: HTTP/1.1 framing of a smuggled response
                    return request.describeMode()
                            ? ("0123456789HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nforged").getBytes(
                                    java.nio.charset.StandardCharsets.US_ASCII)
                            : null;
                }));
        for (int i = 0; i < 3; i++) {
            // one connection, kept alive: an extra byte would be read as the start of the next answer
            Answer answer = get("/v3/users/demo/devices/dev-1/files/download?path=/tmp/small");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.text()).isEqualTo("0123456789");
            Answer next = get("/v3/users/demo/devices");
            assertThat(next.status()).as(next.text()).isEqualTo(200);
            assertThat(next.text()).doesNotContain("forged");
        }
        Awaitility.await("the downloads' places given back").atMost(WAIT).until(() -> downloads.running() == 0);
    }
}
