package io.cameliotmp.api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.cameliotmp.camel.IotmpConstants;
import io.cameliotmp.server.IotmpRequestException;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP client's stream of a device resource: a Camel consumer of the iotmp stream endpoint, opened for this client
 * and stopped when it goes away, writes every sample to a {@link Client}: a Server-Sent Events response
 * ({@link DeviceStreamController}) or a WebSocket ({@link DeviceStreamSocket}), which only differ in how an event is
 * written.
 * <p>
 * Samples arrive on the IOTMP server's thread for the device, shared with every other route using that device, while
 * writing to a slow HTTP client blocks. So samples are queued (at most {@value #MAX_QUEUED}; beyond that the oldest is
 * dropped, a chart wants the latest) and handed to the client one at a time, in order, by a writer thread; the next
 * once the client tells that the previous one is written. How a client that does not read is kept from holding
 * other clients' writers, and closed, is the transport's: {@link EventStreamWriters} for Server-Sent Events,
 * {@link SessionOutbound} for WebSocket. A stream stays in its open set and keeps its place ({@link UserSlots.Slot},
 * counted against its bounds) until the write in progress, if any, has returned.
 * <p>
 * Events: {@code sample} with {@code {"ts": epochMillis, "device": id, "value": output}}, and {@code failed} with an
 * {@link ApiError} body, after which the stream ends, whenever there is no stream to wait for:
 * <ul>
 * <li>the device refuses it (ERROR, or no answer within the request timeout), now or on an earlier request of this
 * connection ({@link StreamRefusals});</li>
 * <li>the device is not connected when the client asks;</li>
 * <li>the device disconnected and did not come back within {@code camel.iotmp.api.stream-reconnect-wait} (if it comes
 * back in time, its samples resume).</li>
 * </ul>
 * A comment is sent every {@link #HEARTBEAT} so that a client that went away is noticed even when the device is
 * silent.
 */
final class DeviceSampleStream implements Processor, ExceptionHandler {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final int MAX_QUEUED = 100;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSampleStream.class);

    private final String name;
    private final StreamRefusals.Key key;
    private final Client client;
    private final ScheduledExecutorService ticker;
    private final Executor writer;
    private final Set<DeviceSampleStream> openStreams;
    private final UserSlots.Slot slot;
    private final StreamRefusals refusals;
    private final Duration reconnectWait;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StreamRefusals.Watcher refusalWatcher = this::fail;

    /**
     * Guarded by {@code this}: events waiting to be written; whether one is being written (handed to the client, not
     * yet written); how many writer threads are inside the client's send (a blocking client tells that it has
     * written before its send has returned, and the next send may begin meanwhile).
     */
    private final Deque<Event> queued = new ArrayDeque<>();
    private boolean writing;
    private int sending;
    private boolean completeWhenWritten;
    private boolean failed;
    private long dropped;
    /** When the device was first seen disconnected since it was last seen connected; 0 while connected. */
    private long disconnectedSince;

    private volatile Consumer consumer;
    private volatile ScheduledFuture<?> heartbeat;
    private volatile ScheduledFuture<?> deviceCheck;
    /** Run once as the stream closes: what watches it from outside lets go of it. */
    private volatile Runnable onClose;

    /**
     * @param key           the device resource streamed
     * @param ticker        where the heartbeats and device checks run; they only queue
     * @param writer        where the events are handed to the client
     * @param openStreams   where the stream registers while it is open, so the application can end it when it stops
     * @param slot          its place among the streams, given back when it leaves {@code openStreams}
     * @param refusals      where refusals of the device stream are told and recorded
     * @param reconnectWait how long to wait for the device after it disconnected
     */
    DeviceSampleStream(String name, StreamRefusals.Key key, Client client, ScheduledExecutorService ticker,
                       Executor writer, Set<DeviceSampleStream> openStreams, UserSlots.Slot slot,
                       StreamRefusals refusals, Duration reconnectWait) {
        this.name = name;
        this.key = key;
        this.client = client;
        this.ticker = ticker;
        this.writer = writer;
        this.openStreams = openStreams;
        this.slot = slot;
        this.refusals = refusals;
        this.reconnectWait = reconnectWait;
        openStreams.add(this);
    }

    /**
     * Opens the device stream: samples flow from now on until the client leaves or {@link #close()}; or, when there is
     * nothing to wait for (the device is not connected, or refused this stream already), a {@code failed} event.
     */
    void open(Endpoint streamEndpoint) throws Exception {
        String connection = refusals.connection(key.user(), key.device());
        if (connection == null) {
            fail(new ApiError(404, "device " + key.user() + "/" + key.device() + " is not connected"));
            return;
        }
        ApiError refusedEarlier = refusals.watch(key, connection, refusalWatcher);
        if (refusedEarlier != null) {
            fail(refusedEarlier);
            return;
        }
        consumer = streamEndpoint.createConsumer(this);
        if (consumer instanceof DefaultConsumer defaultConsumer) {
            // a refused stream is reported to the consumer's exception handler: tell the client instead of logging it
            defaultConsumer.setExceptionHandler(this);
        }
        try {
            ServiceHelper.startService(consumer);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        long every = HEARTBEAT.toMillis();
        heartbeat = ticker.scheduleWithFixedDelay(() -> enqueue(Event.KEEP_ALIVE), every, every,
                TimeUnit.MILLISECONDS);
        long checkEvery = checkPeriod(reconnectWait).toMillis();
        deviceCheck = ticker.scheduleWithFixedDelay(this::checkDevice, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
        if (closed.get()) {
            // the client left while the stream was being opened: close() may have run before the consumer was set,
            // and a consumer left running keeps the device stream (stopping it twice is harmless)
            heartbeat.cancel(false);
            deviceCheck.cancel(false);
            ServiceHelper.stopAndShutdownService(consumer);
        }
    }

    /** Runs {@code action} as the stream closes, at once if it has closed already (then maybe twice: idempotent). */
    void onClose(Runnable action) {
        onClose = action;
        if (closed.get()) {
            // closed while the action was being set: close() may have read the field before it
            action.run();
        }
    }

    /** How often to look whether the device is still connected: often enough to keep to the wait, at most 1/s. */
    static Duration checkPeriod(Duration reconnectWait) {
        Duration half = reconnectWait.dividedBy(2);
        if (half.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return half.compareTo(HEARTBEAT) > 0 ? HEARTBEAT : half;
    }

    /**
     * While the device is away the subscription stays, and the server opens the stream again when it reconnects; but
     * past the wait there is nothing left to wait for.
     */
    private void checkDevice() {
        try {
            boolean connected = refusals.connection(key.user(), key.device()) != null;
            long now = System.nanoTime();
            long away;
            synchronized (this) {
                if (connected) {
                    disconnectedSince = 0;
                    return;
                }
                if (disconnectedSince == 0) {
                    disconnectedSince = now;
                }
                away = now - disconnectedSince;
            }
            if (away >= reconnectWait.toNanos()) {
                fail(new ApiError(404, "device " + key.user() + "/" + key.device() + " disconnected and did not come"
                                       + " back within " + reconnectWait.toSeconds() + " s"));
            }
        } catch (RuntimeException e) {
            // the application is stopping (Camel first): the stream ends with it
            LOG.debug("{}: device check failed: {}", name, e.toString());
        }
    }

    /** A sample of the device stream: called by the consumer on the device's server thread; only queues it. */
    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("ts", message.getHeader(IotmpConstants.TIMESTAMP, Long.class));
        sample.put("device", message.getHeader(IotmpConstants.DEVICE, String.class));
        sample.put("value", message.getBody());
        enqueue(new Event("sample", sample));
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    /** The device refused the stream: this client and every other one watching the resource are told. */
    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.debug("{}: {}", name, message, exception);
        ApiError error = ApiError.of(exception);
        fail(error);
        if (exception instanceof IotmpRequestException) {
            refusals.refused(key, error, false);
        }
    }

    /** Ends the stream with a {@code failed} event carrying {@code error}, once the events before it are written. */
    void fail(ApiError error) {
        synchronized (this) {
            if (failed) {
                return;
            }
            failed = true;
            completeWhenWritten = true;
        }
        LOG.debug("{}: failed: {}", name, error.message());
        enqueue(new Event("failed", error.body()));
    }

    private void enqueue(Event event) {
        synchronized (this) {
            if (closed.get()) {
                return;
            }
            if (queued.size() == MAX_QUEUED) {
                queued.removeFirst();
                if (dropped++ == 0) {
                    // DEBUG: a client that reads nothing would otherwise write a line above DEBUG per stream it opens
                    LOG.debug("{}: the client does not keep up, dropping its oldest samples", name);
                }
            }
            queued.addLast(event);
            if (writing) {
                return;
            }
            writing = true;
        }
        writeNext();
    }

    /** Hands the next queued event to the client, on a writer thread; the client tells when it is written. */
    private void writeNext() {
        try {
            writer.execute(this::handNext);
        } catch (RejectedExecutionException e) {
            // the application stops
            close();
        }
    }

    private void handNext() {
        Event next;
        boolean complete;
        synchronized (this) {
            next = closed.get() ? null : queued.pollFirst();
            complete = next == null && completeWhenWritten && !closed.get();
            if (next == null) {
                writing = false;
            } else {
                sending++;
            }
        }
        if (next == null) {
            if (complete) {
                client.complete();
                close();
            }
            return;
        }
        try {
            if (next == Event.KEEP_ALIVE) {
                client.keepAlive(this::written);
            } else {
                client.send(next.name(), next.data(), this::written);
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away (or the response is already complete, or was closed as slow): nothing more
            LOG.debug("{}: client gone: {}", name, e.toString());
            client.abort(e);
            close();
        } finally {
            boolean release;
            synchronized (this) {
                release = --sending == 0 && closed.get();
            }
            if (release) {
                // closed while the write blocked: its place is free only now
                leave();
            }
        }
    }

    /** The client wrote the event handed to it: the next one, if any. */
    private void written() {
        if (!closed.get()) {
            writeNext();
        }
    }

    /** Stops the device stream for this client; idempotent. Does not complete the HTTP response. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Runnable then = onClose;
        if (then != null) {
            then.run();
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (deviceCheck != null) {
            deviceCheck.cancel(false);
        }
        if (consumer != null) {
            ServiceHelper.stopAndShutdownService(consumer);
        }
        // after the consumer: a client that subscribes once this one has gone must not share its refused stream
        refusals.unwatch(key, refusalWatcher);
        boolean release;
        synchronized (this) {
            queued.clear();
            release = sending == 0;
        }
        if (release) {
            leave();
        }
        LOG.debug("{}: closed", name);
    }

    /** No longer open: out of the open set, its place given back (once, whoever comes here first). */
    private void leave() {
        openStreams.remove(this);
        slot.release();
    }

    /** Ends the stream from the server side (the application stops): completes the response, then closes. */
    void end() {
        client.complete();
        close();
    }

    /** How many samples wait to be written; for tests. */
    synchronized int queued() {
        return queued.size();
    }

    @Override
    public String toString() {
        return name;
    }

    /** An event to write: {@code sample} or {@code failed} with its JSON data, or the keep-alive. */
    private record Event(String name, Object data) {
        static final Event KEEP_ALIVE = new Event(null, null);
    }

    /**
     * Where the events are written, one at a time and in order: the transport of the stream. A write calls
     * {@code written} once it is done: before it returns when it blocks, later when it does not; never when it failed
     * (then it throws, or the transport ends the stream itself).
     */
    interface Client {

        /** Writes an event, {@code sample} or {@code failed}, with its data as JSON. */
        void send(String event, Object data, Runnable written) throws IOException;

        /** Writes something the client ignores, so that a client that went away is noticed. */
        void keepAlive(Runnable written) throws IOException;

        /** Ends the stream after its last event. */
        void complete();

        /** Ends the stream after a write failed. */
        void abort(Exception failure);
    }
}
