package io.cameliotmp.api;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.ResourceKind;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The async request timeout bounds the wait for a download's streaming to start, not the streaming: a download that
 * outlasted it was cut there, with the timeout's 503 JSON written into the file's content (from the timeout's
 * dispatch, while the streaming's thread wrote too). Here the device sends half the file, and the other half only
 * once the download has either lifted the request's async timeout or ended; the client then gets the whole file,
 * not a byte more.
 */
@TestPropertySource(properties = "spring.mvc.async.request-timeout=10s")
@Import(DownloadOutlastsTheAsyncTimeoutTest.AsyncContextKept.class)
class DownloadOutlastsTheAsyncTimeoutTest extends OwnApplicationTestSupport {

    private static final int HALF = 100_000;

    /** The download request's async context, kept as its thread leaves the servlet. */
    static final AtomicReference<AsyncContext> ASYNC = new AtomicReference<>();

    @Autowired
    FileDownloads downloads;

    @TestConfiguration
    static class AsyncContextKept {
        @Bean
        FilterRegistrationBean<Filter> keepDownloadAsyncContext() {
            FilterRegistrationBean<Filter> filter = new FilterRegistrationBean<>((request, response, chain) -> {
                chain.doFilter(request, response);
                if (request.isAsyncStarted()) {
                    ASYNC.set(request.getAsyncContext());
                }
            });
            filter.addUrlPatterns("/v3/users/demo/devices/dev-1/files/download");
            return filter;
        }
    }

    @Test
    void theAsyncTimeoutStopsApplyingOnceTheContentStreams() throws Exception {
        CountDownLatch secondHalf = new CountDownLatch(1);
        AtomicInteger acks = new AtomicInteger();
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", 2 * HALF))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (request.describeMode()) {
                        return new byte[HALF];
                    }
                    if (acks.incrementAndGet() == 1) {
                        // not on the device's thread, which takes the acknowledgements
                        Thread later = new Thread(() -> {
                            try {
                                secondHalf.await();
                                request.device().stream(request.path(), new byte[HALF]);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }, "second-half");
                        later.setDaemon(true);
                        later.start();
                    }
                    return null;
                }));

        HttpResponse<InputStream> response = http.send(
                request("/v3/users/demo/devices/dev-1/files/download?path=/var/two-halves.bin").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            // not the whole half: the container may hold its last bytes until the next write
            assertThat(body.readNBytes(HALF / 2)).hasSize(HALF / 2);
            await("the async timeout lifted, or the download ended").atMost(WAIT)
                    .until(() -> asyncTimeout() == 0 || downloads.running() == 0);
            assertThat(asyncTimeout()).as("the async timeout while the content streams").isZero();
            secondHalf.countDown();

            assertThat(body.readAllBytes()).hasSize(2 * HALF - HALF / 2).containsOnly(0);
        }
        await("the download's place given back").atMost(WAIT).until(() -> downloads.running() == 0);
    }

    /** The download request's async timeout, -1 once the request is over. */
    private static long asyncTimeout() {
        AsyncContext async = ASYNC.get();
        try {
            return async == null ? -1 : async.getTimeout();
        } catch (IllegalStateException over) {
            return -1;
        }
    }
}
