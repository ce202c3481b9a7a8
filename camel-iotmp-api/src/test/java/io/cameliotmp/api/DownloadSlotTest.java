package io.cameliotmp.api;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.cameliotmp.device.ResourceKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.task.support.TaskExecutorAdapter;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A download's place among {@code max-downloads} is given back when its request ends, even if Spring MVC never ran
 * its streaming (here: an async executor that takes tasks and never runs them, until the async request timeout).
 * It was given back only at the streaming's end: such downloads kept their places, and once {@code max-downloads} of
 * them had, every download was answered 503.
 */
@TestPropertySource(properties = {"spring.mvc.async.request-timeout=2s", "camel.iotmp.api.max-downloads=1"})
@Import(DownloadSlotTest.NeverRunningExecutor.class)
class DownloadSlotTest extends OwnApplicationTestSupport {

    static final AtomicInteger DROPPED = new AtomicInteger();

    @Autowired
    FileDownloads downloads;

    @TestConfiguration
    static class NeverRunningExecutor {
        @Bean
        WebMvcConfigurer asyncTasksNeverRun() {
            return new LastConfigurer();
        }
    }

    /** After Spring Boot's, which sets the application task executor. */
    static final class LastConfigurer implements WebMvcConfigurer, Ordered {
        @Override
        public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
            configurer.setTaskExecutor(new TaskExecutorAdapter(task -> DROPPED.incrementAndGet()));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    @Test
    void aDownloadWhoseStreamingNeverRanGivesItsPlaceBack() throws Exception {
        connect("demo", "dev-1", "secret-1", device -> device
                .resource("$fs/info/*path").handler(ResourceKind.OUTPUT, request -> Map.of("size", 1000))
                .resource("$fs/download/:session").handler(ResourceKind.INPUT_OUTPUT, request -> null));
        int droppedBefore = DROPPED.get();

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> answer = http.sendAsync(
                    request("/v3/users/demo/devices/dev-1/files/download?path=/f" + i).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            // admitted (the first, and the second once the first gave its place back), never streamed
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.body()).doesNotContain("max-downloads");
            assertThat(DROPPED.get()).isEqualTo(droppedBefore + i + 1);
            await("the download's place is given back").atMost(WAIT).until(() -> downloads.running() == 0);
        }
    }
}
