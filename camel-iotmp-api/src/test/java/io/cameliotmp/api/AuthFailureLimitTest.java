package io.cameliotmp.api;

import io.cameliotmp.test.FreePorts;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed authentications are limited per address, in a context of its own (its address is blocked at the end): three
 * failures within the window, then even a valid token is answered 429 until the window ends.
 */
@TestPropertySource(properties = {"camel.iotmp.api.max-auth-failures=3", "camel.iotmp.api.auth-failure-window=1h"})
@DirtiesContext
class AuthFailureLimitTest extends ApiTestSupport {

    private static final int OWN_IOTMP_PORT = FreePorts.next();

    @DynamicPropertySource
    static void ownIotmpPort(DynamicPropertyRegistry registry) {
        registry.add("camel.component.iotmp.port", () -> OWN_IOTMP_PORT);
    }

    @Test
    void anAddressThatFailsTooOftenIsRefusedWith429() throws Exception {
        assertThat(send(request("/v3/users/demo/devices", ALL).GET()).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(send(request("/v3/users/demo/devices", "guess-" + i).GET()).status()).isEqualTo(401);
        }

        Answer blocked = send(request("/v3/users/demo/devices", ALL).GET());

        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.json().path("error").asText()).isEqualTo("Too Many Requests");
        assertThat(Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    }
}
