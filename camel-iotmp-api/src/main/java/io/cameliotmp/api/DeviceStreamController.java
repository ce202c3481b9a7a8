package io.cameliotmp.api;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.ApiAccessFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v3/users/{user}/devices/{device}/resources/{resource}/stream[?interval=SECONDS]}: the resource's stream
 * as Server-Sent Events, on change without {@code interval}. Each client gets a {@link DeviceSampleStream}: its own
 * consumer of {@code iotmp:device:{user}/{device}/{resource}?interval=…}, so clients on the same resource share one
 * device stream (the component's doing) yet each gets its own rate, and a client leaving stops only its consumer.
 * <p>
 * A request that is not valid (a name, the interval) is a 400 like the rest of the API. Every other failure comes as a
 * {@code failed} event that ends the stream, since that is what an {@code EventSource} can read: the device is not
 * connected, it refuses the stream (now, or earlier on this connection: {@link StreamRefusals}), or it disconnected
 * and did not come back within {@code camel.iotmp.api.stream-reconnect-wait}; when it comes back in time, samples
 * resume.
 * <p>
 * Each stream holds a response and a consumer for as long as its client stays: at most
 * {@code camel.iotmp.api.max-sse-streams} are open at once, and at most its {@code max-share-per-user} of one user
 * ({@link UserSlots}); beyond them a request is answered 503. A client that stops
 * reading holds a writer thread of its own, no other client's, and is closed once a write to it has taken longer than
 * {@code camel.iotmp.api.stream-send-timeout} ({@link EventStreamWriters} tells why so; counted in
 * {@link #slowClientsClosed()}).
 * <p>
 * Served by {@link ApiHandlerMapping}, ahead of the resource route of {@link DeviceApiRoutes}, whose prefix would take
 * these paths too.
 */
public class DeviceStreamController implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceStreamController.class);

    /** Longest accepted interval: an hour. */
    static final int MAX_INTERVAL_SECONDS = 3600;

    private final CamelContext camelContext;
    private final StreamRefusals refusals;
    private final Duration reconnectWait;
    /** The places of the streams: each is taken before its stream is created, and given back when it closes. */
    private final UserSlots slots;
    /** The open streams, to end them when the application stops. */
    private final Set<DeviceSampleStream> open = ConcurrentHashMap.newKeySet();
    /** Writes events to the clients, a thread per client at most, and closes those that do not read. */
    private final EventStreamWriters writers;
    /** Ends a stream whose token no longer grants it. */
    private final AccessRechecks rechecks;

    public DeviceStreamController(CamelContext camelContext, StreamRefusals refusals, UserSlots slots,
                                  IotmpApiProperties properties, AccessRechecks rechecks) {
        this.camelContext = camelContext;
        this.rechecks = rechecks;
        this.refusals = refusals;
        this.reconnectWait = properties.streamReconnectWait();
        this.slots = slots;
        this.writers = new EventStreamWriters("sse", properties.streamSendTimeout());
    }

    @GetMapping("/v3/users/{user}/devices/{device}/resources/{resource}/stream")
    public SseEmitter stream(@PathVariable String user, @PathVariable String device, @PathVariable String resource,
                             @RequestParam(required = false) Integer interval, HttpServletRequest request)
            throws Exception {
        String uri = endpointUri(user, device, resource, interval);
        // no timeout: the stream lasts as long as the client stays (the heartbeat notices when it has gone)
        SseEmitter emitter = new SseEmitter(0L);
        // Camel keeps the endpoint (one per device, resource and interval); each client gets its own consumer of it
        UserSlots.Slot slot;
        try {
            slot = slots.acquire(user, request.getRemoteAddr());
        } catch (UserSlots.Refused refused) {
            throw new TooManyStreamsException(refused);
        }
        EventStreamClient client = new EventStreamClient(emitter);
        // registers itself in open
        DeviceSampleStream stream = new DeviceSampleStream("SSE " + uri, new StreamRefusals.Key(user, device,
                resource), client, writers.ticker(), writers.threads(), open, slot, refusals, reconnectWait);
        client.stream = stream;
        // a token revoked meanwhile ends the stream as a device that went away does: a failed event, then the end
        stream.onClose(rechecks.watch(request.getAttribute(ApiAccessFilter.ADMISSION), stream::fail)::cancel);
        client.writer = writers.writer(stream.toString(), emitter, stream::close);
        emitter.onCompletion(client::closed);
        emitter.onError(failure -> client.closed());
        emitter.onTimeout(client::closed);
        try {
            stream.open(camelContext.getEndpoint(uri));
        } catch (Exception e) {
            // not left counted as open, nor watched
            client.closed();
            throw e;
        }
        return emitter;
    }

    /**
     * The iotmp endpoint of a client's stream, the same for Server-Sent Events and WebSocket.
     *
     * @throws InvalidRequestException when a name or the interval (seconds, null for on change) is not valid
     */
    static String endpointUri(String user, String device, String resource, Integer interval) {
        InvalidRequestException.requireName("user", user);
        InvalidRequestException.requireName("device", device);
        InvalidRequestException.requireName("resource", resource);
        if (interval != null && (interval < 1 || interval > MAX_INTERVAL_SECONDS)) {
            throw new InvalidRequestException("interval is in seconds, from 1 to " + MAX_INTERVAL_SECONDS
                                              + "; leave it out to stream on change");
        }
        long intervalMillis = interval == null ? 0 : interval * 1000L;
        return "iotmp:device:" + user + "/" + device + "/" + resource + "?interval=" + intervalMillis;
    }

    /** How many clients are streaming now. */
    public int openStreams() {
        return slots.held();
    }

    /** The places of the streams. */
    UserSlots slots() {
        return slots;
    }

    /** Timers in the ticker's queue: the periodic check and the open streams' own; for tests. */
    int timersScheduled() {
        return writers.timersScheduled();
    }

    /** How many clients were closed because a write to them took longer than {@code stream-send-timeout}. */
    public long slowClientsClosed() {
        return writers.slowClosed();
    }

    /**
     * Failures before the stream starts, as the JSON errors of the rest of the API. The content type is set here, as
     * an SSE client asked for {@code text/event-stream} and would otherwise get a 406 instead.
     */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, Object>> failed(Exception failure) {
        ApiError error = failure instanceof TypeMismatchException mismatch
                ? new ApiError(400, mismatch.getPropertyName() + " has the wrong type: " + mismatch.getValue())
                : failure instanceof TooManyStreamsException refused
                        ? new ApiError(refused.status, failure.getMessage())
                : ApiError.of(failure);
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(error.body());
    }

    /**
     * Ends every stream when the application stops, before the web server's graceful shutdown would wait for these
     * never-ending responses and before Camel stops the IOTMP server under them.
     */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void endStreams() {
        for (DeviceSampleStream stream : List.copyOf(open)) {
            stream.end();
        }
    }

    /**
     * Events as Server-Sent Events: {@code event: sample}, {@code data: {…}}; a comment keeps the stream alive. Each
     * write blocks its writer thread until the client took it (or was closed as slow).
     */
    private static final class EventStreamClient implements DeviceSampleStream.Client {

        private final SseEmitter emitter;
        private volatile EventStreamWriters.Writer writer;
        private volatile DeviceSampleStream stream;

        EventStreamClient(SseEmitter emitter) {
            this.emitter = emitter;
        }

        @Override
        public void send(String event, Object data, Runnable written) throws IOException {
            writer.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
            written.run();
        }

        @Override
        public void keepAlive(Runnable written) throws IOException {
            writer.send(SseEmitter.event().comment("keep-alive"));
            written.run();
        }

        /** The response is complete (or failed): the stream stops, and its writer is no more watched. */
        void closed() {
            writer.release();
            stream.close();
        }

        @Override
        public void complete() {
            // from the writer, or when the application stops: not waiting for a client stuck in a write then
            if (!writer.busy()) {
                emitter.complete();
            }
        }

        @Override
        public void abort(Exception failure) {
            try {
                emitter.completeWithError(failure);
            } catch (IllegalStateException over) {
                // the container ended the request already (the failure reached it first): nothing is left to end, and
                // this writer thread must not die of it
                LOG.debug("{}: the response was over before its stream: {}", writer, over.toString());
            }
        }
    }

    @Override
    public void destroy() {
        endStreams();
        writers.shutdown();
    }

    /** A stream beyond {@code max-sse-streams}, its user's share or address's bound of them (503), or rate (429). */
    static final class TooManyStreamsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;

        TooManyStreamsException(UserSlots.Refused refused) {
            super(refused.getMessage());
            this.status = refused.status();
        }
    }
}
