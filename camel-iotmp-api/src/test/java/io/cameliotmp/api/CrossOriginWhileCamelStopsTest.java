package io.cameliotmp.api;

import java.net.http.HttpRequest;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While Camel is not running (start-up, shutdown), a listed origin's preflight is still answered, and the 503 that
 * follows carries the CORS headers, so that the dashboard's page reads its {@code Retry-After} rather than seeing a
 * failed request: the CORS filter runs before the readiness filter.
 */
@TestPropertySource(properties = "camel.iotmp.api.cors-allowed-origins=" + CrossOriginRequestsTest.DASHBOARD)
class CrossOriginWhileCamelStopsTest extends OwnApplicationTestSupport {

    private static final String DEVICES = "/v3/users/demo/devices";

    @Autowired
    CamelContext camel;

    @Test
    void thePreflightIsAnsweredAndTheTryAgainIsReadable() throws Exception {
        camel.stop();

        Answer preflight = send(request(DEVICES, null).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", CrossOriginRequestsTest.DASHBOARD).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"));
        assertThat(preflight.status()).as(preflight.text()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(CrossOriginRequestsTest.DASHBOARD);

        Answer stopping = send(request(DEVICES).header("Origin", CrossOriginRequestsTest.DASHBOARD).GET());
        assertThat(stopping.status()).as(stopping.text()).isEqualTo(503);
        assertThat(stopping.headers().firstValue("Retry-After")).hasValue(ApiReadinessFilter.RETRY_AFTER_SECONDS);
        assertThat(stopping.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(CrossOriginRequestsTest.DASHBOARD);
        assertThat(stopping.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(exposed ->
                assertThat(exposed).contains("Retry-After"));
    }
}
