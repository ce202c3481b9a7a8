package io.cameliotmp.api;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The writers of a kind of Server-Sent Events responses ({@link DeviceStreamController}'s resource streams,
 * {@link DeviceEvents}' subscriptions): their threads, the write timeout of their connections, and a watchdog that
 * closes a client whose write takes longer than {@code camel.iotmp.api.stream-send-timeout}.
 * <p>
 * Why threads, and how many: {@link SseEmitter#send} blocks its thread until the web server has handed the bytes to
 * the client's connection; the emitter has no non-blocking mode, and writing the events by hand on the servlet's
 * non-blocking output would duplicate it. So each client is written by a thread of a pool that grows as needed, and by
 * at most one at a time (its events wait in its own bounded queue meanwhile): a client that stops reading holds one
 * thread, its own, and no other client waits behind it. The threads are bounded by the clients, which are bounded by
 * {@code max-sse-streams} (or {@code max-event-streams}); a client closed as slow keeps its place until its write has
 * returned, so that the bound holds for the threads too. Idle threads end after a minute.
 * <p>
 * How long a client that stops reading holds its thread: a blocked write cannot be interrupted, and the emitter's
 * completion waits for it (its write lock). So the response's connection gets {@code stream-send-timeout} as its write
 * timeout when the stream starts ({@link ConnectionWriteTimeout}, through {@link AddressBoundedNioProtocol}): the
 * blocked write fails after it, the thread is free and the connection closed. Without that connector (an application
 * that installs its own, warned at startup) the write lasts until Tomcat's own write timeout (its connection timeout,
 * 60 s unless set). Either way the watchdog tells a client whose write has taken longer than the timeout
 * {@code onSlow} (its stream stops: no more device samples, nothing more queued), and such a client is counted once
 * ({@link #slowClosed()}, metrics {@code iotmp.api.sse.streams.slow.closed},
 * {@code iotmp.api.event.streams.slow.closed}), whether the watchdog or the write's own failure notices it first.
 */
final class EventStreamWriters {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreamWriters.class);

    private final long timeLimitNanos;
    /** Write the events: at most one thread per client at a time. */
    private final ExecutorService threads;
    /** Heartbeats, device checks and the watchdog: only queue or close, never write. */
    private final ScheduledThreadPoolExecutor ticker;
    private final Set<Writer> writers = ConcurrentHashMap.newKeySet();
    private final AtomicLong slowClosed = new AtomicLong();

    /**
     * @param name     the prefix of the threads' names
     * @param sendTime how long one write to a client may take ({@code camel.iotmp.api.stream-send-timeout})
     */
    EventStreamWriters(String name, Duration sendTime) {
        this.timeLimitNanos = sendTime.toNanos();
        this.threads = Executors.newCachedThreadPool(new CustomizableThreadFactory(name + "-writer-"));
        this.ticker = new ScheduledThreadPoolExecutor(1, new CustomizableThreadFactory(name + "-ticker-"));
        // each stream cancels its heartbeat (and device check) as it closes: a cancelled task left in the queue until
        // it was due (up to 15 s) held the stream and its response, however many streams a client opened meanwhile
        ticker.setRemoveOnCancelPolicy(true);
        SessionOutbound.scheduleStallChecks(ticker, sendTime, this::checkStalled);
    }

    /** Where the writes run. */
    ExecutorService threads() {
        return threads;
    }

    /** Where heartbeats and checks are scheduled; what runs there must not write to a client. */
    ScheduledExecutorService ticker() {
        return ticker;
    }

    /** Timers in the ticker's queue: the periodic check and the open streams' own; for tests. */
    int timersScheduled() {
        return SessionOutbound.timersQueued(ticker);
    }

    /** How many clients were closed because a write to them took longer than the send timeout. */
    long slowClosed() {
        return slowClosed.get();
    }

    /**
     * A writer of {@code emitter}, watched until {@link Writer#release()}. Called on the thread that handles the
     * request, whose connection gets the send timeout as its write timeout from the first write until the response
     * completes.
     *
     * @param onSlow what to do when a write has taken too long: stop what feeds the client (called once, on the
     *               ticker thread, while the write still blocks)
     */
    Writer writer(String name, SseEmitter emitter, Runnable onSlow) {
        ConnectionWriteTimeout writeTimeout = ConnectionWriteTimeout.ofThisRequest(Duration.ofNanos(timeLimitNanos));
        if (writeTimeout != null) {
            // the connection may serve further requests once this response is complete
            emitter.onCompletion(writeTimeout::restore);
        }
        Writer writer = new Writer(name, emitter, writeTimeout, onSlow, RequestThreadReturn.ofThisThread());
        writers.add(writer);
        return writer;
    }

    private void checkStalled() {
        long now = System.nanoTime();
        for (Writer writer : writers) {
            if (writer.stalled(now)) {
                countSlow(writer);
                try {
                    writer.onSlow.run();
                } catch (RuntimeException e) {
                    LOG.debug("{}: closing failed: {}", writer.name, e.toString());
                }
            }
        }
    }

    private void countSlow(Writer writer) {
        slowClosed.incrementAndGet();
        LOG.debug("{}: the client does not read (a write took more than {} ms), closing it", writer.name,
                timeLimitNanos / 1_000_000);
    }

    /** Ends the threads (the application stops); blocked writes are interrupted, as far as they let themselves be. */
    void shutdown() {
        ticker.shutdownNow();
        threads.shutdownNow();
    }

    /** Writes to one client, timed; its writes must not overlap (one thread at a time, in order). */
    final class Writer {

        private final String name;
        private final SseEmitter emitter;
        /** The connection's write timeout, null when the connection cannot be reached. */
        private final ConnectionWriteTimeout writeTimeout;
        private final Runnable onSlow;
        /** The request's thread returning the request to Tomcat ({@link #awaitRequestThread}). */
        private final RequestThreadReturn requestThread;
        /** Guarded by {@code this}: when the write in progress started (0: none), and whether it was too slow. */
        private long writeStarted;
        private boolean slow;

        private Writer(String name, SseEmitter emitter, ConnectionWriteTimeout writeTimeout, Runnable onSlow,
                       RequestThreadReturn requestThread) {
            this.name = name;
            this.emitter = emitter;
            this.writeTimeout = writeTimeout;
            this.onSlow = onSlow;
            this.requestThread = requestThread;
        }

        /**
         * Writes an event; blocks while the client does not read.
         *
         * @throws IOException when the client went away, did not read for the send timeout (the connection's write
         *                     timeout: the connection is closed), or was closed as slow meanwhile (the response is
         *                     then completed)
         */
        void send(SseEmitter.SseEventBuilder event) throws IOException {
            awaitRequestThread();
            synchronized (this) {
                if (slow) {
                    throw new IOException("closed: the client did not read");
                }
                // never 0, which means no write
                writeStarted = System.nanoTime() | 1;
            }
            if (writeTimeout != null) {
                writeTimeout.apply();
            }
            try {
                emitter.send(event);
            } catch (IOException failed) {
                if (timedOut(failed)) {
                    countSlow(this);
                }
                throw failed;
            } finally {
                synchronized (this) {
                    writeStarted = 0;
                }
            }
            boolean closedMeanwhile;
            synchronized (this) {
                closedMeanwhile = slow;
            }
            if (closedMeanwhile) {
                emitter.complete();
                throw new IOException("closed: the client did not read for more than "
                                      + timeLimitNanos / 1_000_000 + " ms");
            }
        }

        /**
         * Waits, on a writer thread, until the request's thread has returned the request to Tomcat (moments after the
         * stream starts; at most the send timeout). A write that fails (a client gone) while that thread is still in
         * Tomcat races Tomcat's handling of the request there: the connection is closed as that thread returns and
         * the request, still asynchronous, is recycled by force, with an INFO line and a stack trace each time. After
         * it, the failure takes Tomcat's async error dispatch. What the request's thread sends itself (before the
         * stream starts, so the emitter keeps it and writes it there as the stream starts) does not wait.
         */
        private void awaitRequestThread() throws IOException {
            if (!requestThread.pending()) {
                return;
            }
            try {
                if (!requestThread.await(timeLimitNanos)) {
                    LOG.debug("{}: the request's thread is still busy with it; writing anyway", name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the stream started", e);
            }
        }

        /**
         * Whether the write in progress failed because the client did not read: the connection's write timeout (the
         * send timeout) ended it, or it took longer than that anyway; true once, then the writer counts as slow.
         */
        private synchronized boolean timedOut(IOException failed) {
            if (slow) {
                return false;
            }
            boolean timeout = System.nanoTime() - writeStarted > timeLimitNanos;
            for (Throwable cause = failed; cause != null && !timeout; cause = cause.getCause()) {
                timeout = cause instanceof SocketTimeoutException;
            }
            slow = timeout;
            return timeout;
        }

        /** Whether the write in progress is older than the limit; true once, then the writer counts as slow. */
        private synchronized boolean stalled(long now) {
            if (slow || writeStarted == 0 || now - writeStarted <= timeLimitNanos) {
                return false;
            }
            slow = true;
            return true;
        }

        /**
         * Whether a write is in progress: then completing the emitter would wait for it (the application stops, and
         * leaves such a response to the web server).
         */
        synchronized boolean busy() {
            return writeStarted != 0;
        }

        /** No more watched: the client is gone. */
        void release() {
            writers.remove(this);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
