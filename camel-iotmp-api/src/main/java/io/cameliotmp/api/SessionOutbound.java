package io.cameliotmp.api;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * What goes to a byte session's client, queued and written asynchronously. The device's output is delivered on the
 * IOTMP server's shared worker threads, which must never wait for a client: {@link #send} only queues, a sender
 * thread starts the write and the web server's non-blocking write completes it, whatever the client does. A client
 * that does not keep up is closed (1008): more than {@code maxBytes} waiting (each message charged
 * {@value #MESSAGE_OVERHEAD} bytes besides its payload), or one write older than
 * {@code timeLimitNanos} (noticed by {@link #checkStalled}). Closes, which may wait for a write in progress, run on
 * a closer thread of their own, and so do pings, which the web server sends only blocking (bounded by the time limit).
 * <p>
 * A client is also closed (1001) when nothing has come from it for the idle timeout ({@link #checkSilent}): it is
 * pinged once a third of that has passed in silence, and a client that is there answers with a pong, browsers
 * included, whatever their user does. Without it a client that went away without a word (its network gone, a
 * half-open connection) or that sends nothing ever (or the start of a message it never finishes) kept its place,
 * its connection and, for a byte session, the device's shell for ever: the server writes nothing to an idle
 * terminal, so nothing ever failed.
 * <p>
 * Whenever what the sender queued has all been written, {@code idle} is told (not after the outbound's own pings):
 * a sender that hands one message at a time (the resource streams, {@link DeviceStreamSocket}) thus keeps its own
 * bounded queue and never lets messages pile up here.
 */
final class SessionOutbound {

    /**
     * What a message waiting costs on the heap besides its payload (the message, its buffer, its place in a queue),
     * about; it is charged with the payload against the byte bounds, so that a peer sending empty or one-byte messages
     * (a few bytes each on the wire) cannot make any number of them wait within a bound counted in payload bytes.
     */
    static final int MESSAGE_OVERHEAD = 128;

    private static final Logger LOG = LoggerFactory.getLogger(SessionOutbound.class);
    /** Tomcat's bound on a blocking send of this session: here only close frames (1000) and pings are sent so. */
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /**
     * Tomcat's bound on sending a close frame with any other code (1008, 1013, …), by default 50 ms from the close
     * call: past it Tomcat drops the connection without the frame and the client sees 1006 (closed abnormally). A
     * thread descheduled that long on a loaded machine thus lost the close code of a client that reads.
     */
    private static final String ABNORMAL_CLOSE_SEND_TIMEOUT =
            "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

    private final String name;
    private final WebSocketSession socket;
    /** The web server's non-blocking sender; null for a session that has none (then sends block a sender thread). */
    private final RemoteEndpoint.Async async;
    private final long maxBytes;
    private final long timeLimitNanos;
    private final Executor sender;
    private final Executor closer;
    private final Runnable slowClosed;
    private final Runnable idle;
    /** Guarded by {@code this}: messages (and a final close) waiting, their bytes and the one being written. */
    private final Deque<Object> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean writing;
    private long writeStarted;
    private boolean closed;
    /**
     * Whether this outbound closed the client itself (slow, idle, at the end), counted by whoever closed it; not set
     * when the client was closed by the web server or left ({@link #discard}).
     */
    private boolean closedHere;
    /**
     * Whether the sender has queued a message since {@code idle} was last told: the outbound's own pings are no
     * sender's, and telling it that they are written would hand it its next message while its current one may not be
     * queued yet, so that the next overtook it.
     */
    private boolean sentSinceIdle;
    /** When something last came from the client (a message, a pong), by {@link System#nanoTime()}. */
    private volatile long lastHeard = System.nanoTime();
    /** Whether the client was pinged since it was last heard from. */
    private volatile boolean pinged;

    SessionOutbound(String name, WebSocketSession socket, long maxBytes, long timeLimitNanos, Executor sender,
                    Executor closer, Runnable slowClosed, Runnable idle) {
        this.name = name;
        this.socket = socket;
        this.maxBytes = maxBytes;
        this.timeLimitNanos = timeLimitNanos;
        this.sender = sender;
        this.closer = closer;
        this.slowClosed = slowClosed;
        this.idle = idle;
        jakarta.websocket.Session standard = boundBlockingSends(socket, timeLimitNanos);
        this.async = standard == null ? null : standard.getAsyncRemote();
    }

    /**
     * Bounds the web server's blocking sends on {@code socket} (close frames whatever their code, pings) by
     * {@code timeLimitNanos}, so that a close reaches a client that reads however loaded the machine is, and waits
     * no longer than a write may for one that does not; for a socket closed before it gets a {@code SessionOutbound}
     * too. Returns the web server's session, null for a socket that has none.
     */
    static jakarta.websocket.Session boundBlockingSends(WebSocketSession socket, long timeLimitNanos) {
        jakarta.websocket.Session standard = socket instanceof NativeWebSocketSession n
                ? n.getNativeSession(jakarta.websocket.Session.class) : null;
        if (standard != null) {
            // Tomcat takes Longs in milliseconds only
            Long millis = Math.max(1, timeLimitNanos / 1_000_000);
            standard.getUserProperties().put(BLOCKING_SEND_TIMEOUT, millis);
            standard.getUserProperties().put(ABNORMAL_CLOSE_SEND_TIMEOUT, millis);
        }
        return standard;
    }

    /** Queues a message for the client; never blocks. Beyond {@code maxBytes} waiting the client is closed. */
    void send(WebSocketMessage<?> message) {
        queue(message, true);
    }

    /** Queues a message: the sender's ({@code senders}), or the outbound's own ping. */
    private void queue(WebSocketMessage<?> message, boolean senders) {
        boolean start = false;
        boolean overflow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queuedBytes + cost(message) > maxBytes) {
                overflow = true;
            } else {
                queue.addLast(message);
                queuedBytes += cost(message);
                sentSinceIdle |= senders;
                start = !writing;
                writing = true;
            }
        }
        if (overflow) {
            closeSlow("the client does not read fast enough (more than " + maxBytes + " bytes wait)");
        } else if (start) {
            schedule();
        }
    }

    /** Closes after what is queued has been written (still bounded by the limits). */
    void closeAfterQueued(CloseStatus status) {
        boolean start;
        synchronized (this) {
            if (closed) {
                return;
            }
            queue.addLast(status);
            start = !writing;
            writing = true;
        }
        if (start) {
            schedule();
        }
    }

    /**
     * Closes now, dropping what waits; the close itself runs on a closer thread. Returns false when the client was
     * closed already.
     */
    boolean close(CloseStatus status) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closedHere = true;
            discardQueued();
        }
        try {
            closer.execute(() -> {
                try {
                    socket.close(status);
                } catch (IOException | RuntimeException e) {
                    LOG.debug("{}: closing failed: {}", name, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: not closed, the application stops", name);
        }
        return true;
    }

    /**
     * The web server reports a failure of the connection. One that is a blocking send timing out is a client that
     * reads nothing: Tomcat answers each ping with a pong sent blocking on the connection's own thread, so a client
     * that pings and never reads holds that thread until the send times out (the time limit, set as the session's
     * blocking send timeout), and Tomcat then closes the connection. It is counted as slow, once, unless this outbound
     * had closed the client itself (and counted it so) before. Called after or before the client is {@link #discard
     * discarded}: Tomcat closes first, then reports.
     */
    void transportFailed(Throwable failure) {
        if (!timedOut(failure)) {
            return;
        }
        synchronized (this) {
            if (closedHere) {
                return;
            }
            closedHere = true;
            discardQueued();
        }
        LOG.debug("{}: the client does not read (a blocking send, such as the pong to its ping, took more than {}"
                  + " ms)", name, timeLimitNanos / 1_000_000);
        slowClosed.run();
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The client has gone: nothing more is written. */
    synchronized void discard() {
        discardQueued();
    }

    private void discardQueued() {
        closed = true;
        queue.clear();
        queuedBytes = 0;
    }

    /**
     * Runs {@code check} on {@code executor} often enough that a client whose write has taken longer than
     * {@code sendTimeout} is closed soon after (every quarter of the timeout, from 10 ms to 1 s): the byte sessions'
     * and the streams' clients are watched so.
     */
    static void scheduleStallChecks(ScheduledExecutorService executor, Duration sendTimeout, Runnable check) {
        long period = Math.max(10, Math.min(1000, sendTimeout.toMillis() / 4));
        executor.scheduleWithFixedDelay(check, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * The periodic tasks in {@code executor}'s queue, cancelled ones included (its own tasks of one run, such as the
     * writes started, come and go); for tests.
     */
    static int timersQueued(ScheduledThreadPoolExecutor executor) {
        return (int) executor.getQueue().stream()
                .filter(task -> task instanceof RunnableScheduledFuture<?> timer && timer.isPeriodic()).count();
    }

    /** Something came from the client (a whole message, or a pong): it is there. */
    void heard() {
        lastHeard = System.nanoTime();
        pinged = false;
    }

    /**
     * Pings the client once nothing has come from it for a third of {@code silenceNanos}, closes it (1001) once
     * nothing has for the whole; called periodically. Only whole messages and pongs count ({@link #heard}): a client
     * that sends the start of a message and never its end is silent. Returns whether it closed the client now.
     */
    boolean checkSilent(long nanoTime, long silenceNanos) {
        long silent = nanoTime - lastHeard;
        if (silent > silenceNanos) {
            String reason = "nothing came from the client for " + silenceNanos / 1_000_000 + " ms";
            boolean closing = close(CloseStatus.GOING_AWAY.withReason(reason));
            if (closing) {
                LOG.debug("{}: {}", name, reason);
            }
            return closing;
        }
        if (silent > silenceNanos / 3 && !pinged) {
            pinged = true;
            queue(new PingMessage(), false);
        }
        return false;
    }

    /** Closes the client when its current write has taken longer than the limit; called periodically. */
    void checkStalled(long nanoTime) {
        synchronized (this) {
            if (closed || !writing || writeStarted == 0 || nanoTime - writeStarted <= timeLimitNanos) {
                return;
            }
        }
        closeSlow("the client does not read (a send took more than " + timeLimitNanos / 1_000_000 + " ms)");
    }

    /**
     * Closes the client as slow and counts it, only if this call closed it: the overflow (on the thread that queues)
     * and the stalled write (on the checking thread) may be noticed at once, or the client may leave or be closed as
     * idle meanwhile, and each client closed is counted once, by whoever closed it.
     */
    private void closeSlow(String reason) {
        if (close(CloseStatus.POLICY_VIOLATION.withReason(reason))) {
            LOG.debug("{}: {}", name, reason);
            slowClosed.run();
        }
    }

    private void schedule() {
        try {
            sender.execute(this::writeNext);
        } catch (RejectedExecutionException e) {
            close(CloseStatus.GOING_AWAY);
        }
    }

    /** Starts writing the next message; its completion schedules the one after (never recursively). */
    private void writeNext() {
        Object next;
        boolean drained;
        synchronized (this) {
            next = closed ? null : queue.pollFirst();
            writeStarted = next instanceof WebSocketMessage<?> ? System.nanoTime() : 0;
            if (!(next instanceof WebSocketMessage<?>)) {
                writing = false;
            }
            drained = next == null && !closed && sentSinceIdle;
            if (drained) {
                sentSinceIdle = false;
            }
        }
        if (drained) {
            idle.run();
        } else if (next instanceof CloseStatus status) {
            close(status);
        } else if (next instanceof WebSocketMessage<?> message) {
            try {
                write(message);
            } catch (IOException | RuntimeException e) {
                written(message, e);
            }
        }
    }

    private void write(WebSocketMessage<?> message) throws IOException {
        if (async == null) {
            socket.sendMessage(message);
            written(message, null);
        } else if (message instanceof BinaryMessage binary) {
            async.sendBinary(binary.getPayload().duplicate(), result -> written(message, failure(result)));
        } else if (message instanceof TextMessage text) {
            async.sendText(text.getPayload(), result -> written(message, failure(result)));
        } else {
            // a ping: the web server has no non-blocking send of it, so it may wait (at most the time limit, set as
            // the session's blocking send timeout) on a closer thread, never on a sender thread
            closer.execute(() -> {
                try {
                    socket.sendMessage(message);
                    written(message, null);
                } catch (IOException | RuntimeException e) {
                    written(message, e);
                }
            });
        }
    }

    /** What {@code message} is charged while it waits: its payload and {@link #MESSAGE_OVERHEAD}. */
    private static long cost(WebSocketMessage<?> message) {
        return (long) message.getPayloadLength() + MESSAGE_OVERHEAD;
    }

    private static Throwable failure(SendResult result) {
        return result.isOK() ? null : result.getException();
    }

    private void written(WebSocketMessage<?> message, Throwable failure) {
        synchronized (this) {
            queuedBytes = Math.max(0, queuedBytes - cost(message));
            writeStarted = 0;
        }
        if (failure != null) {
            // a client that left, or one the web server gave up on
            LOG.debug("{}: sending to the client failed: {}", name, failure.toString());
            close(CloseStatus.SESSION_NOT_RELIABLE);
            return;
        }
        // on a sender thread, as the web server may call back on the thread that started the write
        schedule();
    }

}
