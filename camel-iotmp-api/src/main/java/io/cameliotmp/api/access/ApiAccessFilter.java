package io.cameliotmp.api.access;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.ApiError;
import io.cameliotmp.api.ApiErrorResponse;
import io.cameliotmp.api.InvalidRequestException;
import io.cameliotmp.api.ResourcePath;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a call to the device API through only with an access token that reaches what it asks for:
 * <ul>
 * <li>the token comes as {@code Authorization: Bearer <token>}, or as the query parameter {@code authorization} (for
 * {@code EventSource} and WebSocket clients, which cannot set headers; Thinger's clients do so), or stands behind a
 * single-use ticket in the query parameter {@value AccessTickets#PARAMETER} ({@link AccessTickets}: what the console
 * puts in the URLs it opens, so that its token is in none). A ticket unknown, used or expired is a 401 and counts as a
 * failed authentication; one of another request a 403;</li>
 * <li>{@code POST /v3/users/{user}/tickets} needs only a token of that user: what the ticket is for is checked as
 * it is issued;</li>
 * <li>none, or one the {@link AccessTokenStore} does not know: 401, and the failure counts against the client's
 * address; an address with too many failures is answered 429 until its window ends, token or not. Addresses beyond
 * those the {@link AuthFailureLimiter} remembers share one count, which refuses only their failures (429 instead of
 * 401): a valid token from them passes, so that whoever fills the table cannot lock everyone else out;</li>
 * <li>a token of another user, or one whose device patterns, resource patterns or actions do not cover the request
 * ({@link ApiRequest}): 403.</li>
 * </ul>
 * An admitted request carries the token's device patterns in the header {@value #DEVICE_PATTERNS} and its resource
 * patterns in {@value #RESOURCE_PATTERNS} (whatever the client sent under those names is dropped), so that the device
 * list shows only the devices the token reaches, and a device's resource list only the resources it could reach.
 */
public final class ApiAccessFilter extends OncePerRequestFilter {

    /**
     * The header through which the device list learns the token's device patterns, each URL-encoded (a pattern may
     * hold a comma), separated by commas: see {@link #patterns(String)}.
     */
    public static final String DEVICE_PATTERNS = "X-Iotmp-Api-Device-Patterns";
    /** The header through which a device's resource list learns the token's resource patterns, as above. */
    public static final String RESOURCE_PATTERNS = "X-Iotmp-Api-Resource-Patterns";
    /** The request attribute holding the admitted {@link AccessToken}. */
    public static final String TOKEN = ApiAccessFilter.class.getName() + ".token";
    /**
     * The request attribute holding the admitted request's {@link Admission}, so that a request that stays open can
     * have its token checked again ({@link AccessRechecks}).
     */
    public static final String ADMISSION = ApiAccessFilter.class.getName() + ".admission";

    private static final Logger LOG = LoggerFactory.getLogger(ApiAccessFilter.class);
    private static final String BEARER = "Bearer ";

    private final AccessTokenStore tokens;
    private final AuthFailureLimiter failures;
    private final ObjectMapper json;
    private final AccessTickets tickets;

    public ApiAccessFilter(AccessTokenStore tokens, AuthFailureLimiter failures, ObjectMapper json,
                           AccessTickets tickets) {
        this.tokens = tokens;
        this.failures = failures;
        this.json = json;
        this.tickets = tickets;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        long blocked = failures.blockedForSeconds(address);
        if (blocked > 0) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(blocked));
            refuse(response, new ApiError(429, "too many failed authentications from this address; try again in "
                                               + blocked + " s"));
            return;
        }
        String presented = presentedToken(request);
        String ticket = presented == null ? queryParameter(request, AccessTickets.PARAMETER) : null;
        if (ticket != null) {
            try {
                // a GET's path parameter only: a ticket of another method is refused before any is read
                presented = tickets.redeem(ticket, request.getMethod(), request.getRequestURI(),
                        () -> "GET".equals(request.getMethod()) ? filePath(request) : null);
            } catch (AccessTickets.TicketRefusedException e) {
                LOG.debug("{} {} from {}: {}", request.getMethod(), request.getRequestURI(), address, e.getMessage());
                if (e.error().status() == 401) {
                    refuseAuthentication(response, address, e.error());
                } else {
                    refuse(response, e.error());
                }
                return;
            } catch (InvalidRequestException e) {
                refuse(response, ApiError.of(e));
                return;
            }
        }
        Optional<AccessToken> token = presented == null || presented.isEmpty() ? Optional.empty()
                : tokens.find(presented);
        if (token.isEmpty()) {
            LOG.debug("{} {} from {}: {} access token", request.getMethod(), request.getRequestURI(), address,
                    presented == null ? "no" : "an unknown");
            refuseAuthentication(response, address, new ApiError(401, presented == null
                    ? "an access token is required: Authorization: Bearer <token>"
                    : "the access token is not valid"));
            return;
        }
        if (isFormBody(request)) {
            // before anything asks for a parameter: Tomcat would read the form (up to 2 MB) on this thread, as slowly
            // as the client sends it, outside the body filter's limits and the uploads' rate; no route takes one
            refuse(response, new ApiError(415, "a body is sent as application/json or application/octet-stream,"
                                               + " not as a form"));
            return;
        }
        ApiRequest asked;
        String ticketsOf;
        try {
            ticketsOf = AccessTickets.userOfIssuePath(request.getRequestURI());
            asked = ticketsOf != null ? null
                    : ApiRequest.of(request.getMethod(), request.getRequestURI(), () -> filePath(request));
        } catch (InvalidRequestException e) {
            refuse(response, ApiError.of(e));
            return;
        }
        if (ticketsOf != null) {
            // any token of the user may ask; the ticket's request is checked against it as the ticket is issued
            if (!token.get().user().equals(ticketsOf)) {
                refuse(response, new ApiError(403, "the access token is not for user " + ticketsOf));
                return;
            }
            request.setAttribute(TOKEN, token.get());
            request.setAttribute(ADMISSION, new Admission(presented, null));
            chain.doFilter(request, response);
            return;
        }
        if (asked == null) {
            refuse(response, new ApiError(404, "the API has no such path"));
            return;
        }
        String denied = denial(token.get(), asked);
        if (denied != null) {
            LOG.debug("{} {}: token {} refused: {}", request.getMethod(), request.getRequestURI(),
                    token.get().name(), denied);
            refuse(response, new ApiError(403, denied));
            return;
        }
        request.setAttribute(TOKEN, token.get());
        request.setAttribute(ADMISSION, new Admission(presented, asked));
        chain.doFilter(new AdmittedRequest(request, Map.of(DEVICE_PATTERNS, encodePatterns(token.get().devices()),
                RESOURCE_PATTERNS, encodePatterns(token.get().resources()))), response);
    }

    /**
     * Whether the request has a body that the container parses into parameters: a POST of
     * {@code application/x-www-form-urlencoded}.
     */
    static boolean isFormBody(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && type != null
               && type.strip().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /**
     * The value of {@value #DEVICE_PATTERNS} or {@value #RESOURCE_PATTERNS} for {@code patterns}: each encoded, so
     * that a comma in a pattern (a store of the application's may give one) does not make two.
     */
    static String encodePatterns(List<String> patterns) {
        List<String> encoded = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            encoded.add(URLEncoder.encode(pattern, StandardCharsets.UTF_8));
        }
        return String.join(",", encoded);
    }

    /** The patterns of the header {@value #DEVICE_PATTERNS} or {@value #RESOURCE_PATTERNS}, as the token has them. */
    public static List<String> patterns(String header) {
        List<String> patterns = new ArrayList<>();
        if (header.isEmpty()) {
            return patterns; // a token of no device or no resource
        }
        for (String encoded : header.split(",", -1)) {
            patterns.add(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        }
        return patterns;
    }

    /** Why {@code token} may not do what {@code asked} asks, or null when it may. */
    static String denial(AccessToken token, ApiRequest asked) {
        if (!token.user().equals(asked.user())) {
            return "the access token is not for user " + asked.user();
        }
        if (asked.device() != null && !token.reaches(asked.user(), asked.device())) {
            return "the access token does not reach device " + asked.device();
        }
        if (asked.resource() != null && !token.reachesResource(asked.resource())) {
            return "the access token does not reach resource " + asked.resource();
        }
        if (!token.allows(asked.action())) {
            return "the access token does not allow " + asked.action().name().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /**
     * The query parameter {@code path} of a file download or upload as the handlers read it (the container's
     * decoding), so that the path checked is the path used; null when there is none.
     *
     * @throws InvalidRequestException when it is given more than once
     */
    static String filePath(HttpServletRequest request) {
        String[] paths = request.getParameterValues("path");
        if (paths == null || paths.length == 0) {
            return null;
        }
        if (paths.length > 1) {
            throw new InvalidRequestException("the query parameter path is given more than once");
        }
        return paths[0];
    }

    /** The token of the Authorization header, else of the query parameter; null when there is none. */
    static String presentedToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            return header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? header.substring(BEARER.length()).strip() : "";
        }
        return queryParameter(request, "authorization");
    }

    /**
     * The first value of the query parameter {@code name}, percent-decoded ("" when malformed); null when absent. Read
     * from the query string only: getParameter would read a form body.
     */
    private static String queryParameter(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        String prefix = name + "=";
        for (String pair : query.split("&")) {
            if (pair.startsWith(prefix)) {
                try {
                    return ResourcePath.decode(pair.substring(prefix.length()));
                } catch (InvalidRequestException e) {
                    return "";
                }
            }
        }
        return null;
    }

    /**
     * A failed authentication from {@code address} (no token, an unknown one, an invalid ticket): counted, and answered
     * 429 once this address or all of them failed too often, else {@code error} with the Bearer challenge.
     */
    private void refuseAuthentication(HttpServletResponse response, String address, ApiError error)
            throws IOException {
        long refused = failures.failed(address);
        if (refused > 0) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refused));
            refuse(response, new ApiError(429, "too many failed authentications from this and other addresses;"
                                               + " try again in " + refused + " s"));
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"iotmp\"");
        refuse(response, error);
    }

    private void refuse(HttpServletResponse response, ApiError error) throws IOException {
        ApiErrorResponse.write(response, json, error);
    }

    /**
     * What an admitted request presented and asked for: enough to ask the store again.
     *
     * @param presented the token as presented (never logged: {@link #toString()} leaves it out)
     * @param asked     what the request asks for
     */
    record Admission(String presented, ApiRequest asked) {
        @Override
        public String toString() {
            return "admission of " + asked;
        }
    }

    /** The admitted request, with the token's patterns as their headers and no client copy of them. */
    private static final class AdmittedRequest extends HttpServletRequestWrapper {

        /** The headers set here, by name; whatever the client sent under one of them is not seen. */
        private final Map<String, String> patterns;

        AdmittedRequest(HttpServletRequest request, Map<String, String> patterns) {
            super(request);
            this.patterns = patterns;
        }

        private String own(String name) {
            for (Map.Entry<String, String> header : patterns.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
            return null;
        }

        @Override
        public String getHeader(String name) {
            String own = own(name);
            return own != null ? own : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String own = own(name);
            return own != null ? Collections.enumeration(List.of(own)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements();) {
                String name = e.nextElement();
                if (own(name) == null) {
                    names.add(name);
                }
            }
            names.addAll(patterns.keySet());
            return Collections.enumeration(names);
        }
    }
}
