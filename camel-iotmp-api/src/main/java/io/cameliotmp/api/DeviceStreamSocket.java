package io.cameliotmp.api;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code GET /v3/users/{user}/devices/{device}/resources/{resource}/ws[?interval=SECONDS]} (WebSocket): the resource's
 * stream as WebSocket text messages, for clients that prefer a socket to Server-Sent Events. The semantics are those
 * of {@link DeviceStreamController}, whose {@link DeviceSampleStream} does the work; only the transport differs:
 * <ul>
 * <li>each sample is a message {@code {"event":"sample","data":{"ts":…,"device":…,"value":…}}};</li>
 * <li>when there is no stream (the device is not connected, refuses it, or did not come back within
 * {@code camel.iotmp.api.stream-reconnect-wait}), a message {@code {"event":"failed","data":{error}}}, then the socket
 * is closed normally (1000); a request that is not valid (a name, the interval) gets the same with a 400 error and
 * close 1007;</li>
 * <li>at most {@code camel.iotmp.api.max-websocket-streams} are open at once; beyond them a {@code failed} message
 * with a 503 error and close 1013 (try again later);</li>
 * <li>a slow client: at most {@value DeviceSampleStream#MAX_QUEUED} samples wait for it, beyond them the oldest are
 * dropped (a chart wants the latest); a client that takes no write at all is closed when the web server's blocking
 * send times out.</li>
 * </ul>
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
    private final int maxStreams;
    private final Set<DeviceSampleStream> open = ConcurrentHashMap.newKeySet();
    /** Writes the messages and pings; two threads serve any number of clients. */
    private final ScheduledExecutorService sender =
            Executors.newScheduledThreadPool(2, new CustomizableThreadFactory("ws-stream-sender-"));

    public DeviceStreamSocket(CamelContext camelContext, StreamRefusals refusals, ObjectMapper json,
                              IotmpApiProperties properties) {
        this.camelContext = camelContext;
        this.refusals = refusals;
        this.json = json;
        this.reconnectWait = properties.streamReconnectWait();
        this.maxStreams = properties.maxWebsocketStreams();
    }

    /** How many clients are streaming over WebSocket now. */
    public int openStreams() {
        return open.size();
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws IOException {
        SocketClient client = new SocketClient(socket, json);
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
        DeviceSampleStream stream;
        synchronized (open) {
            if (open.size() >= maxStreams) {
                stream = null;
            } else {
                // registers itself in open
                stream = new DeviceSampleStream("WebSocket " + endpointUri, key, client, sender, open, refusals,
                        reconnectWait);
            }
        }
        if (stream == null) {
            client.refuse(new ApiError(503, "too many open streams"), CloseStatus.SERVICE_OVERLOAD);
            return;
        }
        socket.getAttributes().put(DeviceSampleStream.class.getName(), stream);
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

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
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
    }

    /** Events as JSON text messages; a ping keeps the socket alive. */
    private record SocketClient(WebSocketSession socket, ObjectMapper json) implements DeviceSampleStream.Client {

        @Override
        public void send(String event, Object data) throws IOException {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("event", event);
            message.put("data", data);
            socket.sendMessage(new TextMessage(json.writeValueAsString(message)));
        }

        @Override
        public void keepAlive() throws IOException {
            socket.sendMessage(new PingMessage());
        }

        @Override
        public void complete() {
            close(CloseStatus.NORMAL);
        }

        @Override
        public void abort(Exception failure) {
            close(CloseStatus.SESSION_NOT_RELIABLE);
        }

        /** A stream that does not start: its {@code failed} message, then the close. */
        void refuse(ApiError error, CloseStatus status) {
            try {
                send("failed", error.body());
            } catch (IOException | IllegalStateException e) {
                LOG.debug("{}: could not tell the client: {}", socket.getId(), e.toString());
            }
            String reason = error.message();
            close(status.withReason(reason.length() > 100 ? reason.substring(0, 100) : reason));
        }

        private void close(CloseStatus status) {
            try {
                socket.close(status);
            } catch (IOException | IllegalStateException e) {
                LOG.debug("{}: close failed: {}", socket.getId(), e.toString());
            }
        }
    }
}
