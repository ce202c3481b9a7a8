package io.cameliotmp.api;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call's answer is rendered on the thread that completes its route, which may be while the request's own thread is
 * still in the container with the request: there, answering a failure of the connection with the error page, it ran
 * into the answer's headers and sending from the other thread ("Cannot forward after response has been committed", an
 * ERROR with a stack trace, for an upload reset mid-body). Here a filter holds the request's thread in the container,
 * after the servlet, until the answer has been rendered by the task executor: nothing of the answer may have reached
 * the response by then, neither a header nor the sending. Once the thread returns, the client gets the whole answer.
 */
@Import(AnswerSentAfterTheRequestThreadTest.HeldRequestThread.class)
class AnswerSentAfterTheRequestThreadTest extends OwnApplicationTestSupport {

    /** What the held request's thread saw of its response once the answer was rendered. */
    static final AtomicReference<String> SEEN = new AtomicReference<>();

    @TestConfiguration
    static class HeldRequestThread {
        @Bean
        RouteBuilder asyncAnswer() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/test/async-answer").routeId("async-answer")
                            // completes off the request thread, as a call to a device does
                            .delay(1).asyncDelayed()
                            .setHeader("X-Answer", constant("rendered"))
                            .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                            .setBody(constant("{\"answer\":42}"));
                }
            };
        }

        @Bean
        FilterRegistrationBean<Filter> holdRequestThread(
                @Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
                ThreadPoolTaskExecutor renderers) {
            FilterRegistrationBean<Filter> filter = new FilterRegistrationBean<>((request, response, chain) -> {
                chain.doFilter(request, response);
                Object held = request.getAttribute(AsyncPlatformHttpConsumer.CALL);
                if (held instanceof AsyncPlatformHttpConsumer.Call call) {
                    // the servlet has returned, the request is asynchronous, this thread is still in the container
                    // (an answer sent meanwhile, which would wait in the container for this thread, ends the wait too)
                    await("the answer rendered, and its thread done with it").atMost(WAIT).until(() -> call.rendered()
                            && (renderers.getActiveCount() == 0 || call.answersItself()));
                    HttpServletResponse answer = (HttpServletResponse) response;
                    SEEN.set("sending=" + call.answersItself() + " committed=" + answer.isCommitted() + " X-Answer="
                             + answer.getHeader("X-Answer"));
                }
            });
            filter.addUrlPatterns("/test/*");
            return filter;
        }
    }

    @Test
    void theAnswerWaitsForTheRequestThreadToReturn() throws Exception {
        Answer answer = get("/test/async-answer");

        assertThat(SEEN.get()).isEqualTo("sending=false committed=false X-Answer=null");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.headers().firstValue("X-Answer")).hasValue("rendered");
        assertThat(answer.text()).isEqualTo("{\"answer\":42}");
    }
}
