package io.cameliotmp.api.access;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameliotmp.api.ApiError;
import io.cameliotmp.api.InvalidRequestException;
import io.cameliotmp.api.ResourcePath;

/**
 * Short-lived, single-use tickets that stand for an access token in the URL of one request, for the browser requests
 * that cannot carry an {@code Authorization} header: a link that downloads a file, an {@code EventSource}, a
 * WebSocket. A token in a URL stays where URLs go (the browser's history and downloads list, the access logs of the
 * server and of proxies, a {@code Referer}, a link copied), for as long as the token lives; a ticket there is worth
 * nothing once used or expired.
 * <p>
 * A ticket is asked for with the token ({@code POST /v3/users/{user}/tickets}, {@code {"url": "/v3/users/…?path=…"}})
 * and is bound to that one request: a {@code GET} of that path, with that query parameter {@code path} (a file's);
 * it admits it once, as the token would, within {@code ticket-ttl}. It is issued only for what the token reaches, and
 * the token is looked up again when it is used, so a ticket never grants more than its token, nor outlives its
 * revocation. At most {@code max-tickets} are outstanding, at most {@code max-tickets-per-user} of one user: beyond
 * them a ticket is refused (503) until others are used or expire. Expired tickets are dropped as tickets are issued
 * and used, so they hold nothing past their bound.
 */
public final class AccessTickets {

    /** The query parameter that carries a ticket. */
    public static final String PARAMETER = "ticket";

    private static final Pattern ISSUE_PATH = Pattern.compile("/v3/users/([^/?#]+)/tickets/?");
    /** 256 random bits: as hard to guess as a token. */
    private static final int TICKET_BYTES = 32;

    private final Duration ttl;
    private final int max;
    private final int maxPerUser;
    private final LongSupplier nanoTime;
    private final SecureRandom random = new SecureRandom();
    /** By ticket, in the order issued: with one lifetime for all, also the order they expire in. */
    private final LinkedHashMap<String, Ticket> tickets = new LinkedHashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong redeemed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong full = new AtomicLong();

    /**
     * @param ttl        how long a ticket stays valid ({@code ticket-ttl})
     * @param max        the most tickets outstanding ({@code max-tickets})
     * @param maxPerUser the most tickets of one user outstanding ({@code max-tickets-per-user})
     * @param nanoTime   the clock
     */
    public AccessTickets(Duration ttl, int max, int maxPerUser, LongSupplier nanoTime) {
        if (ttl.isNegative() || ttl.isZero() || max < 1 || maxPerUser < 1) {
            throw new IllegalArgumentException("ticket-ttl, max-tickets and max-tickets-per-user must be positive");
        }
        this.ttl = ttl;
        this.max = max;
        this.maxPerUser = maxPerUser;
        this.nanoTime = nanoTime;
    }

    /** The user of {@code POST /v3/users/{user}/tickets}, or null when {@code rawPath} is not that path. */
    static String userOfIssuePath(String rawPath) {
        int start = rawPath.indexOf("/v3/");
        Matcher m = start < 0 ? null : ISSUE_PATH.matcher(rawPath.substring(start));
        return m != null && m.matches()
                ? InvalidRequestException.requireName("user", ResourcePath.decode(m.group(1))) : null;
    }

