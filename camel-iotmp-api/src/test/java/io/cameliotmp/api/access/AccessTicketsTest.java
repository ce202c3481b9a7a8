package io.cameliotmp.api.access;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tickets that stand for a token in the URLs the console opens: single use, bound to one request, expiring, never
 * more than the token grants, and bounded in number per user and in all. The clock is the test's.
 */
class AccessTicketsTest {

    private static final String DOWNLOAD = "/v3/users/demo/devices/dev-1/files/download";
    private static final AccessToken ALL = new AccessToken("all", "demo", List.of("*"), List.of("*"),
            EnumSet.allOf(ApiAction.class));
    private static final AccessToken TMP = new AccessToken("tmp", "demo", List.of("dev-1"),
            List.of("$fs/download/tmp/*"), EnumSet.of(ApiAction.FILES));

    private final AtomicLong now = new AtomicLong(5_000);
    private final AccessTickets tickets = new AccessTickets(Duration.ofSeconds(30), 4, 2, now::get);

    private static MockHttpServletRequest admitted(AccessToken token, String presented) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v3/users/demo/tickets");
        request.setAttribute(ApiAccessFilter.TOKEN, token);
        request.setAttribute(ApiAccessFilter.ADMISSION, new ApiAccessFilter.Admission(presented, null));
        return request;
    }

    private String issue(AccessToken token, String url) {
        return tickets.issue(admitted(token, "secret-" + token.name()), url).ticket();
    }

    private static int status(Runnable action) {
        try {
            action.run();
        } catch (AccessTickets.TicketRefusedException e) {
            return e.error().status();
        }
        return 200;
    }

    @Test
    void aTicketAdmitsItsRequestOnceAndStandsForTheToken() {
        String ticket = issue(ALL, DOWNLOAD + "?path=%2Ftmp%2Fa+b.txt");
        assertThat(ticket).hasSizeGreaterThanOrEqualTo(43).doesNotContain("secret");

        assertThat(tickets.redeem(ticket, "GET", DOWNLOAD, () -> "/tmp/a b.txt")).isEqualTo("secret-all");
        assertThat(status(() -> tickets.redeem(ticket, "GET", DOWNLOAD, () -> "/tmp/a b.txt")))
                .as("used").isEqualTo(401);
        assertThat(tickets.outstanding()).isZero();
        assertThat(tickets.redeemed()).isEqualTo(1);
        assertThat(tickets.rejected()).isEqualTo(1);
    }

    @Test
    void aTicketOfAnotherRequestIs403AndUsedUpByTheTry() {
        String file = issue(ALL, DOWNLOAD + "?path=/tmp/a.txt");
        assertThat(status(() -> tickets.redeem(file, "GET", DOWNLOAD, () -> "/etc/shadow"))).isEqualTo(403);
        assertThat(status(() -> tickets.redeem(file, "GET", DOWNLOAD, () -> "/tmp/a.txt"))).isEqualTo(401);

        String device = issue(ALL, DOWNLOAD + "?path=/tmp/a.txt");
        assertThat(status(() -> tickets.redeem(device, "GET", "/v3/users/demo/devices/dev-2/files/download",
                () -> "/tmp/a.txt"))).isEqualTo(403);

        String user = issue(ALL, "/v3/users/demo/events");
        assertThat(status(() -> tickets.redeem(user, "GET", "/v3/users/other/events", () -> null))).isEqualTo(403);

        String method = issue(ALL, DOWNLOAD + "?path=/tmp/a.txt");
        assertThat(status(() -> tickets.redeem(method, "POST", DOWNLOAD, () -> "/tmp/a.txt"))).isEqualTo(403);
        assertThat(status(() -> tickets.redeem("never-issued", "GET", DOWNLOAD, () -> "/tmp/a.txt")))
                .isEqualTo(401);
        assertThat(tickets.rejected()).isEqualTo(6);
    }

    @Test
    void aTicketExpires() {
        String ticket = issue(ALL, DOWNLOAD + "?path=/tmp/a.txt");
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThatThrownBy(() -> tickets.redeem(ticket, "GET", DOWNLOAD, () -> "/tmp/a.txt"))
                .isInstanceOfSatisfying(AccessTickets.TicketRefusedException.class,
                        e -> assertThat(e.error().status()).isEqualTo(401))
                .hasMessageContaining("expired");
    }

    @Test
    void aTicketIsIssuedOnlyForWhatTheTokenReaches() {
        assertThat(status(() -> issue(TMP, DOWNLOAD + "?path=/tmp/a.txt"))).isEqualTo(200);
        assertThat(status(() -> issue(TMP, DOWNLOAD + "?path=/etc/shadow"))).isEqualTo(403);
        assertThat(status(() -> issue(TMP, "/v3/users/demo/devices/dev-2/files/download?path=/tmp/a.txt")))
                .isEqualTo(403);
        assertThat(status(() -> issue(TMP, "/v3/users/other/events"))).isEqualTo(403);
        // no path of the API, a traversal, a path given twice
        assertThat(status(() -> issue(ALL, "https://elsewhere.example/v3/users/demo/events"))).isEqualTo(400);
        assertThat(status(() -> issue(ALL, "/v3/users/demo/tickets"))).isEqualTo(400);
        assertThat(status(() -> issue(ALL, DOWNLOAD + "?path=/tmp/../etc/shadow"))).isEqualTo(400);
        assertThat(status(() -> issue(ALL, DOWNLOAD + "?path=/tmp/a&path=/etc/shadow"))).isEqualTo(400);
        assertThat(status(() -> issue(ALL, DOWNLOAD + "?path=%zz"))).isEqualTo(400);
        assertThat(status(() -> tickets.issue(new MockHttpServletRequest("POST", "/v3/users/demo/tickets"),
                "/v3/users/demo/events"))).as("no admitted token").isEqualTo(401);
    }

    @Test
    void ticketsAreBoundedPerUserAndInAllUntilUsedOrExpired() {
        AccessToken other = new AccessToken("other", "other", List.of("*"), List.of("*"),
                EnumSet.allOf(ApiAction.class));
        AccessToken third = new AccessToken("third", "third", List.of("*"), List.of("*"),
                EnumSet.allOf(ApiAction.class));
        String first = issue(ALL, "/v3/users/demo/events");
        issue(ALL, "/v3/users/demo/events");
        assertThat(status(() -> issue(ALL, "/v3/users/demo/events"))).as("max-tickets-per-user").isEqualTo(503);
        issue(other, "/v3/users/other/events");
        issue(other, "/v3/users/other/events");
        assertThat(status(() -> issue(third, "/v3/users/third/events"))).as("max-tickets").isEqualTo(503);
        assertThat(tickets.refusedFull()).isEqualTo(2);
        assertThat(tickets.outstanding()).isEqualTo(4);

        // a ticket used gives its place back
        tickets.redeem(first, "GET", "/v3/users/demo/events", () -> null);
        assertThat(status(() -> issue(third, "/v3/users/third/events"))).isEqualTo(200);
        // expired ones are dropped as the next is issued
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(status(() -> issue(ALL, "/v3/users/demo/events"))).isEqualTo(200);
        assertThat(tickets.outstanding()).isEqualTo(1);
        assertThat(tickets.issued()).isEqualTo(6);
    }
}
