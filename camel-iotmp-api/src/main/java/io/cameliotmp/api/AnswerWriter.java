package io.cameliotmp.api;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/**
 * Sends the device API's answers with Servlet non-blocking I/O: a client that reads slowly, or not at all, holds the
 * answer's bytes (already in memory, see {@link BufferedAnswer}) but no thread. The container calls back when the
 * client has taken some, on its own threads, which never wait. A client that takes nothing for
 * {@code camel.iotmp.api.answer-write-timeout} loses its connection, counted in {@link #slowClientsClosed()}: the
 * container's own write timeout is its connection timeout, which also bounds other things, and closes nothing it
 * could count.
 * <p>
 * The answers held so are bounded in bytes ({@code camel.iotmp.api.answer-send-buffer}): {@link #send} refuses one
 * that would go beyond, and its caller writes it with blocking writes instead, on a thread of a bounded pool. So slow
 * clients cost either memory up to the bound or threads up to the pool's size, never more of both.
 * <p>
 * Closing the connection has no Servlet API; the container's hook for it is a request attribute,
 * {@link #CLOSE_CONNECTION} ({@link TomcatConnectionCloser} on Tomcat). Without it, the answer is given up and the
 * container's own timeout closes the connection.
 */
final class AnswerWriter implements AutoCloseable {

    /**
     * The request attribute of a {@code Consumer<Throwable>} that makes the container close the connection now, with
     * that failure, and end the request (Spring MVC then ends the call, which gives its answer up).
     */
    static final String CLOSE_CONNECTION = AnswerWriter.class.getName() + ".closeConnection";

    private static final Logger LOG = LoggerFactory.getLogger(AnswerWriter.class);

    /** How much is handed to the container at a time: it copies what the socket does not take at once. */
    private static final int CHUNK_SIZE = 16 * 1024;

    private final Duration timeout;
    private final ScheduledThreadPoolExecutor idleChecks;
    private final AtomicLong slowClientsClosed = new AtomicLong();
    private final AtomicInteger sending = new AtomicInteger();
    private final long maxBytes;
    /** The bytes of the answers being sent, at most {@link #maxBytes} (unless one answer alone is larger). */
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param timeout  how long a client may take nothing of its answer ({@code answer-write-timeout})
     * @param maxBytes the most bytes of answers held for their clients at once ({@code answer-send-buffer})
     */
    AnswerWriter(Duration timeout, long maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        ScheduledThreadPoolExecutor checks = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "iotmp-api-answer-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // most answers end long before their check: cancelled checks leave the queue at once
        checks.setRemoveOnCancelPolicy(true);
        this.idleChecks = checks;
    }

    /** How many answers are being sent: each holds its bytes until its client has taken them, or is closed. */
    int sending() {
        return sending.get();
    }

    /** The bytes of the answers being sent, held until their clients have taken them. */
    long bytes() {
        return bytes.get();
    }

    /**
     * The timers held: an idle check per answer being sent, and the fallbacks of failed answers
     * ({@link #afterTimeout}); each holds its answer, or its call, until it runs or is cancelled.
     */
    int timers() {
        return idleChecks.getQueue().size();
    }

    /** How many answers went beyond {@code answer-send-buffer}, and were written with blocking writes instead. */
    long refused() {
        return refused.get();
    }

    /** How many clients were closed because they read nothing of their answer for the timeout. */
    long slowClientsClosed() {
        return slowClientsClosed.get();
    }

    /**
     * Starts sending {@code body} (the length is set here) on a request in asynchronous mode; returns at once, null
     * without sending anything if the body does not fit in {@code answer-send-buffer} now (the caller writes it
     * itself). {@code done} gets null once the last byte is handed to the container, or the failure; once either way.
     * After a failure the container ends the request itself (Tomcat reports it to the request's async listeners right
     * after the write listener, and Spring MVC then ends it).
     */
    Sending send(HttpServletRequest request, HttpServletResponse response, byte[] body, String name,
                 Consumer<Throwable> done) throws IOException {
        // first: Spring MVC's response refuses it once the request is over, before anything is set on it
        ServletOutputStream out = response.getOutputStream();
        if (!reserve(body.length)) {
            refused.incrementAndGet();
            return null;
        }
        response.setContentLengthLong(body.length);
        Object closer = request.getAttribute(CLOSE_CONNECTION);
        @SuppressWarnings("unchecked")
        Sending answer = new Sending(name, out, body, done,
                closer instanceof Consumer<?> close ? (Consumer<Throwable>) close : null);
        sending.incrementAndGet();
        try {
            answer.nextCheck(timeout.toNanos());
            out.setWriteListener(answer);
        } catch (RuntimeException e) {
            answer.end();
            throw e;
        }
        return answer;
    }

