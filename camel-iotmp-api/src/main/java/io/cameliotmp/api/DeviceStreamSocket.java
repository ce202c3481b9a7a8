package io.cameliotmp.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.ApiAccessFilter;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code GET /v3/users/{user}/devices/{device}/resources/{resource}/ws[?interval=SECONDS]} (WebSocket): the resource's
 * stream as WebSocket text messages, for clients that prefer a socket to Server-Sent Events. The semantics are those
 * of {@link DeviceStreamController}, whose {@link DeviceSampleStream} does the work; only the transport differs:
 * <ul>
 * <li>each sample is a message {@code {"event":"sample","data":{"ts":…,"device":…,"value":…}}};</li>
 * <li>when there is no stream (the device is not connected, refuses it, or did not come back within
 * {@code camel.iotmp.api.stream-reconnect-wait}), or its token no longer grants it ({@link AccessRechecks}), a
 * message {@code {"event":"failed","data":{error}}}, then the socket is closed normally (1000); a request that is
 * not valid (a name, the interval) gets the same with a 400 error and close 1007;</li>
 * <li>at most {@code camel.iotmp.api.max-websocket-streams} are open at once, and at most its
 * {@code max-share-per-user} of one user ({@link UserSlots}); beyond them a {@code failed} message with a 503 error
 * and close 1013 (try again later); a user that opened {@code max-opens-per-user-per-minute} sessions and streams
 * within a minute ({@link OpenRate}) gets the same with a 429 error;</li>
 * <li>a slow client: at most {@value DeviceSampleStream#MAX_QUEUED} samples wait for it, beyond them the oldest are
 * dropped (a chart wants the latest); a client that takes no write at all is closed with 1008 once a write to it has
 * taken longer than {@code camel.iotmp.api.stream-send-timeout}, and counted ({@link #slowClientsClosed()});</li>
 * <li>a client from which nothing (no message, no pong to the server's pings) has come for
 * {@code camel.iotmp.api.websocket-idle-timeout} is closed with 1001 and counted ({@link #idleClientsClosed()}).</li>
 * </ul>
 * The messages are written as the byte sessions' are, by a {@link SessionOutbound}: with the web server's
 * non-blocking send, so the sender threads shared by all clients never wait for one; a client that stops reading
 * holds nothing but its own queue (and, for a ping or the close, which the web server sends only blocking, a closer
 * thread of its own for at most the send timeout).
 * A ping every {@link DeviceSampleStream#HEARTBEAT} notices a client that went away. What the client sends is
 * ignored.
 */
public final class DeviceStreamSocket extends TextWebSocketHandler implements DisposableBean {

    /** The paths of the streams, for the WebSocket mapping. */
    static final String PATHS = "/v3/users/*/devices/*/resources/*/ws";

    private static final Pattern PATH = Pattern.compile(".*/v3/users/([^/]+)/devices/([^/]+)/resources/([^/]+)/ws");
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStreamSocket.class);

    private final CamelContext camelContext;
    private final StreamRefusals refusals;
    private final ObjectMapper json;
    private final Duration reconnectWait;
    /** The places of the streams: each is taken before its stream is created, and given back when it closes. */
    private final UserSlots slots;
    /** The open streams, to end them when the application stops. */
    private final Set<DeviceSampleStream> open = ConcurrentHashMap.newKeySet();
    private final long sendTimeoutNanos;
    private final long idleTimeoutNanos;
    /** What goes to each client now, checked for writes that take too long. */
    private final Set<SessionOutbound> outbounds = ConcurrentHashMap.newKeySet();
    /**
     * Starts the clients' non-blocking writes, sends the heartbeats and checks the writes' age; never waits for a
     * client, so two threads serve any number of them.
     */
    private final ScheduledThreadPoolExecutor sender =
            new ScheduledThreadPoolExecutor(2, new CustomizableThreadFactory("ws-stream-sender-"));
    /** Closes sockets and sends pings, which may wait for a client (at most the send timeout); one per client. */
    private final ExecutorService closer = Executors.newCachedThreadPool(
            new CustomizableThreadFactory("ws-stream-closer-"));
    private final AtomicLong slowClosed = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();

    /** Ends a stream whose token no longer grants it. */
    private final AccessRechecks rechecks;

    public DeviceStreamSocket(CamelContext camelContext, StreamRefusals refusals, ObjectMapper json, UserSlots slots,
                              IotmpApiProperties properties, AccessRechecks rechecks) {
        this.camelContext = camelContext;
        this.rechecks = rechecks;
        this.refusals = refusals;
        this.json = json;
        this.reconnectWait = properties.streamReconnectWait();
        this.slots = slots;
        this.sendTimeoutNanos = properties.streamSendTimeout().toNanos();
        this.idleTimeoutNanos = properties.websocketIdleTimeout().toNanos();
        // each stream cancels its heartbeat and device check as it closes: a cancelled task left in the queue until it
        // was due (up to DeviceSampleStream.HEARTBEAT) held its stream and the stream's socket (Tomcat's, with its
        // write buffers), however many streams a client opened and closed meanwhile
        sender.setRemoveOnCancelPolicy(true);
        SessionOutbound.scheduleStallChecks(sender, properties.streamSendTimeout(), this::checkStalled);
    }

    private void checkStalled() {
        long now = System.nanoTime();
        outbounds.forEach(outbound -> {
            outbound.checkStalled(now);
            if (outbound.checkSilent(now, idleTimeoutNanos)) {
                idleClosed.incrementAndGet();
            }
        });
    }

    /** How many clients were closed because nothing came from them for {@code websocket-idle-timeout}. */
    public long idleClientsClosed() {
        return idleClosed.get();
    }

    /** Whatever the client sends, a pong too, tells that it is there (what it sends is ignored otherwise). */
    @Override
    public void handleMessage(WebSocketSession socket, WebSocketMessage<?> message) throws Exception {
        if (socket.getAttributes().get(SessionOutbound.class.getName()) instanceof SessionOutbound outbound) {
            outbound.heard();
        }
        super.handleMessage(socket, message);
    }

    /**
     * Ignored, as text is: the text handler's default closed the stream (1003) on the web server's thread, with a
     * close that blocks it up to the send timeout on a client that does not read.
     */
    @Override
    protected void handleBinaryMessage(WebSocketSession socket, BinaryMessage message) {
        // what the client sends is ignored; that it sent something was noted by handleMessage
    }

    /** How many clients were closed because a write to them took longer than {@code stream-send-timeout}. */
    public long slowClientsClosed() {
        return slowClosed.get();
    }

    /** How many clients are streaming over WebSocket now. */
    public int openStreams() {
        return slots.held();
    }

    /** The places of the streams. */
    UserSlots slots() {
        return slots;
    }

    /** Timers in the sender's queue: the periodic check and each open stream's two; for tests. */
    int timersScheduled() {
        return SessionOutbound.timersQueued(sender);
    }

    /** Clients whose outbound is still watched (writes' age, silence); for tests: none once every client left. */
    int outboundsWatched() {
        return outbounds.size();
    }

    /** Streams in the open set; for tests: none once every client left. */
    int streamsRegistered() {
        return open.size();
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws IOException {
        SocketClient client = new SocketClient(json);
        // one message at a time is handed to it (DeviceSampleStream keeps the rest, bounded): no byte bound needed
        SessionOutbound outbound = new SessionOutbound("stream " + socket.getId(), socket, Long.MAX_VALUE,
                sendTimeoutNanos, sender, closer, slowClosed::incrementAndGet, client::written);
        client.outbound = outbound;
        outbounds.add(outbound);
        socket.getAttributes().put(SessionOutbound.class.getName(), outbound);
        URI uri = socket.getUri();
        Matcher path = uri == null ? null : PATH.matcher(uri.getRawPath());
        String endpointUri;
        StreamRefusals.Key key;
        try {
            if (path == null || !path.matches()) {
                throw new InvalidRequestException("a stream is …/devices/{device}/resources/{resource}/ws");
            }
            key = new StreamRefusals.Key(ResourcePath.decode(path.group(1)), ResourcePath.decode(path.group(2)),
                    ResourcePath.decode(path.group(3)));
            endpointUri = DeviceStreamController.endpointUri(key.user(), key.device(), key.resource(),
                    interval(uri.getRawQuery()));
        } catch (InvalidRequestException e) {
            client.refuse(ApiError.of(e), CloseStatus.BAD_DATA);
            return;
        }
        UserSlots.Slot slot;
        try {
            slot = slots.acquire(key.user(), AddressSlots.of(socket));
        } catch (UserSlots.Refused refused) {
            client.refuse(new ApiError(refused.status(), refused.getMessage()), CloseStatus.SERVICE_OVERLOAD);
            return;
        }
        // registers itself in open
        DeviceSampleStream stream = new DeviceSampleStream("WebSocket " + endpointUri, key, client, sender, sender,
                open, slot, refusals, reconnectWait);
        socket.getAttributes().put(DeviceSampleStream.class.getName(), stream);
        // a token revoked meanwhile ends the stream as a device that went away does: a failed message, then the close
        stream.onClose(rechecks.watch(socket.getAttributes().get(ApiAccessFilter.ADMISSION), stream::fail)::cancel);
        try {
            stream.open(camelContext.getEndpoint(endpointUri));
        } catch (Exception e) {
            LOG.debug("{}: could not open: {}", stream, e.toString());
            stream.close();
            client.refuse(ApiError.of(e), CloseStatus.SERVER_ERROR);
        }
    }

    /** The {@code interval} of the query (seconds), null without one; other parameters are ignored. */
    static Integer interval(String rawQuery) {
        Object interval = DeviceSessionSocket.parameters(rawQuery).get("interval");
        if (interval == null) {
            return null;
        }
        if (interval instanceof Long seconds && seconds >= Integer.MIN_VALUE && seconds <= Integer.MAX_VALUE) {
            return seconds.intValue();
        }
        throw new InvalidRequestException("interval has the wrong type: " + interval);
    }

    /** A blocking send to the client that timed out (the pong to its ping) is a client that reads nothing: slow. */
    @Override
    public void handleTransportError(WebSocketSession socket, Throwable failure) {
        if (socket.getAttributes().get(SessionOutbound.class.getName()) instanceof SessionOutbound outbound) {
            outbound.transportFailed(failure);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        if (socket.getAttributes().get(SessionOutbound.class.getName()) instanceof SessionOutbound outbound) {
            outbounds.remove(outbound);
            outbound.discard();
        }
        if (socket.getAttributes().get(DeviceSampleStream.class.getName()) instanceof DeviceSampleStream stream) {
            LOG.debug("{}: the client closed ({})", stream, status);
            stream.close();
        }
    }

    /** Ends every stream when the application stops, before Camel stops the IOTMP server under them. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void endStreams() {
        for (DeviceSampleStream stream : List.copyOf(open)) {
            stream.end();
        }
    }

    @Override
    public void destroy() {
        endStreams();
        sender.shutdownNow();
        closer.shutdownNow();
    }

    /**
     * Events as JSON text messages; a ping keeps the socket alive. Writes only queue them for the outbound, which
     * tells when each is written.
     */
    private static final class SocketClient implements DeviceSampleStream.Client {

        private final ObjectMapper json;
        private volatile SessionOutbound outbound;
        /** What to tell once the message handed to the outbound is written; one at a time. */
        private volatile Runnable written;

        SocketClient(ObjectMapper json) {
            this.json = json;
        }

        @Override
        public void send(String event, Object data, Runnable written) throws IOException {
            this.written = written;
            outbound.send(text(event, data));
        }

        @Override
        public void keepAlive(Runnable written) {
            this.written = written;
            outbound.send(new PingMessage());
        }

        /** The outbound has written all it had. */
        void written() {
            Runnable then = written;
            written = null;
            if (then != null) {
                then.run();
            }
        }

        @Override
        public void complete() {
            outbound.closeAfterQueued(CloseStatus.NORMAL);
        }

        @Override
        public void abort(Exception failure) {
            outbound.close(CloseStatus.SESSION_NOT_RELIABLE);
        }

        /** A stream that does not start: its {@code failed} message, then the close. */
        void refuse(ApiError error, CloseStatus status) {
            try {
                outbound.send(text("failed", error.body()));
            } catch (IOException e) {
                LOG.debug("could not tell the client: {}", e.toString());
            }
            outbound.closeAfterQueued(CloseReasons.withReason(status, error.message()));
        }

        private TextMessage text(String event, Object data) throws IOException {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("event", event);
            message.put("data", data);
            return new TextMessage(json.writeValueAsString(message));
        }
    }
}