    /**
     * A ticket for a {@code GET} of {@code url} (a path of the API, with its query) on behalf of the token that
     * admitted {@code request}.
     *
     * @throws TicketRefusedException 400 for a URL that is no request of the API, 403 for one the token does not
     *                                reach, 503 beyond the bounds
     */
    public Issued issue(jakarta.servlet.http.HttpServletRequest request, String url) {
        if (!(request.getAttribute(ApiAccessFilter.ADMISSION) instanceof ApiAccessFilter.Admission admitted)
            || !(request.getAttribute(ApiAccessFilter.TOKEN) instanceof AccessToken token)) {
            throw new TicketRefusedException(new ApiError(401, "a ticket is asked for with an access token"));
        }
        if (url == null || !url.startsWith("/v3/users/")) {
            throw new TicketRefusedException(new ApiError(400, "url is the path of a GET of the API, such as"
                                                               + " /v3/users/{user}/devices/{device}/files/download"
                                                               + "?path=/tmp/data.bin"));
        }
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        String filePath = query < 0 ? null : queryParameter(url.substring(query + 1), "path");
        ApiRequest asked;
        try {
            asked = path.indexOf('#') >= 0 ? null : ApiRequest.of("GET", path, () -> filePath);
        } catch (InvalidRequestException e) {
            throw new TicketRefusedException(ApiError.of(e));
        }
        if (asked == null) {
            throw new TicketRefusedException(new ApiError(400, "url is no path of the API: " + path));
        }
        String denied = ApiAccessFilter.denial(token, asked);
        if (denied != null) {
            throw new TicketRefusedException(new ApiError(403, denied));
        }
        String user = token.user();
        String ticket;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            dropExpired(now);
            if (tickets.size() >= max) {
                full.incrementAndGet();
                throw new TicketRefusedException(new ApiError(503, "too many tickets outstanding (max-tickets "
                                                                   + max + "); try again shortly"));
            }
            if (perUser.getOrDefault(user, 0) >= maxPerUser) {
                full.incrementAndGet();
                throw new TicketRefusedException(new ApiError(503, "too many tickets of user " + user
                                                                   + " outstanding (max-tickets-per-user "
                                                                   + maxPerUser + "); try again shortly"));
            }
            ticket = newTicket();
            tickets.put(ticket, new Ticket(user, admitted.presented(), path, filePath, now + ttl.toNanos()));
            perUser.merge(user, 1, Integer::sum);
        }
        issued.incrementAndGet();
        return new Issued(ticket, ttl.toSeconds());
    }

    /**
     * Takes {@code ticket} for a request of {@code method} on {@code rawPath}: used up whatever the outcome, so that
     * it is tried once only.
     *
     * @param filePath the request's decoded query parameter {@code path}, asked for only of a {@code GET}
     * @return the token the ticket stands for, as it was presented when the ticket was issued
     * @throws TicketRefusedException 401 for a ticket unknown, used or expired, 403 for one of another request
     */
    String redeem(String ticket, String method, String rawPath, java.util.function.Supplier<String> filePath) {
        Ticket taken;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            taken = tickets.remove(ticket);
            if (taken != null) {
                perUser.computeIfPresent(taken.user(), (user, count) -> count > 1 ? count - 1 : null);
                if (now - taken.expires() >= 0) {
                    taken = null;
                }
            }
            dropExpired(now);
        }
        if (taken == null) {
            rejected.incrementAndGet();
            throw new TicketRefusedException(new ApiError(401, "the ticket is not valid: unknown, used or expired"
                                                               + " (a ticket admits one request, within "
                                                               + ttl.toSeconds() + " s)"));
        }
        if (!"GET".equals(method) || !taken.path().equals(rawPath)
            || !Objects.equals(taken.filePath(), filePath.get())) {
            rejected.incrementAndGet();
            throw new TicketRefusedException(new ApiError(403, "the ticket is for another request"));
        }
        redeemed.incrementAndGet();
        return taken.presented();
    }

    /** How many tickets are outstanding (issued, not used, perhaps expired but not yet dropped). */
    public synchronized int outstanding() {
        return tickets.size();
    }

    /** How many tickets were issued. */
    public long issued() {
        return issued.get();
    }

    /** How many tickets admitted their request. */
    public long redeemed() {
        return redeemed.get();
    }

    /** How many tickets presented were refused: unknown, used, expired or of another request. */
    public long rejected() {
        return rejected.get();
    }

    /** How many tickets were refused beyond {@code max-tickets} or {@code max-tickets-per-user}. */
    public long refusedFull() {
        return full.get();
    }

    private void dropExpired(long now) {
        for (Iterator<Ticket> it = tickets.values().iterator(); it.hasNext();) {
            Ticket next = it.next();
            if (now - next.expires() < 0) {
                return; // issued later, expiring later
            }
            it.remove();
            perUser.computeIfPresent(next.user(), (user, count) -> count > 1 ? count - 1 : null);
        }
    }

    private String newTicket() {
        byte[] bytes = new byte[TICKET_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The decoded value of {@code name} in {@code query}; null when absent, 400 when it is there twice. */
    private static String queryParameter(String query, String name) {
        String found = null;
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (name.equals(key)) {
                if (found != null) {
                    throw new TicketRefusedException(new ApiError(400, "the query parameter " + name
                                                                       + " is given more than once"));
                }
                // as the container decodes a query: a plus is a space
                String raw = equals < 0 ? "" : pair.substring(equals + 1).replace("+", "%20");
                try {
                    found = ResourcePath.decode(raw);
                } catch (InvalidRequestException e) {
                    throw new TicketRefusedException(ApiError.of(e));
                }
            }
        }
        return found;
    }

    /**
     * A ticket issued.
     *
     * @param ticket           the ticket, for the query parameter {@value #PARAMETER}
     * @param expiresInSeconds how long it stays valid
     */
    public record Issued(String ticket, long expiresInSeconds) {
        @Override
        public String toString() {
            return "ticket valid for " + expiresInSeconds + " s";
        }
    }

    /** A ticket outstanding: whose, standing for which token, for which request, until when. */
    private record Ticket(String user, String presented, String path, String filePath, long expires) {
        @Override
        public String toString() {
            return "ticket of " + user + " for " + path;
        }
    }

    /** A ticket not issued, or not admitted, and why. */
    public static final class TicketRefusedException extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final transient ApiError error;

        TicketRefusedException(ApiError error) {
            super(error.message());
            this.error = error;
        }

        public ApiError error() {
            return error;
        }
    }
}
