package io.cameliotmp.api;

import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The async request timeout fires while a route's answer is being rendered (here: a body whose reading is held until
 * the client has its answer). The call is still given up, and the client gets the timeout's 503 in the API's error
 * shape. Abandoning used to be possible only before the route completed: the timeout then found nothing to answer and
 * left the request to Tomcat, whose own error (a 500 with its error page) reached the client.
 */
@TestPropertySource(properties = "spring.mvc.async.request-timeout=2s")
@Import(AnswerRenderedAtTheTimeoutTest.HeldRenderRoute.class)
class AnswerRenderedAtTheTimeoutTest extends OwnApplicationTestSupport {

    static final CountDownLatch RENDERING = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @TestConfiguration
    static class HeldRenderRoute {
        @Bean
        RouteBuilder heldRender() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/test/held-render").routeId("held-render").noStreamCaching()
                            // completes off the request thread, as a call to a device does
                            .delay(10).asyncDelayed()
                            .process(exchange -> exchange.getMessage().setBody(new HeldBody()));
                }
            };
        }
    }

    /** One byte, given once the test releases it: Camel's binding reads it while rendering the answer. */
    static final class HeldBody extends InputStream {
        private boolean given;

        @Override
        public int read() {
            RENDERING.countDown();
            try {
                if (!RELEASE.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            if (given) {
                return -1;
            }
            given = true;
            return 'x';
        }
    }

    @AfterEach
    void release() {
        RELEASE.countDown();
    }

    @Test
    void theTimeoutAnswers503WhileTheAnswerIsRendered() throws Exception {
        var answer = http.sendAsync(request("/test/held-render").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(RENDERING.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("rendering started").isTrue();

        // the render is held until the client has its answer: only the timeout can give it one
        var response = answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        RELEASE.countDown();

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).path("message").asText()).startsWith("no answer within 2 s");
    }
}
