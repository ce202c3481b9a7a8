package io.cameliotmp.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.ResourceKind;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A download's content is written by a task executor thread, which Spring MVC starts as the request goes
 * asynchronous, while the request's own thread is still in the container with the request (its filters, the
 * container's valves and, for a connection that failed, its error handling and {@link TomcatFailedAsyncCompleter}).
 * Here a filter holds the request's thread in the container, after the servlet, until the download has either
 * written to the response or waits for that thread: nothing may have reached the response by then. Once the thread
 * returns, the client gets the whole file.
 */
@Import(DownloadSentAfterTheRequestThreadTest.HeldRequestThread.class)
class DownloadSentAfterTheRequestThreadTest extends OwnApplicationTestSupport {

    private static final byte[] CONTENT = "the device's file".getBytes(StandardCharsets.UTF_8);

    /** What the held request's thread saw of its response once the download was under way. */
    static final AtomicReference<String> SEEN = new AtomicReference<>();

    @Autowired
    FileDownloads downloads;

    @TestConfiguration
    static class HeldRequestThread {
        @Bean
        FilterRegistrationBean<Filter> holdDownloadRequestThread(FileDownloads downloads) {
            FilterRegistrationBean<Filter> filter = new FilterRegistrationBean<>((request, response, chain) -> {
                chain.doFilter(request, response);
                HttpServletResponse download = (HttpServletResponse) response;
                if (request.isAsyncStarted() && download.getStatus() == 200) {
                    // the servlet has returned, the download's streaming is started, this thread is still in the
                    // container: wait until the streaming has written (a file this small commits the response when
                    // it is flushed, at its end) or waits for this thread
                    await("the download written, or waiting for the request's thread").atMost(WAIT)
                            .until(() -> download.isCommitted() || downloads.awaitingRequestThread() > 0);
                    SEEN.set("committed=" + download.isCommitted());
                }
            });
            filter.addUrlPatterns("/v3/users/demo/devices/dev-1/files/download");
            return filter;
        }
    }

    @Test
    void theContentWaitsForTheRequestThreadToReturn() throws Exception {
        AtomicLong sent = new AtomicLong();
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", CONTENT.length))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT,
                        // the whole file in the stream's first chunk; the acknowledgement asks for nothing more
                        request -> request.describeMode() && sent.getAndSet(CONTENT.length) == 0 ? CONTENT : null));

        Answer answer = get("/v3/users/demo/devices/dev-1/files/download?path=/var/small.bin");

        assertThat(SEEN.get()).isEqualTo("committed=false");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo(new String(CONTENT, StandardCharsets.UTF_8));
        await("the download's place given back").atMost(WAIT).until(() -> downloads.running() == 0);
    }
}
