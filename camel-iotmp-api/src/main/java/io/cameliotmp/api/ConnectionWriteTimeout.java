package io.cameliotmp.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.tomcat.util.net.SocketWrapperBase;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The write timeout of the HTTP/1.1 connection of a Server-Sent Events response: {@code
 * camel.iotmp.api.stream-send-timeout} instead of Tomcat's connection timeout ({@code
 * server.tomcat.connection-timeout}, 60 s unless raised), so that a write blocked by a client that stopped reading
 * fails after it and frees its writer thread ({@link EventStreamWriters}).
 * <p>
 * Why a thread's connection: the Servlet API does not reach Tomcat's connection, but Tomcat 10.1's NIO connector runs
 * a request's dispatches inside its handler's {@code process(wrapper, event)}, on the same thread, and
 * {@link AddressBoundedNioProtocol} wraps that handler ({@link #serving}). Its blocking writes wait at most their own
 * wrapper's {@link SocketWrapperBase#getWriteTimeout()}, read as each write starts, and then fail with a
 * {@link java.net.SocketTimeoutException} (and every write after it: the connection is closed). HTTP/2 streams run on
 * other threads than their connection's handler, and share their connection: they are left alone. Elsewhere (another
 * protocol, a thread outside a request) there is nothing to limit.
 * <p>
 * When: from the response's first write ({@link #apply}) until it completes ({@link #restore}). An HTTP/1.1
 * connection is kept alive after a complete Server-Sent Events response (its chunked body ends), and Tomcat never sets
 * the write timeout again, so the previous one is put back; a request that fails before its stream writes anything
 * (answered with an error, no completion to tell) leaves the connection as it was.
 */
final class ConnectionWriteTimeout {

    private static final ThreadLocal<SocketWrapperBase<?>> SERVING = new ThreadLocal<>();
    /** What to run once this thread has returned from serving its connection ({@link #afterServing}). */
    private static final ThreadLocal<List<Runnable>> AFTER_SERVING = new ThreadLocal<>();

    private final SocketWrapperBase<?> connection;
    private final long limited;
    /** Guarded by {@code this}: the write timeout before, whether it is limited now, and whether the response ended. */
    private long previous;
    private boolean applied;
    private boolean restored;

    private ConnectionWriteTimeout(SocketWrapperBase<?> connection, long limited) {
        this.connection = connection;
        this.limited = limited;
    }

    /** Runs {@code process}, the handling of an event of {@code connection}, as serving that connection. */
    static <T> T serving(SocketWrapperBase<?> connection, Supplier<T> process) {
        SocketWrapperBase<?> outer = SERVING.get();
        List<Runnable> outerAfter = AFTER_SERVING.get();
        List<Runnable> after = new ArrayList<>(0);
        SERVING.set(connection);
        AFTER_SERVING.set(after);
        try {
            return process.get();
        } finally {
            if (outer == null) {
                SERVING.remove();
                AFTER_SERVING.remove();
            } else {
                SERVING.set(outer);
                AFTER_SERVING.set(outerAfter);
            }
            after.forEach(Runnable::run);
        }
    }

    /**
     * Runs {@code task} (which must not throw) once this thread has returned from handling its connection's event:
     * Tomcat is done with the request on this thread then. Runs it now when this thread serves none (a connector of
     * the application's own, or another protocol): nothing tells when its thread is done with the request.
     */
    static void afterServing(Runnable task) {
        List<Runnable> after = AFTER_SERVING.get();
        if (after == null) {
            task.run();
            return;
        }
        after.add(task);
    }

    /**
     * The write timeout {@code timeout} for the connection of the HTTP/1.x request this thread serves, not applied
     * yet; null when there is no such connection.
     */
    static ConnectionWriteTimeout ofThisRequest(Duration timeout) {
        SocketWrapperBase<?> connection = SERVING.get();
        if (connection == null || !servingHttp1()) {
            return null;
        }
        return new ConnectionWriteTimeout(connection, Math.max(1, timeout.toMillis()));
    }

    /** Limits the connection's write timeout, unless it is limited already or the response has ended; any thread. */
    synchronized void apply() {
        if (applied || restored) {
            return;
        }
        previous = connection.getWriteTimeout();
        connection.setWriteTimeout(limited);
        applied = true;
    }

    /** The response has completed: puts the connection's write timeout back, and none is applied any more. */
    synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        // unless something else has set it meanwhile
        if (applied && connection.getWriteTimeout() == limited) {
            connection.setWriteTimeout(previous);
        }
    }

    /** Whether the request Spring MVC handles on this thread is HTTP/1.x (an HTTP/2 stream shares its connection). */
    private static boolean servingHttp1() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes instanceof ServletRequestAttributes servlet
               && servlet.getRequest().getProtocol().startsWith("HTTP/1.");
    }
}
