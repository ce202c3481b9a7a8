package io.cameliotmp.api;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While Camel is not running, the API's paths are answered 503 with {@code Retry-After}, not 404 "no such path": Tomcat
 * takes requests before Camel has started the API's routes and while Camel stops at shutdown.
 */
class ApiReadinessTest extends OwnApplicationTestSupport {

    private static final String DEVICES = "/v3/users/demo/devices";

    @Autowired
    CamelContext camel;

    @Test
    void aStoppedCamelIsAnsweredWithTryAgainNotNoSuchPath() throws Exception {
        assertThat(get(DEVICES).status()).isEqualTo(200);

        camel.stop();

        Answer stopping = get(DEVICES);
        assertThat(stopping.status()).as(stopping.text()).isEqualTo(503);
        assertThat(stopping.headers().firstValue("Retry-After")).hasValue(ApiReadinessFilter.RETRY_AFTER_SECONDS);
        assertThat(stopping.text()).contains(ApiReadinessFilter.NOT_RUNNING);
        // a path the API does not have is refused the same way: nothing is known of the routes until they run
        assertThat(get("/v3/users/demo/nothing").status()).isEqualTo(503);
    }

    @Test
    void aCamelNotStartedYetIsAnsweredWithTryAgainAndOneStartedLetsTheRequestThrough() throws Exception {
        try (DefaultCamelContext starting = new DefaultCamelContext()) {
            starting.build();
            ApiReadinessFilter filter = new ApiReadinessFilter(starting, JSON);

            MockHttpServletResponse refused = new MockHttpServletResponse();
            MockFilterChain notReached = new MockFilterChain();
            filter.doFilter(new MockHttpServletRequest("GET", DEVICES), refused, notReached);
            assertThat(refused.getStatus()).isEqualTo(503);
            assertThat(refused.getHeader("Retry-After")).isEqualTo(ApiReadinessFilter.RETRY_AFTER_SECONDS);
            assertThat(refused.getContentAsString()).contains(ApiReadinessFilter.NOT_RUNNING);
            assertThat(notReached.getRequest()).isNull();

            starting.start();
            MockHttpServletResponse admitted = new MockHttpServletResponse();
            MockFilterChain reached = new MockFilterChain();
            filter.doFilter(new MockHttpServletRequest("GET", DEVICES), admitted, reached);
            assertThat(reached.getRequest()).isNotNull();
            assertThat(admitted.getStatus()).isEqualTo(200);
        }
    }
}
