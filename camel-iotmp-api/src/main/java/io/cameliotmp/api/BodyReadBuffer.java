package io.cameliotmp.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies held in memory while they arrive, all requests together, at most
 * {@code camel.iotmp.api.body-read-buffer} ({@link RequestBodyFilter}). A body is read without a thread, so
 * {@code max-body-size} and {@code body-read-timeout} alone let clients that send bodies slowly make the application
 * hold one body per connection (Tomcat takes 8,192 connections by default: 512 MB of 64 KB bodies, reserved as soon as
 * their length is declared). A body that does not fit is refused (503) before anything of it is held; one larger than
 * the buffer still fits when no other body is held, so that a buffer configured below {@code max-body-size} refuses
 * no body for ever.
 */
final class BodyReadBuffer {

    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    BodyReadBuffer(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException(IotmpApiProperties.PREFIX + ".body-read-buffer must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Takes {@code length} more bytes of the buffer for a body that holds {@code own} already, if they fit (or the
     * body is the only one held); counts a refusal if not.
     */
    boolean reserve(long length, long own) {
        while (true) {
            long held = bytes.get();
            if (held > own && held + length > maxBytes) {
                refused.incrementAndGet();
                return false;
            }
            if (bytes.compareAndSet(held, held + length)) {
                return true;
            }
        }
    }

    /** Gives back {@code length} bytes reserved before. */
    void release(long length) {
        bytes.addAndGet(-length);
    }

    /** The bytes of the bodies being received now. */
    long bytes() {
        return bytes.get();
    }

    /** How many bodies were refused (503) because they did not fit. */
    long refused() {
        return refused.get();
    }
}
