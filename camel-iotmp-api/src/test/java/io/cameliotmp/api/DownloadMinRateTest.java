package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.SyntheticFile;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A download whose client takes it slower than {@code download-min-rate} is cut short once its writes have waited the
 * grace, its place given back and the failure counted, rather than holding its place and a thread for as long as the
 * client keeps taking a little now and then. The client's slowness is the test's: the download's rate is measured on
 * a clock by which every write takes a second (8 KiB a second, half the 16 KB/s minimum), so a real client reading as
 * fast as it can is "slow" however fast the machine. Without the rate, it gets the whole file. The connection of the
 * download cut short is closed at once, not left to Tomcat's connection timeout (ten minutes here).
 */
@Import(DownloadMinRateTest.SecondPerWrite.class)
@TestPropertySource(properties = "server.tomcat.connection-timeout=10m")
class DownloadMinRateTest extends OwnApplicationTestSupport {

    private static final long SIZE = 1024 * 1024;
    private static final SyntheticFile FILE = new SyntheticFile(SIZE);

    @Autowired
    FileDownloads downloads;

    @Autowired
    DownloadRate rate;

    @Autowired
    @Qualifier("iotmpApiDownloadMetrics")
    MeterBinder downloadMetrics;

    @TestConfiguration
    static class SecondPerWrite {
        @Bean
        @Primary
        DownloadRate secondPerWriteRate() {
            AtomicLong clock = new AtomicLong();
            // read as a write starts and as it ends: each write waited a second
            return new DownloadRate(16_000, Duration.ofSeconds(10),
                    () -> clock.addAndGet(Duration.ofSeconds(1).toNanos()));
        }
    }

    @Test
    void aDownloadTakenSlowerThanTheRateIsCutShortAndItsPlaceGivenBack() throws Exception {
        AtomicLong sent = new AtomicLong();
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", SIZE))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    int chunkSize = ((Number) ((Map<?, ?>) request.parameters()).get("chunk_size")).intValue();
                    if (request.describeMode()) {
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
        long received = CompletableFuture.supplyAsync(() -> readUntilClosed(response.body()))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(received).as("bytes of the file received").isLessThan(SIZE);
        assertThat(rate.tooSlow()).isEqualTo(1);
        await("the download's place given back").atMost(WAIT).until(() -> downloads.running() == 0);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        downloadMetrics.bindTo(meters);
        assertThat(meters.get("iotmp.api.downloads.slow.failed").functionCounter().count()).isEqualTo(1.0);
    }

    /** The bytes of {@code body} until its end or its connection's close. */
    private static long readUntilClosed(InputStream body) {
        long received = 0;
        try (body) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                received += read;
            }
        } catch (IOException cutShort) {
            // the connection closed before Content-Length bytes came: the download was failed
        }
        return received;
    }
}