    /** Takes {@code length} bytes of the buffer, if they fit (or if nothing else is held). */
    private boolean reserve(long length) {
        while (true) {
            long held = bytes.get();
            if (held > 0 && held + length > maxBytes) {
                return false;
            }
            if (bytes.compareAndSet(held, held + length)) {
                return true;
            }
        }
    }

    /**
     * Runs {@code task} once {@code answer-write-timeout} has passed: a fallback, see its callers. Returns what cancels
     * it (a cancelled task leaves the queue at once, and with it what it holds), or null when it ran at once because
     * the application stops.
     */
    ScheduledFuture<?> afterTimeout(Runnable task) {
        try {
            return idleChecks.schedule(task, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            task.run();
            return null;
        }
    }

    @Override
    public void close() {
        idleChecks.shutdownNow();
    }

    /** One answer being sent. The container calls its listener methods one at a time. */
    final class Sending implements WriteListener {

        private final String name;
        private final ServletOutputStream out;
        private final byte[] body;
        private final Consumer<Throwable> done;
        private final Consumer<Throwable> closer;
        private int position;
        private boolean flushed;
        private volatile long lastProgress = System.nanoTime();
        /** Set once, under the lock: answered, failed, timed out or given up. */
        private volatile boolean finished;
        private volatile SocketTimeoutException timedOut;
        private ScheduledFuture<?> check;

        private Sending(String name, ServletOutputStream out, byte[] body, Consumer<Throwable> done,
                        Consumer<Throwable> closer) {
            this.name = name;
            this.out = out;
            this.body = body;
            this.done = done;
            this.closer = closer;
        }

        @Override
        public void onWritePossible() throws IOException {
            // called again only once the client has taken something of what was handed over
            lastProgress = System.nanoTime();
            try {
                while (!finished && out.isReady()) {
                    if (position < body.length) {
                        int length = Math.min(CHUNK_SIZE, body.length - position);
                        out.write(body, position, length);
                        position += length;
                    } else if (!flushed) {
                        flushed = true;
                        out.flush();
                    } else {
                        // all on the socket; closing ends the response now, without waiting for an unread body
                        out.close();
                        finish(null);
                        return;
                    }
                }
            } catch (AsyncRequestNotUsableException e) {
                // Spring MVC's wrapper hides the container's exception (Tomcat's ClientAbortException), by which the
                // container tells a client gone (a DEBUG line) from a failure that deserves its error page
                throw e.getCause() instanceof IOException cause ? cause : e;
            }
        }

        /** The write failed (a client gone, a timeout); may come before or after {@link #onWritePossible()}. */
        @Override
        public void onError(Throwable failure) {
            finish(timedOut != null ? timedOut : failure);
        }

        /** The request is over (Spring MVC ended it): nothing more is written, the connection is not touched. */
        void abandon() {
            end();
        }

        private void finish(Throwable failure) {
            if (end()) {
                done.accept(failure);
            }
        }

        /** Whether this ended the sending (first of answered, failed, timed out, given up). */
        private synchronized boolean end() {
            if (finished) {
                return false;
            }
            finished = true;
            sending.decrementAndGet();
            bytes.addAndGet(-body.length);
            if (check != null) {
                check.cancel(false);
            }
            return true;
        }

        private synchronized void nextCheck(long delayNanos) {
            if (!finished) {
                check = idleChecks.schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void checkIdle() {
            long idle = System.nanoTime() - lastProgress;
            long limit = timeout.toNanos();
            if (idle < limit) {
                nextCheck(limit - idle);
                return;
            }
            synchronized (this) {
                if (finished) {
                    return;
                }
                if (timedOut == null) {
                    timedOut = new SocketTimeoutException("the client read nothing of its answer for " + timeout
                                                          + " (camel.iotmp.api.answer-write-timeout)");
                    slowClientsClosed.incrementAndGet();
                    LOG.debug("{}: closing the connection, {} of {} bytes sent: {}", name, position, body.length,
                            timedOut.getMessage());
                    if (closer != null) {
                        // under the lock: abandon() (the request's end, before the container recycles it) waits
                        closer.accept(timedOut);
                        // the container ends the request, and Spring MVC the call; should it not, the next check
                        // gives the answer up
                        check = idleChecks.schedule(this::checkIdle, limit, TimeUnit.NANOSECONDS);
                        return;
                    }
                }
            }
            finish(timedOut);
        }
    }
}
