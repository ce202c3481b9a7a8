package io.cameliotmp.api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameliotmp.api.access.AccessRechecks;
import io.cameliotmp.api.access.AccessToken;
import io.cameliotmp.api.access.ApiAccessFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
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
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /v3/users/{user}/events}: what happens to the user's devices, as Server-Sent Events, as it happens: an
 * event named {@code connected}, {@code disconnected} or {@code authenticationRefused} whose data is
 * {@code {"event", "device", "ts", …}} (plus {@code remoteAddress}, {@code generation}, {@code keepAlive} for a
 * connect, {@code reason} for the others). They come from the {@code iotmp:events} route of the API
 * ({@link #publish}).
 * <p>
 * A client sees only its token's user's devices, and of them only those its device patterns reach. Events are
 * queued per client, at most {@value #MAX_QUEUED} (the oldest dropped beyond), and written by a writer thread of the
 * client's own while it writes (so a slow client never holds the IOTMP server's thread, nor another client's writes),
 * and closed once a write to it has taken longer than {@code camel.iotmp.api.stream-send-timeout}
 * ({@link EventStreamWriters} tells why so; counted in {@link #slowClientsClosed()}). At most
 * {@code camel.iotmp.api.max-event-streams} clients are subscribed at once, and at most its
 * {@code max-share-per-user} of one user ({@link UserSlots}), a client closed as slow counting until its write has
 * returned; beyond them 503. A comment every {@link DeviceSampleStream#HEARTBEAT} notices clients that left. A
 * subscription whose token no longer grants it ({@link AccessRechecks}) ends with an event {@code failed} carrying the
 * 401 or 403 error.
 */
public class DeviceEvents implements DisposableBean {

    /**
     * The route of the server's device events into {@link #publish}. The application may consume
     * {@code iotmp:events} too: the endpoint takes several consumers, each getting every event.
     */
    public static final String SOURCE = "iotmp:events";
    static final int MAX_QUEUED = 100;
    /** The request attribute holding the request's {@link Subscriber}, for {@link #failed}. */
    private static final String SUBSCRIBER = DeviceEvents.class.getName() + ".subscriber";

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** Subscribers admitted (taken before they are registered, so the bounds hold under concurrent requests). */
    private final UserSlots admitted;
    private final EventStreamWriters writers;
    /** Ends a subscription whose token no longer grants it. */
    private final AccessRechecks rechecks;

    /**
     * @param subscribers the places of the clients subscribed at once ({@code camel.iotmp.api.max-event-streams},
     *                    shared by {@code max-share-per-user})
     * @param sendTimeout how long a write to a client may take ({@code camel.iotmp.api.stream-send-timeout})
     * @param rechecks    where the subscriptions' tokens are checked again
     */
    DeviceEvents(UserSlots subscribers, Duration sendTimeout, AccessRechecks rechecks) {
        this.admitted = subscribers;
        this.rechecks = rechecks;
        this.writers = new EventStreamWriters("api-events", sendTimeout);
    }

    /** How many clients were closed because a write to them took longer than {@code stream-send-timeout}. */
    public long slowClientsClosed() {
        return writers.slowClosed();
    }

    /** Clients subscribed now. */
    public int subscribed() {
        return admitted.held();
    }

    /** The places of the subscribers. */
    UserSlots slots() {
        return admitted;
    }

    /** Timers in the ticker's queue: the periodic check and the open streams' own; for tests. */
    int timersScheduled() {
        return writers.timersScheduled();
    }

    @GetMapping("/v3/users/{user}/events")
    public SseEmitter subscribe(@PathVariable String user, HttpServletRequest request) throws IOException {
        InvalidRequestException.requireName("user", user);
        AccessToken token = (AccessToken) request.getAttribute(ApiAccessFilter.TOKEN);
        if (token == null || !token.user().equals(user)) {
            // the access filter admits no such request; without it (a misconfiguration) nothing is shown
            throw new ForbiddenException("the access token is not for user " + user);
        }
        UserSlots.Slot slot;
        try {
            slot = admitted.acquire(token.user(), request.getRemoteAddr());
        } catch (UserSlots.Refused refused) {
            throw new TooManySubscribersException(refused.getMessage());
        }
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber subscriber = new Subscriber(token, emitter, slot);
        subscriber.writer = writers.writer("events of " + user, emitter, subscriber::close);
        request.setAttribute(SUBSCRIBER, subscriber);
        emitter.onCompletion(subscriber::close);
        emitter.onError(failure -> subscriber.close());
        emitter.onTimeout(subscriber::close);
        try {
            // An opening comment, so that the client knows it is subscribed before any device moves. Sent before the
            // stream starts, it waits in the emitter, and Spring MVC writes it on this request's thread as it starts
            // the stream: a client gone by then fails there (ending its subscription, see failed), not on a writer
            // thread racing this one.
            subscriber.writer.send(SseEmitter.event().comment("keep-alive"));
        } catch (IOException | RuntimeException e) {
            subscriber.close();
            throw e;
        }
        subscribers.add(subscriber);
        subscriber.access = rechecks.watch(request.getAttribute(ApiAccessFilter.ADMISSION), subscriber::revoke);
        long every = DeviceSampleStream.HEARTBEAT.toMillis();
        subscriber.heartbeat = writers.ticker().scheduleAtFixedRate(() -> subscriber.offer(null), every, every,
                TimeUnit.MILLISECONDS);
        if (subscriber.closed.get()) {
            // closed meanwhile (the application stopping): close() may have looked before these were set
            subscriber.heartbeat.cancel(false);
            subscriber.access.cancel();
        }
        return emitter;
    }

    /** An exchange of {@value #SOURCE}: handed to the subscribers its device concerns; never blocks. */
    public void publish(Exchange exchange) {
        if (!(exchange.getMessage().getBody() instanceof Map<?, ?> body)) {
            return;
        }
        String user = String.valueOf(body.get("user"));
        String device = String.valueOf(body.get("device"));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event", body.get("event"));
        event.put("device", device);
        event.put("ts", System.currentTimeMillis());
        for (Map.Entry<?, ?> field : body.entrySet()) {
            if (!"user".equals(field.getKey()) && !event.containsKey(String.valueOf(field.getKey()))) {
                event.put(String.valueOf(field.getKey()), field.getValue());
            }
        }
        for (Subscriber subscriber : subscribers) {
            if (subscriber.token.reaches(user, device)) {
                subscriber.offer(event);
            }
        }
    }

    /** A heartbeat to every subscriber now: a client that left is noticed at the next write or the one after. */
    void beatAll() {
        subscribers.forEach(subscriber -> subscriber.offer(null));
    }

    /**
     * Failures before the stream starts, as the API's errors (the client asked for {@code text/event-stream}). A
     * client that left while its stream started (the opening comment found its connection gone) is not answered:
     * its subscription ends here, at once.
     */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<Map<String, Object>> failed(Exception failure, HttpServletRequest request) {
        if (request.getAttribute(SUBSCRIBER) instanceof Subscriber subscriber) {
            subscriber.close();
            if (AsyncPlatformHttpConsumer.isClientGone(failure)) {
                // handled, with nothing written: there is no one to read it
                return null;
            }
        }
        ApiError error = failure instanceof TooManySubscribersException ? new ApiError(503, failure.getMessage())
                : failure instanceof ForbiddenException ? new ApiError(403, failure.getMessage())
                : ApiError.of(failure);
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(error.body());
    }

    /** Ends every subscription when the application stops, before the web server waits for them. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void endSubscriptions() {
        for (Subscriber subscriber : List.copyOf(subscribers)) {
            // not waiting for a client stuck in a write: the web server ends that response
            if (!subscriber.writer.busy()) {
                subscriber.emitter.complete();
            }
            subscriber.close();
        }
    }

    @Override
    public void destroy() {
        endSubscriptions();
        writers.shutdown();
    }

    /** One client: its token, its response, and the events waiting for it. */
    private final class Subscriber {

        final AccessToken token;
        final SseEmitter emitter;
        final AtomicBoolean closed = new AtomicBoolean();
        /** Its place among the {@code max-event-streams}, given back once. */
        final UserSlots.Slot slot;
        volatile EventStreamWriters.Writer writer;
        /** Guarded by {@code this}: events to write (null: a heartbeat), and whether a writer is writing them. */
        final Deque<Map<String, Object>> queued = new ArrayDeque<>();
        boolean writing;
        boolean heartbeatDue;
        /** Guarded by {@code this}: the token no longer grants the subscription; it ends once the queue is written. */
        boolean revoked;
        volatile ScheduledFuture<?> heartbeat;
        volatile AccessRechecks.Watch access;

        Subscriber(AccessToken token, SseEmitter emitter, UserSlots.Slot slot) {
            this.token = token;
            this.emitter = emitter;
            this.slot = slot;
        }

        /**
         * The token no longer grants the subscription: what waits is dropped, a {@code failed} event with the error is
         * the last, then the response completes. Called on the re-checks' thread: only queues.
         */
        void revoke(ApiError error) {
            Map<String, Object> failed = new LinkedHashMap<>();
            failed.put("event", "failed");
            failed.putAll(error.body());
            queue(failed, true);
        }

        /** Queues an event (null for a heartbeat) and makes sure a sender writes it. */
        void offer(Map<String, Object> event) {
            queue(event, false);
        }

        private void queue(Map<String, Object> event, boolean last) {
            synchronized (this) {
                if (closed.get() || revoked) {
                    return;
                }
                if (last) {
                    queued.clear();
                    heartbeatDue = false;
                    revoked = true;
                }
                if (event == null) {
                    heartbeatDue = true;
                } else {
                    if (queued.size() >= MAX_QUEUED) {
                        queued.pollFirst();
                    }
                    queued.addLast(event);
                }
                if (writing) {
                    return;
                }
                writing = true;
            }
            try {
                writers.threads().execute(this::write);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    writing = false;
                }
                close();
            }
        }

        /** Writes what is queued, blocking while the client does not read; one writer at a time. */
        private void write() {
            while (true) {
                Map<String, Object> event;
                boolean beat;
                boolean complete = false;
                synchronized (this) {
                    event = closed.get() ? null : queued.pollFirst();
                    beat = event == null && heartbeatDue && !closed.get();
                    if (beat) {
                        heartbeatDue = false;
                    }
                    if (event == null && !beat) {
                        writing = false;
                        complete = revoked && !closed.get();
                    }
                }
                if (complete) {
                    // the failed event is written: the end (no write is in progress, this thread was the writer)
                    emitter.complete();
                    close();
                    return;
                }
                if (event == null && !beat) {
                    if (closed.get()) {
                        // closed while a write blocked: its place is free only now
                        releasePlace();
                    }
                    return;
                }
                try {
                    if (beat) {
                        writer.send(SseEmitter.event().comment("keep-alive"));
                    } else {
                        writer.send(SseEmitter.event().name(String.valueOf(event.get("event")))
                                .data(event, MediaType.APPLICATION_JSON));
                    }
                } catch (IOException | IllegalStateException e) {
                    // the client went away, or was closed as slow
                    synchronized (this) {
                        writing = false;
                    }
                    close();
                    return;
                }
            }
        }

        /** Ends the subscription; its place is given back once no write to it is in progress. */
        void close() {
            if (closed.compareAndSet(false, true)) {
                subscribers.remove(this);
                writer.release();
                AccessRechecks.Watch watch = access;
                if (watch != null) {
                    watch.cancel();
                }
                ScheduledFuture<?> beat = heartbeat;
                if (beat != null) {
                    beat.cancel(false);
                }
            }
            boolean free;
            synchronized (this) {
                queued.clear();
                free = !writing;
            }
            if (free) {
                releasePlace();
            }
        }

        private void releasePlace() {
            slot.release();
        }
    }

    /** A subscription beyond {@code max-event-streams}, or its user's share of them: 503. */
    static final class TooManySubscribersException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManySubscribersException(String message) {
            super(message);
        }
    }

    /** A subscription without the user's token: 403. */
    static final class ForbiddenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForbiddenException(String message) {
            super(message);
        }
    }
}
