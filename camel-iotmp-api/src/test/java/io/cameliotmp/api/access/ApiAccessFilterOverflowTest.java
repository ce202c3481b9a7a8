package io.cameliotmp.api.access;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access filter with a failure limiter whose table of addresses is full (a small {@code max-tracked-addresses}
 * filled by failures from as many IPv6 /64s): an address it does not track is still admitted with a valid token,
 * while its failures are refused once the count the untracked addresses share is used up. Addresses it tracks keep
 * their own blocks.
 */
class ApiAccessFilterOverflowTest {

    private static final String VALID = "overflow-test-token";
    private static final int MAX_FAILURES = 3;
    private static final int MAX_TRACKED = 4;

    private final AtomicLong now = new AtomicLong(1_000);
    private final AuthFailureLimiter limiter =
            new AuthFailureLimiter(MAX_FAILURES, Duration.ofMinutes(1), MAX_TRACKED, now::get);
    private final ApiAccessFilter filter = new ApiAccessFilter(new HashedTokenStore(List.of(
            new HashedTokenStore.Entry(HashedTokenStore.sha256(VALID),
                    new AccessToken("overflow", "demo", List.of("*"), List.of("*"), EnumSet.of(ApiAction.READ))))),
            limiter, new ObjectMapper(), new AccessTickets(Duration.ofSeconds(30), 8, 4, now::get));

    /** The status of {@code GET /v3/users/demo/devices} from {@code address} with {@code token} (none when null). */
    private int status(String address, String token) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v3/users/demo/devices");
        request.setRemoteAddr(address);
        if (token != null) {
            request.addHeader("Authorization", "Bearer " + token);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() != null) {
            return 200;
        }
        if (response.getStatus() == 429) {
            assertThat(Long.parseLong(response.getHeader("Retry-After"))).isPositive();
        }
        return response.getStatus();
    }

    @Test
    void aValidTokenPassesFromAnUntrackedAddressWhileItsFailuresAreRefused() throws Exception {
        // the table filled by failures from as many /64s; one of them fails until it is blocked
        for (int i = 0; i < MAX_TRACKED; i++) {
            assertThat(status("2001:db8:0:" + i + "::1", "guess")).isEqualTo(401);
        }
        for (int i = 1; i < MAX_FAILURES; i++) {
            assertThat(status("2001:db8:0:0::" + (i + 1), "guess")).isEqualTo(401);
        }
        assertThat(limiter.tracked()).isEqualTo(MAX_TRACKED);
        // further /64s share one count; used up, their failures are 429
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertThat(status("2001:db8:1:" + i + "::1", "guess-" + i)).isEqualTo(401);
        }
        String untracked = "2001:db8:2::1";
        assertThat(status(untracked, "guess")).isEqualTo(429);
        assertThat(status(untracked, null)).isEqualTo(429);
        assertThat(limiter.overflowRefused()).isEqualTo(2);

        assertThat(status(untracked, VALID)).as("a valid token from an untracked address").isEqualTo(200);
        assertThat(status("192.0.2.7", VALID)).isEqualTo(200);
        assertThat(status(untracked, "guess")).isEqualTo(429);
        // the tracked /64 that failed too often is refused whatever it sends; the others are not
        assertThat(status("2001:db8:0:0::99", VALID)).isEqualTo(429);
        assertThat(status("2001:db8:0:1::99", VALID)).isEqualTo(200);
        assertThat(limiter.tracked()).isEqualTo(MAX_TRACKED + 1);
    }
}
