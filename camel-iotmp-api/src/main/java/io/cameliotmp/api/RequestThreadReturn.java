package io.cameliotmp.api;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The return of a request's thread to Tomcat, for a thread of the application that writes to that request's
 * response ({@link EventStreamWriters}, {@link FileDownloads}). Tomcat's response is not made for two threads: until
 * the request's thread has returned, it may still be in Tomcat with the request, answering a failure of the connection
 * there (its error page; {@link TomcatFailedAsyncCompleter}), and a write from another thread runs into it. Waiting for
 * the return takes moments: the request's thread returns as soon as the request has gone asynchronous.
 */
final class RequestThreadReturn {

    private final Thread requestThread = Thread.currentThread();
    private final CountDownLatch returned = new CountDownLatch(1);

    private RequestThreadReturn() {
    }

    /** The return of the request this thread serves now ({@link ConnectionWriteTimeout#afterServing}). */
    static RequestThreadReturn ofThisThread() {
        RequestThreadReturn request = new RequestThreadReturn();
        ConnectionWriteTimeout.afterServing(request.returned::countDown);
        return request;
    }

    /**
     * Whether a write from this thread waits for the return: the request's thread has not returned, and this thread
     * is another (the request's thread itself, should an executor run the write there, has nothing to wait for).
     */
    boolean pending() {
        return returned.getCount() > 0 && Thread.currentThread() != requestThread;
    }

    /** Waits for the return, at most {@code limitNanos}; false when the limit passed first. */
    boolean await(long limitNanos) throws InterruptedException {
        return !pending() || returned.await(limitNanos, TimeUnit.NANOSECONDS);
    }
}
