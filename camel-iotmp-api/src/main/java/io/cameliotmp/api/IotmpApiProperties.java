package io.cameliotmp.api;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.cameliotmp.api.access.AccessToken;
import io.cameliotmp.api.access.ApiAction;
import io.cameliotmp.api.access.HashedTokenStore;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The device API and its console, {@code camel.iotmp.api.*}: whether they run, and what one HTTP client may make the
 * application hold or wait for.
 *
 * @param enabled             whether the device API (routes, streams, console) is added to the application; off
 *                            unless set, as it opens devices to HTTP
 * @param maxBodySize         the largest request body accepted; a larger one is answered 413 before it is read
 *                            further (64 KB, well below an IOTMP frame's 256 KiB)
 * @param bodyReadTimeout     how long a request body may take to arrive whole; a slower one is answered 408 (it is
 *                            read without holding a thread, but not for ever). The streamed bodies of uploads and
 *                            firmware images are not bounded by it but have it as their grace before
 *                            {@code upload-min-rate} applies
 * @param bodyReadBuffer      the most bytes of request bodies held in memory while they arrive, all requests
 *                            together (bodies are read without a thread, so clients sending slowly could otherwise
 *                            make the application hold one body per connection); a body that does not fit is answered
 *                            503 and its connection closed, counted in {@code iotmp.api.bodies.refused}; gauge
 *                            {@code iotmp.api.bodies.bytes}. A declared length is taken whole before the body is read.
 *                            One body larger than the buffer is still read when no other is held
 * @param streamReconnectWait how long a stream waits for its device to come back after it disconnected; past it the
 *                            stream ends with a {@code failed} event (samples resume if the device comes back in time)
 * @param consolePath         where the web console is served, ending with {@code /} ({@code /} for the root)
 * @param consoleEnabled      whether the web console is served
 * @param consoleContentSecurityPolicy the {@code Content-Security-Policy} of the console's page: by default its own
 *                            files only (no inline script, no other site's, no framing by another site), so that
 *                            nothing a device sends could run as a script in a signed-in console; blank for none (to
 *                            put the console behind a proxy that sets its own)
 * @param corsAllowedOrigins  the origins of web pages allowed to call the API from their scripts (cross-origin
 *                            requests, CORS), such as {@code https://dashboard.example.com}, or origin patterns
 *                            ({@code https://*.example.com}, {@code http://localhost:[*]}); their WebSocket handshakes
 *                            are accepted too. None by default: no CORS headers at all, and WebSocket handshakes from
 *                            the application's own origin only. A page's script holds the token it calls with, so
 *                            whoever serves an origin listed here can use the tokens its pages are given
 * @param tokens              the access tokens, by their SHA-256 hashes (ignored when the application declares an
 *                            {@link io.cameliotmp.api.access.AccessTokenStore} bean)
 * @param maxAuthFailures     how many failed authentications a client address (an IPv6 address by its /64 prefix)
 *                            may have within {@code auth-failure-window}; beyond them it is answered 429 until the
 *                            window ends
 * @param authFailureWindow   how long failed authentications are counted, and an address blocked
 * @param maxTrackedAddresses the most client addresses whose failures are remembered at once; beyond them failures
 *                            share one count, which once used up has their failures answered 429 (counted in
 *                            {@code iotmp.api.auth.overflow.refused}) but lets a valid token pass
 * @param maxSessions         the most byte sessions ({@code $terminal}, {@code $cmd}, {@code $proxy} over WebSocket)
 *                            open at once; beyond them a session is refused (WebSocket close 1013)
 * @param sessionSendBuffer   the most bytes of a byte session's output that may wait for its client (the device's
 *                            output is queued, never written on the IOTMP server's shared threads); beyond them the
 *                            client is closed (WebSocket close 1008) and counted in
 *                            {@code iotmp.api.sessions.slow.closed}
 * @param sessionSendTimeout  how long one write to a byte session's client may take; a client that reads nothing for
 *                            longer is closed (WebSocket close 1008) and counted in
 *                            {@code iotmp.api.sessions.slow.closed}
 * @param sessionInputBuffer  the most bytes of a byte session's input that may wait for its device (what the client
 *                            sends while a send to the device is under way waits, merged into the next send); beyond
 *                            them the client is closed (WebSocket close 1009) and counted in
 *                            {@code iotmp.api.sessions.input.closed}
 * @param answerWriteTimeout  how long a client may read nothing of the answer to a call of the device API; its
 *                            connection is then closed and counted in {@code iotmp.api.answers.slow.closed}. An
 *                            answer is sent without holding a thread, from memory (it is the route's answer, already
 *                            bounded), so until then a slow client holds only that memory. Tomcat's own write
 *                            timeout ({@code server.tomcat.connection-timeout}) closes such a client too, uncounted:
 *                            keep this one shorter
 * @param answerSendBuffer    the most bytes of answers held in memory for their clients at once (answers are sent
 *                            without a thread, so many clients that read slowly could otherwise make the application
 *                            hold as many answers); an answer beyond it is written with blocking writes on a thread
 *                            of the application task executor (bounded by its size), counted in
 *                            {@code iotmp.api.answers.blocking}; gauge {@code iotmp.api.answers.bytes}. One answer
 *                            larger than the buffer is still sent without a thread when no other is held
 * @param maxDownloads        the most file downloads from devices running at once (each holds a thread of Spring
 *                            MVC's task executor); beyond them a download is answered 503
 * @param maxFirmwareSize     the largest firmware image {@code POST …/firmware} takes (spooled to a temporary file,
 *                            not held in memory); a larger one is answered 413
 * @param maxFirmwareUpdates  the most firmware updates running at once (each holds a request thread while its image
 *                            arrives, and a temporary file); beyond them an update is answered 503
 * @param maxUploadSize       the largest file {@code POST …/files/upload} takes (streamed to the device in chunks, not
 *                            held in memory); a larger one is answered 413
 * @param maxUploads          the most file uploads to devices running at once (each holds a request thread while its
 *                            body arrives); beyond them an upload is answered 503
 * @param maxWebsocketStreams the most resource streams over WebSocket ({@code …/resources/{resource}/ws}) open at
 *                            once; beyond them a stream is refused (a {@code failed} message, then close 1013)
 * @param maxSseStreams       the most resource streams as Server-Sent Events ({@code …/resources/{resource}/stream})
 *                            open at once (each holds a response and a consumer while its client stays); beyond them a
 *                            stream is answered 503
 * @param maxEventStreams     the most clients subscribed to device events ({@code /v3/users/{user}/events}) at once;
 *                            beyond them a subscription is answered 503
 * @param maxSharePerUser     the most of each of the caps above ({@code max-sessions}, {@code max-websocket-streams},
 *                            {@code max-sse-streams}, {@code max-event-streams}, {@code max-downloads},
 *                            {@code max-uploads}, {@code max-firmware-updates}) one user (an access token's user) may
 *                            hold at once, as a fraction of the cap, more than 0 and at most 1: a user may hold
 *                            {@code max(1, ceil(cap × share))} places of each, so that one token cannot take every
 *                            place and lock the other users out. Beyond it a user's request is refused as beyond the
 *                            cap (503, WebSocket close 1013) and counted in {@code iotmp.api.user.share.refused}.
 *                            0.5 leaves two users half each; an application with a single user that wants whole caps
 *                            sets 1
 * @param uploadMinRate       the bytes per second at which the body of a file upload or firmware image must arrive,
 *                            on average, once its reads have waited longer than {@code body-read-timeout} in all
 *                            (only waiting for the client counts, not for the device); a slower one fails (408, the
 *                            connection closed), releases its slot and is counted in
 *                            {@code iotmp.api.uploads.slow.failed}. Checked as reads return: a read that waits for
 *                            bytes that do not come is bounded by the container's read timeout
 *                            ({@code server.tomcat.connection-timeout})
 * @param streamSendTimeout   how long one write to a stream's client may take (resource streams as Server-Sent
 *                            Events and over WebSocket, device events); a client that reads nothing for longer is
 *                            closed (WebSocket close 1008) and counted in {@code iotmp.api.sse.streams.slow.closed},
 *                            {@code iotmp.api.websocket.streams.slow.closed} or
 *                            {@code iotmp.api.event.streams.slow.closed}. Until then it holds at most one writer
 *                            thread, its own, never another client's
 * @param maxConnectionsPerAddress the most HTTP connections one client address (an IPv6 address by its /64 prefix)
 *                            may have open; one more is closed as it is accepted, before a byte of it is read, and
 *                            counted in {@code iotmp.api.connections.refused{reason=per-address}}; gauge
 *                            {@code iotmp.api.connections.tracked.addresses}. Requests whose headers never end
 *                            (slowloris) reach no filter, and each byte restarts Tomcat's read timeout: without it
 *                            one address could hold all of {@code server.tomcat.max-connections} and lock every
 *                            other client out. 0 for no bound: behind a reverse proxy, whose address every
 *                            connection has (bound each client at the proxy then)
 * @param websocketIdleTimeout how long a WebSocket client (a byte session's, a resource stream's) may send nothing,
 *                            not even the pong that answers the server's ping (sent once a third of it has passed in
 *                            silence; browsers and WebSocket libraries answer pings by themselves); it is then closed
 *                            (WebSocket close 1001) and counted in {@code iotmp.api.sessions.idle.closed} or
 *                            {@code iotmp.api.websocket.streams.idle.closed}. Tomcat has no idle timeout of its own
 *                            on WebSocket connections, and writes nothing to an idle terminal: without it a client
 *                            gone without a word, or one that sends the start of a message and never its end, would
 *                            keep its place, its connection and the device's shell for ever
 * @param downloadMinRate     the bytes per second at which a client must take a file download, on average, once the
 *                            writes of it have waited longer than {@code body-read-timeout} in all (only waiting for
 *                            the client counts, not for the device); a slower one is cut short (the connection
 *                            closed, fewer bytes than its {@code Content-Length}), releases its slot and is counted
 *                            in {@code iotmp.api.downloads.slow.failed}. Checked as each write of at most 8 KiB
 *                            returns: a write that waits for a client that takes nothing is bounded by the
 *                            container's write timeout ({@code server.tomcat.connection-timeout})
 * @param accessRecheckInterval how often the access token of each open byte session, resource stream and device
 *                            event subscription is looked up again; one the store no longer knows, or that no longer
 *                            reaches what was opened, ends it (a {@code failed} event or message with a 401 or 403
 *                            error, then the close) and is counted in {@code iotmp.api.access.revoked.closed}. A
 *                            token is otherwise checked once, when the request arrives
 * @param maxStreamsPerAddress the most byte sessions, resource streams (over WebSocket and as Server-Sent Events) and
 *                            device event subscriptions one client address (an IPv6 address by its /64 prefix) may
 *                            hold open at once, all together; beyond it one more is refused as beyond a cap (503,
 *                            WebSocket close 1013) and counted in {@code iotmp.api.address.refused}; gauge
 *                            {@code iotmp.api.streams.tracked.addresses}. The caps and the users' shares bound what
 *                            the API holds and what one token takes, but not one client with the tokens of several
 *                            users; and each such connection may hold a thread of the web server (Tomcat answers a
 *                            ping with a blocking pong, so a client that pings and reads nothing holds a thread for
 *                            up to the send timeout on each of its sockets). 0 for no bound: behind a reverse proxy,
 *                            unless the client's address is passed on ({@code server.forward-headers-strategy})
 * @param ticketTtl           how long a ticket ({@code POST /v3/users/{user}/tickets}) stays valid: the single-use
 *                            pass for one {@code GET} that the console puts in the URLs it opens (a download link, an
 *                            {@code EventSource}, a WebSocket) instead of its token. Used at once by the console; a
 *                            ticket used, expired or of another request is answered 401 or 403
 * @param maxTickets          the most tickets outstanding at once (issued, not yet used nor expired); beyond them a
 *                            ticket is refused (503) and counted in {@code iotmp.api.tickets.full}; gauge
 *                            {@code iotmp.api.tickets}
 * @param maxTicketsPerUser   the most tickets of one user (an access token's user) outstanding at once, so that one
 *                            token cannot take them all; beyond them as beyond {@code max-tickets}
 * @param maxOpensPerUserPerMinute how many byte sessions and resource streams (over WebSocket and as Server-Sent
 *                            Events) one user may open within a minute, all together: a minute's worth at once, then
 *                            as fast as the minute gives them back. Each opening costs a stream on the device and
 *                            state here; the caps and {@code max-share-per-user} bound how many are open at once, not
 *                            how fast one token opens and closes them. Beyond it an opening is refused (429; a
 *                            WebSocket gets close 1013) and counted in {@code iotmp.api.opens.refused}. 0 for no bound
 */
@ConfigurationProperties(IotmpApiProperties.PREFIX)
public record IotmpApiProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("10s") Duration bodyReadTimeout,
        @DefaultValue("32MB") DataSize bodyReadBuffer,
        @DefaultValue("60s") Duration streamReconnectWait,
        @DefaultValue("/console/") String consolePath,
        @DefaultValue("true") boolean consoleEnabled,
        @DefaultValue(BrowserSecurityHeaders.DEFAULT_CONSOLE_POLICY) String consoleContentSecurityPolicy,
        @DefaultValue List<String> corsAllowedOrigins,
        List<Token> tokens,
        @DefaultValue("10") int maxAuthFailures,
        @DefaultValue("1m") Duration authFailureWindow,
        @DefaultValue("10000") int maxTrackedAddresses,
        @DefaultValue("64") int maxSessions,
        @DefaultValue("512KB") DataSize sessionSendBuffer,
        @DefaultValue("10s") Duration sessionSendTimeout,
        @DefaultValue("1MB") DataSize sessionInputBuffer,
        @DefaultValue("30s") Duration answerWriteTimeout,
        @DefaultValue("32MB") DataSize answerSendBuffer,
        @DefaultValue("4") int maxDownloads,
        @DefaultValue("16MB") DataSize maxFirmwareSize,
        @DefaultValue("2") int maxFirmwareUpdates,
        @DefaultValue("256MB") DataSize maxUploadSize,
        @DefaultValue("4") int maxUploads,
        @DefaultValue("64") int maxWebsocketStreams,
        @DefaultValue("64") int maxSseStreams,
        @DefaultValue("64") int maxEventStreams,
        @DefaultValue("0.5") double maxSharePerUser,
        @DefaultValue("16KB") DataSize uploadMinRate,
        @DefaultValue("10s") Duration streamSendTimeout,
        @DefaultValue("256") int maxConnectionsPerAddress,
        @DefaultValue("60s") Duration websocketIdleTimeout,
        @DefaultValue("64") int maxStreamsPerAddress,
        @DefaultValue("16KB") DataSize downloadMinRate,
        @DefaultValue("1m") Duration accessRecheckInterval,
        @DefaultValue("30s") Duration ticketTtl,
        @DefaultValue("1024") int maxTickets,
        @DefaultValue("16") int maxTicketsPerUser,
        @DefaultValue("60") int maxOpensPerUserPerMinute) {

    /** The prefix of the properties. */
    public static final String PREFIX = "camel.iotmp.api";

    /**
     * An access token of the configuration, {@code camel.iotmp.api.tokens[n].*}.
     *
     * @param name      a name for logs (the token itself is never logged)
     * @param sha256    the SHA-256 of the token, in hex ({@code printf %s TOKEN | sha256sum})
     * @param user      the user whose devices it reaches
     * @param devices   device patterns ({@code *} for any run of characters); all the user's devices when empty
     * @param resources resource patterns; all resources when empty
     * @param actions   what it may do: {@code read} (or {@code describe}), {@code run}, {@code stream},
     *                  {@code session}, {@code files}; nothing when empty
     */
    public record Token(String name, String sha256, String user, List<String> devices, List<String> resources,
                        List<String> actions) {

        public Token {
            devices = devices == null || devices.isEmpty() ? List.of("*") : List.copyOf(devices);
            resources = resources == null || resources.isEmpty() ? List.of("*") : List.copyOf(resources);
            actions = actions == null ? List.of() : List.copyOf(actions);
        }

        /** The token as the store keeps it. */
        public HashedTokenStore.Entry toEntry() {
            if (name == null || user == null || sha256 == null) {
                throw new IllegalArgumentException(PREFIX + ".tokens: every token needs a name, a user and a sha256");
            }
            InvalidRequestException.requireName("user of token " + name, user);
            for (String device : devices) {
                if (!device.matches("[A-Za-z0-9_.$*-]{1,128}")) {
                    throw new IllegalArgumentException("token " + name + ": '" + device + "' is no device pattern");
                }
            }
            byte[] hash;
            try {
                hash = HexFormat.of().parseHex(sha256.strip().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("token " + name + ": sha256 is not hex", e);
            }
            Set<ApiAction> granted = EnumSet.noneOf(ApiAction.class);
            for (String action : actions) {
                granted.add(ApiAction.parse(action));
            }
            return new HashedTokenStore.Entry(hash, new AccessToken(name, user, devices, resources, granted));
        }
    }

    public IotmpApiProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        corsAllowedOrigins = ApiCors.origins(corsAllowedOrigins);
        if (maxAuthFailures < 1 || maxTrackedAddresses < 1 || maxSessions < 1 || maxDownloads < 1
            || maxFirmwareUpdates < 1 || maxFirmwareSize.toBytes() < 1 || maxUploads < 1 || maxUploadSize.toBytes() < 1
            || maxWebsocketStreams < 1 || maxSseStreams < 1 || maxEventStreams < 1 || authFailureWindow.isNegative()
            || authFailureWindow.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".max-auth-failures, max-tracked-addresses, max-sessions,"
                                               + " max-downloads, max-firmware-updates, max-firmware-size, max-uploads,"
                                               + " max-upload-size, max-websocket-streams, max-sse-streams,"
                                               + " max-event-streams and"
                                               + " auth-failure-window must be positive");
        }
        if (!(maxSharePerUser > 0 && maxSharePerUser <= 1)) {
            throw new IllegalArgumentException(PREFIX + ".max-share-per-user is the most of each cap one user may hold,"
                                               + " a fraction more than 0 and at most 1 (1 for the whole cap): "
                                               + maxSharePerUser);
        }
        if (streamSendTimeout.isNegative() || streamSendTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".stream-send-timeout must be positive: " + streamSendTimeout);
        }
        if (sessionSendBuffer.toBytes() < 1 || sessionSendTimeout.isNegative() || sessionSendTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".session-send-buffer and session-send-timeout must be"
                                               + " positive: " + sessionSendBuffer + ", " + sessionSendTimeout);
        }
        if (sessionInputBuffer.toBytes() < 1 || sessionInputBuffer.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + ".session-input-buffer must be positive and below 2 GB: "
                                               + sessionInputBuffer);
        }
        if (answerSendBuffer.toBytes() < 1) {
            throw new IllegalArgumentException(PREFIX + ".answer-send-buffer must be positive: " + answerSendBuffer);
        }
        if (answerWriteTimeout.isNegative() || answerWriteTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".answer-write-timeout must be positive: "
                                               + answerWriteTimeout);
        }
        if (maxBodySize.toBytes() < 1 || maxBodySize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(PREFIX + ".max-body-size must be from 1 byte to 2 GB: " + maxBodySize);
        }
        if (bodyReadTimeout.isNegative() || bodyReadTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".body-read-timeout must be positive: " + bodyReadTimeout);
        }
        if (uploadMinRate.toBytes() < 1) {
            throw new IllegalArgumentException(PREFIX + ".upload-min-rate must be positive (bytes per second): "
                                               + uploadMinRate);
        }
        if (streamReconnectWait.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".stream-reconnect-wait must not be negative: "
                                               + streamReconnectWait);
        }
        if (websocketIdleTimeout.isNegative() || websocketIdleTimeout.isZero()) {
            throw new IllegalArgumentException(PREFIX + ".websocket-idle-timeout must be positive: "
                                               + websocketIdleTimeout);
        }
        if (maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException(PREFIX + ".max-connections-per-address must not be negative (0 for no"
                                               + " bound): " + maxConnectionsPerAddress);
        }
        if (downloadMinRate.toBytes() < 1) {
            throw new IllegalArgumentException(PREFIX + ".download-min-rate must be positive (bytes per second): "
                                               + downloadMinRate);
        }
        if (accessRecheckInterval.toMillis() < 1) {
            throw new IllegalArgumentException(PREFIX + ".access-recheck-interval must be at least 1 ms: "
                                               + accessRecheckInterval);
        }
        if (maxStreamsPerAddress < 0) {
            throw new IllegalArgumentException(PREFIX + ".max-streams-per-address must not be negative (0 for no"
                                               + " bound): " + maxStreamsPerAddress);
        }
        if (ticketTtl.toMillis() < 1 || maxTickets < 1 || maxTicketsPerUser < 1) {
            throw new IllegalArgumentException(PREFIX + ".ticket-ttl, max-tickets and max-tickets-per-user must be"
                                               + " positive: " + ticketTtl + ", " + maxTickets + ", "
                                               + maxTicketsPerUser);
        }
        if (maxOpensPerUserPerMinute < 0) {
            throw new IllegalArgumentException(PREFIX + ".max-opens-per-user-per-minute must not be negative (0 for no"
                                               + " bound): " + maxOpensPerUserPerMinute);
        }
        if (!consolePath.startsWith("/") || !consolePath.endsWith("/") || consolePath.contains("*")) {
            throw new IllegalArgumentException(PREFIX + ".console-path must start and end with / and have no"
                                               + " wildcard: " + consolePath);
        }
    }
}
