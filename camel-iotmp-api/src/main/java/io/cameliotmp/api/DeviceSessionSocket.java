package io.cameliotmp.api;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.ApiAccessFilter;
import io.cameliotmp.camel.IotmpConstants;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Byte sessions of IOTMP-Linux devices over WebSocket:
 * {@code /v3/users/{user}/devices/{device}/sessions/{terminal|cmd|proxy}[?parameters]}. Each WebSocket opens one
 * device stream {@code $terminal/:session} (or {@code $cmd}, {@code $proxy}) with a fresh session token, the query
 * parameters (but {@code authorization}) as its parameters ({@code cols}, {@code rows}; {@code cmd}; {@code address},
 * {@code port}, …); bytes then flow both ways as binary messages, and either side's end ends the other.
 * <p>
 * The device's data reaches the socket through the route {@value #DELIVERY} (the producer's {@code streamTo}), in
 * order. Before the device has accepted the stream the socket gets a text message {@code {"event":"open"}}; what the
 * client sends earlier waits, up to {@value #MAX_EARLY_BYTES} bytes. The delivery runs on the IOTMP server's worker
 * threads, shared by all devices, so it only queues what goes to the client ({@link SessionOutbound}); a client that
 * does not keep up with the device (more than {@code camel.iotmp.api.session-send-buffer} bytes unsent, or a send
 * taking longer than {@code session-send-timeout}) is closed with 1008 and counted ({@link #slowClientsClosed}). At
 * most {@code camel.iotmp.api.max-sessions} sessions are open at once, and at most its
 * {@code max-share-per-user} by one user ({@link UserSlots}), who opens at most
 * {@code max-opens-per-user-per-minute} sessions and streams a minute ({@link OpenRate}); beyond them a socket is
 * closed with 1013 (try again later). A client from which nothing (no message, no pong to the server's ping) has come
 * for {@code camel.iotmp.api.websocket-idle-timeout} is closed with 1001 and counted ({@link #idleClientsClosed}): the
 * server writes nothing to an idle terminal, so a client gone without a word would otherwise keep its place and the
 * device's shell for ever. A session whose token no longer grants it ({@link AccessRechecks}) gets a
 * {@code {"event":"failed"}} message with the 401 or 403 error and is closed with 1008, its device stream stopped.
 */
public final class DeviceSessionSocket extends AbstractWebSocketHandler implements DisposableBean {

    /** The route the device's session data is delivered to. */
    public static final String DELIVERY = "direct:iotmp-api-session-data";
    /** The paths of the sessions, for the WebSocket mapping. */
    static final String PATHS = "/v3/users/*/devices/*/sessions/*";

    /** The most of the client's input that may wait for the device to open the session. */
    static final int MAX_EARLY_BYTES = 64 * 1024;
    /** The most of the client's input one send to the device carries: as much as one message with Tomcat's buffers. */
    static final int MAX_SEND_BYTES = 8 * 1024;
    private static final Pattern PATH = Pattern.compile(".*/v3/users/([^/]+)/devices/([^/]+)/sessions/([^/]+)");
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSessionSocket.class);

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final long sendBufferBytes;
    private final long sendTimeoutNanos;
    private final int inputBufferBytes;
    private final long idleTimeoutNanos;
    private final SecureRandom random = new SecureRandom();
    /** The open sessions by user/device/resource, as the delivered exchanges name them. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Sessions admitted: taken before they are registered, so the bounds hold under concurrent handshakes. */
    private final UserSlots admitted;
    /** Starts the clients' non-blocking writes and checks their age; never waits for a client. */
    private final ScheduledExecutorService sender =
            Executors.newScheduledThreadPool(2, new CustomizableThreadFactory("api-session-sender-"));
    /** Closes sockets, which may wait for a write in progress (at most the send timeout); one close per session. */
    private final ExecutorService closer = Executors.newCachedThreadPool(
            new CustomizableThreadFactory("api-session-closer-"));
    private final AtomicLong slowClosed = new AtomicLong();
    private final AtomicLong inputClosed = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    /** Ends a session whose token no longer grants it. */
    private final AccessRechecks rechecks;

    /**
     * @param sessions         the places of the sessions: {@code max-sessions}, shared by {@code max-share-per-user}
     * @param inputBufferBytes the most of a client's input that may wait for its device: {@code session-input-buffer}
     * @param idleTimeout      how long a client may send nothing, not even a pong: {@code websocket-idle-timeout}
     * @param rechecks         where the sessions' tokens are checked again
     */
    DeviceSessionSocket(ProducerTemplate producer, ObjectMapper json, UserSlots sessions, long sendBufferBytes,
                        Duration sendTimeout, int inputBufferBytes, Duration idleTimeout, AccessRechecks rechecks) {
        this.producer = producer;
        this.rechecks = rechecks;
        this.json = json;
        this.admitted = sessions;
        this.sendBufferBytes = sendBufferBytes;
        this.sendTimeoutNanos = sendTimeout.toNanos();
        this.inputBufferBytes = inputBufferBytes;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        SessionOutbound.scheduleStallChecks(sender, sendTimeout, this::checkStalled);
    }

    private void checkStalled() {
        long now = System.nanoTime();
        sessions.values().forEach(session -> {
            session.outbound.checkStalled(now);
            if (session.outbound.checkSilent(now, idleTimeoutNanos)) {
                idleClosed.incrementAndGet();
            }
        });
    }

    /** How many sessions were closed because nothing came from their client for {@code websocket-idle-timeout}. */
    public long idleClientsClosed() {
        return idleClosed.get();
    }

    /** The most of a client's input that may wait for its device. */
    int inputBufferBytes() {
        return inputBufferBytes;
    }

    /** How many sessions were closed because their client sent faster than the device took it. */
    public long inputClientsClosed() {
        return inputClosed.get();
    }

    /** How many sessions were closed because their client did not read fast enough. */
    public long slowClientsClosed() {
        return slowClosed.get();
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
        closer.shutdownNow();
    }

    /** How many sessions are open now. */
    public int openSessions() {
        return admitted.held();
    }

    /** The places of the sessions. */
    UserSlots slots() {
        return admitted;
    }

    /** Sessions registered (delivered to, watched); for tests: none once every client left. */
    int sessionsRegistered() {
        return sessions.size();
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws IOException {
        // a refusal below is a close frame too (1007, 1013): it must reach the client as such, never as 1006
        SessionOutbound.boundBlockingSends(socket, sendTimeoutNanos);
        URI uri = socket.getUri();
        Matcher path = uri == null ? null : PATH.matcher(uri.getRawPath());
        String kind = path != null && path.matches() ? ResourcePath.decode(path.group(3)) : null;
        if (kind == null || !("terminal".equals(kind) || "cmd".equals(kind) || "proxy".equals(kind))) {
            socket.close(CloseStatus.BAD_DATA.withReason("sessions are terminal, cmd or proxy"));
            return;
        }
        String user = InvalidRequestException.requireName("user", ResourcePath.decode(path.group(1)));
        String device = InvalidRequestException.requireName("device", ResourcePath.decode(path.group(2)));
        // decoded before a place is taken: a query that cannot be is the client's fault, closed with 1007, not an
        // exception that Spring would log as an ERROR with its stack trace, a line per request of a hostile client
        Map<String, Object> parameters;
        try {
            parameters = parameters(uri.getRawQuery());
        } catch (InvalidRequestException e) {
            socket.close(CloseReasons.withReason(CloseStatus.BAD_DATA, e.getMessage()));
            return;
        }
        // one atomic step to check and take a place; released when the registered session is removed
        UserSlots.Slot slot;
        try {
            slot = admitted.acquire(user, AddressSlots.of(socket));
        } catch (UserSlots.Refused refused) {
            // a close reason has at most 123 bytes: the bound, not the whole message
            socket.close(CloseStatus.SERVICE_OVERLOAD.withReason(switch (refused.bound()) {
                case TOTAL -> "too many open sessions";
                case USER_SHARE -> "too many open sessions of this user (max-share-per-user)";
                case ADDRESS -> "too many open sessions and streams of this address (max-streams-per-address)";
                case RATE -> "too many sessions opened by this user (max-opens-per-user-per-minute)";
            }));
            return;
        }
        String resource = "$" + kind + "/" + HexFormat.of().formatHex(nextToken());
        Session session = new Session(user, device, resource, slot, new SessionOutbound(
                "session " + user + "/" + device + "/" + resource, socket, sendBufferBytes, sendTimeoutNanos, sender,
                closer, slowClosed::incrementAndGet, () -> { }), producer, inputBufferBytes);
        sessions.put(session.key(), session);
        socket.getAttributes().put(Session.class.getName(), session);
        // a token revoked meanwhile ends the session (the shell on the device with it, as the client's close does)
        session.access = rechecks.watch(socket.getAttributes().get(ApiAccessFilter.ADMISSION), error -> {
            session.send(text(Map.of("event", "failed", "data", error.body())));
            session.outbound.closeAfterQueued(CloseReasons.withReason(CloseStatus.POLICY_VIOLATION, error.message()));
        });
        if (!sessions.containsKey(session.key())) {
            // the client left before the watch was set: afterConnectionClosed has not cancelled it
            session.access.cancel();
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(IotmpConstants.USER, user);
        headers.put(IotmpConstants.DEVICE, device);
        headers.put(IotmpConstants.RESOURCE, resource);
        headers.put(IotmpConstants.PARAMETERS, parameters);
        producer.asyncSend("iotmp:device?operation=startStream&streamTo=" + DELIVERY, exchange -> {
            exchange.setPattern(ExchangePattern.InOut);
            exchange.getMessage().setHeaders(headers);
        }).whenComplete((exchange, failure) -> opened(session, exchange,
                failure != null ? failure : exchange.getException()));
    }

    private byte[] nextToken() {
        byte[] token = new byte[8];
        random.nextBytes(token);
        return token;
    }

    /** The query parameters but the token, numbers as numbers and true/false as booleans, for the device. */
    static Map<String, Object> parameters(String rawQuery) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = ResourcePath.decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : ResourcePath.decode(pair.substring(equals + 1));
            if (name.isEmpty() || "authorization".equals(name)) {
                continue;
            }
            if (value.matches("-?\\d{1,18}")) {
                parameters.put(name, Long.parseLong(value));
            } else if ("true".equals(value) || "false".equals(value)) {
                parameters.put(name, Boolean.parseBoolean(value));
            } else {
                parameters.put(name, value);
            }
        }
        return parameters;
    }

    private void opened(Session session, Exchange reply, Throwable failure) {
        if (failure != null) {
            ApiError error = ApiError.of(failure);
            LOG.debug("{}: the device did not open the session: {}", session, error.message());
            session.send(text(Map.of("event", "failed", "data", error.body())));
            session.outbound.closeAfterQueued(CloseReasons.withReason(CloseStatus.POLICY_VIOLATION, error.message()));
            return;
        }
        Object id = reply.getMessage().getHeader(IotmpConstants.STREAM_ID);
        int streamId = id instanceof Number n ? n.intValue() : 0;
        if (!session.opened(streamId, reply.getMessage().getHeader(IotmpConstants.SESSION_NUMBER, Long.class))) {
            // the client left while the device was opening: nobody else stops this stream (a shell, on IOTMP-Linux)
            LOG.debug("{}: the client left before the device opened the session", session);
            stopStream(session, streamId);
            return;
        }
        session.send(text(Map.of("event", "open", "resource", session.resource)));
        // what the client sent meanwhile goes first, before anything it sends from now on
        session.input.start();
    }

    /** Whatever the client sends, a pong too, tells that it is there. */
    @Override
    public void handleMessage(WebSocketSession socket, WebSocketMessage<?> message) throws Exception {
        Session session = session(socket);
        if (session != null) {
            session.outbound.heard();
        }
        super.handleMessage(socket, message);
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession socket, BinaryMessage message) {
        Session session = session(socket);
        if (session != null) {
            byte[] bytes = new byte[message.getPayloadLength()];
            message.getPayload().get(bytes);
            fromClient(session, bytes);
        }
    }

    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
        Session session = session(socket);
        if (session != null) {
            fromClient(session, message.asBytes());
        }
    }

    /**
     * Sends the client's bytes to the device after everything it sent before, in order ({@link DeviceInput}: one
     * send at a time, what comes meanwhile merged into the next). A client that sends faster than the device takes
     * (more than {@code session-input-buffer} bytes waiting, or {@value #MAX_EARLY_BYTES} before the device opened
     * the session) is closed, once, and counted.
     */
    private void fromClient(Session session, byte[] bytes) {
        if (!session.input.offer(bytes)) {
            inputClosed.incrementAndGet();
            session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason(session.input.started()
                    ? "the device does not take input this fast" : "too much input before the session opened"));
        }
    }

    /** A blocking send to the client that timed out (the pong to its ping) is a client that reads nothing: slow. */
    @Override
    public void handleTransportError(WebSocketSession socket, Throwable failure) {
        Session session = session(socket);
        if (session != null) {
            session.outbound.transportFailed(failure);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        Session session = session(socket);
        if (session == null || !sessions.remove(session.key(), session)) {
            return;
        }
        session.slot.release();
        session.outbound.discard();
        AccessRechecks.Watch access = session.access;
        if (access != null) {
            access.cancel();
        }
        LOG.debug("{}: the client closed ({})", session, status);
        // a stream the device has not opened yet is stopped by opened(), once it has
        int streamId = session.clientGone();
        if (streamId != 0 && !session.ended()) {
            stopStream(session, streamId);
        }
    }

    private void stopStream(Session session, int streamId) {
        producer.asyncRequestBodyAndHeaders("iotmp:device?operation=stopStream", null,
                session.streamHeaders(streamId));
    }

    /** A chunk of the device's session, or its end: called by the {@value #DELIVERY} route, in order. */
    public void deliver(Exchange exchange) {
        org.apache.camel.Message message = exchange.getMessage();
        String key = message.getHeader(IotmpConstants.USER) + "/" + message.getHeader(IotmpConstants.DEVICE) + "/"
                     + message.getHeader(IotmpConstants.RESOURCE);
        Session session = sessions.get(key);
        if (session == null) {
            return;
        }
        String ended = message.getHeader(IotmpConstants.STREAM_ENDED, String.class);
        if (ended != null) {
            session.end();
            session.send(text(Map.of("event", "ended", "reason", ended)));
            session.outbound.closeAfterQueued(
                    CloseReasons.withReason(CloseStatus.NORMAL, "the device ended the session: " + ended));
            return;
        }
        Object body = message.getBody();
        if (body instanceof byte[] bytes) {
            session.send(new BinaryMessage(bytes));
        } else if (body != null) {
            // a command's {"out": bytes}, {"exit": n}: as JSON text
            session.send(text(Map.of("event", "data", "data", body)));
        }
    }

    private TextMessage text(Object value) {
        try {
            return new TextMessage(json.writeValueAsString(value));
        } catch (IOException e) {
            throw new IllegalStateException("a session event is always JSON", e);
        }
    }

    private static Session session(WebSocketSession socket) {
        return socket.getAttributes().get(Session.class.getName()) instanceof Session s ? s : null;
    }

    /** One open session: its device stream and its socket. */
    private static final class Session {

        private final String user;
        private final String device;
        private final String resource;
        /** Its place among the sessions, given back once it is removed. */
        private final UserSlots.Slot slot;
        /** What goes to the client. */
        private final SessionOutbound outbound;
        /** Set once, under {@code this} (as is {@link #clientGone}): the stream is stopped by whoever comes second. */
        private volatile int streamId;
        /**
         * The device connection the stream opened on (set before {@link #streamId}): its stream ids start at 1
         * again, so input and stop go to that connection only, never to a newer one's stream of the same id.
         */
        private volatile Long sessionNumber;
        private boolean clientGone;
        private volatile boolean ended;
        private final ProducerTemplate producer;
        /** What the client sends to the device, in order. */
        private final DeviceInput input;
        /** The re-checks of the session's token, cancelled as the session is removed. */
        private volatile AccessRechecks.Watch access;

        Session(String user, String device, String resource, UserSlots.Slot slot, SessionOutbound outbound,
                ProducerTemplate producer, int inputBufferBytes) {
            this.user = user;
            this.device = device;
            this.resource = resource;
            this.slot = slot;
            this.outbound = outbound;
            this.producer = producer;
            // never more before the open than after it: what waited would refuse the first message after the open
            this.input = new DeviceInput(Math.min(MAX_EARLY_BYTES, inputBufferBytes), inputBufferBytes,
                    MAX_SEND_BYTES, this::toDevice, this::toDeviceFailed);
        }

        /** One send of the client's bytes on the device's stream, once the device has opened it. */
        private java.util.concurrent.CompletableFuture<?> toDevice(byte[] bytes) {
            return producer.asyncRequestBodyAndHeaders("iotmp:device?operation=sendStreamData", bytes,
                    streamHeaders(streamId));
        }

        /** The headers that address the stream on the connection it opened on. */
        Map<String, Object> streamHeaders(int id) {
            return DeviceStreamStop.headers(user, device, id, sessionNumber);
        }

        private void toDeviceFailed(Throwable failure) {
            LOG.debug("{}: sending to the device failed: {}", this, failure.toString());
            close(CloseStatus.SERVER_ERROR.withReason("the device is gone"));
        }

        String key() {
            return user + "/" + device + "/" + resource;
        }

        /**
         * The device opened the stream {@code id} on its connection {@code session}; false when the client has left
         * already (then stop it).
         */
        synchronized boolean opened(int id, Long session) {
            sessionNumber = session;
            streamId = id;
            return !clientGone;
        }

        /** The client left: returns the stream to stop, 0 while the device has not opened it. */
        synchronized int clientGone() {
            clientGone = true;
            return streamId;
        }

        boolean ended() {
            return ended;
        }

        void end() {
            ended = true;
        }

        /** Queues for the client: never blocks, as the caller may be an IOTMP worker thread. */
        void send(org.springframework.web.socket.WebSocketMessage<?> message) {
            outbound.send(message);
        }

        /** Closes on a closer thread, as the caller may be an IOTMP worker thread. */
        void close(CloseStatus status) {
            outbound.close(status);
        }

        @Override
        public String toString() {
            return "session " + key();
        }
    }
}
