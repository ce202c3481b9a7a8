package io.cameliotmp.api;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a byte session's client sends to its device, in the order it was sent. Until {@link #start} (the device has
 * opened the session) it only waits, at most {@code maxEarly} bytes; then one send to the device at a time, the next
 * once the previous has completed. What the client sends meanwhile waits here, appended to what waits already,
 * and goes in sends of up to {@code maxChunk} bytes. A session's bytes are a byte stream (a terminal's keystrokes, a
 * command's input, a proxied connection), so where the client's messages began does not matter to the device, and a
 * client that sends a flood of one-byte messages costs one exchange and one device frame per round trip to the
 * device, not one per message. Each waiting byte is held once, in chunks that are full but the last, so what waits is
 * bounded by {@code maxPending} bytes plus one chunk's slack, whatever the messages' sizes.
 * <p>
 * {@link #offer} is called by one thread at a time (the web server delivers a socket's messages in order), the sends
 * complete on any thread; a send that fails ends the input: {@code failed} is told once and nothing more is sent.
 */
final class DeviceInput {

    private final int maxEarly;
    private final int maxPending;
    private final int maxChunk;
    private final Function<byte[], CompletableFuture<?>> send;
    private final Consumer<Throwable> failed;
    /** Guarded by {@code this}: the bytes waiting, in chunks of {@code maxChunk} but the last. */
    private final Deque<Chunk> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** Guarded by {@code this}: whether the device takes input, and whether a send to it has not completed. */
    private boolean started;
    private boolean sending;
    private boolean ended;

    /**
     * @param maxEarly   the most bytes that may wait before {@link #start}
     * @param maxPending the most bytes that may wait after it (besides the send in flight)
     * @param maxChunk   the most bytes one send carries
     * @param send       sends bytes to the device; its future completes once the next may go
     * @param failed     told, once, that a send failed
     */
    DeviceInput(int maxEarly, int maxPending, int maxChunk, Function<byte[], CompletableFuture<?>> send,
                Consumer<Throwable> failed) {
        if (maxEarly < 0 || maxPending < 1 || maxChunk < 1) {
            throw new IllegalArgumentException("bounds must be positive: " + maxEarly + ", " + maxPending + ", "
                                               + maxChunk);
        }
        this.maxEarly = maxEarly;
        this.maxPending = maxPending;
        this.maxChunk = maxChunk;
        this.send = send;
        this.failed = failed;
    }

    /**
     * Sends {@code bytes} after everything offered before. Returns false when more than {@code maxEarly} bytes would
     * wait before {@link #start}, or {@code maxPending} after it (the device does not take the client's input as fast
     * as it comes): the input then ends, what waits is dropped, and what is offered later ignored, so it returns false
     * once.
     */
    boolean offer(byte[] bytes) {
        synchronized (this) {
            if (ended) {
                return true;
            }
            if (waitingBytes + bytes.length > (started ? maxPending : maxEarly)) {
                ended = true;
                waiting.clear();
                waitingBytes = 0;
                return false;
            }
            append(bytes);
            if (sending || !started) {
                return true;
            }
            sending = true;
        }
        sendWaiting();
        return true;
    }

    /** The device takes input now: what waits goes first. */
    void start() {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
            if (waiting.isEmpty() || ended) {
                return;
            }
            sending = true;
        }
        sendWaiting();
    }

    /** Whether {@link #start} was called. */
    synchronized boolean started() {
        return started;
    }

    /** Bytes waiting for a send; for tests. */
    synchronized long waitingBytes() {
        return waitingBytes;
    }

    private void append(byte[] bytes) {
        int from = 0;
        while (from < bytes.length) {
            Chunk last = waiting.peekLast();
            if (last == null || last.length == maxChunk) {
                last = new Chunk(Math.min(maxChunk, Math.max(64, bytes.length - from)));
                waiting.addLast(last);
            }
            from += last.add(bytes, from, maxChunk);
        }
        waitingBytes += bytes.length;
    }

    /**
     * Sends what waits, a chunk at a time, each once the previous has completed; a send that completes at once is
     * followed in this loop rather than from its completion, so that a fast device does not grow the stack.
     */
    private void sendWaiting() {
        while (true) {
            byte[] next;
            synchronized (this) {
                Chunk first = ended ? null : waiting.pollFirst();
                if (first == null) {
                    sending = false;
                    return;
                }
                next = first.bytes();
                waitingBytes -= next.length;
            }
            CompletableFuture<?> sent;
            try {
                sent = send.apply(next);
            } catch (RuntimeException e) {
                end(e);
                return;
            }
            if (!sent.isDone()) {
                sent.whenComplete((result, failure) -> {
                    if (failure != null) {
                        end(failure);
                    } else {
                        sendWaiting();
                    }
                });
                return;
            }
            if (sent.isCompletedExceptionally()) {
                sent.whenComplete((result, failure) -> end(failure));
                return;
            }
        }
    }

    private void end(Throwable failure) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            sending = false;
            waiting.clear();
            waitingBytes = 0;
        }
        failed.accept(failure);
    }

    /** Bytes of one send: grows up to the chunk size, then the next chunk starts. */
    private static final class Chunk {

        private byte[] buffer;
        private int length;

        Chunk(int capacity) {
            buffer = new byte[capacity];
        }

        /** Adds what of {@code bytes} from {@code from} fits up to {@code max} bytes; returns how many. */
        int add(byte[] bytes, int from, int max) {
            int taken = Math.min(bytes.length - from, max - length);
            if (length + taken > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(max, Math.max(length + taken, buffer.length * 2)));
            }
            System.arraycopy(bytes, from, buffer, length, taken);
            length += taken;
            return taken;
        }

        byte[] bytes() {
            return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }
    }
}
