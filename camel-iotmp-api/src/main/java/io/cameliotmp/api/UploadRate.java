package io.cameliotmp.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The rate at which the body of an upload (a file upload's, a firmware image's) must arrive, at least, as Apache's
 * {@code mod_reqtimeout} has {@code MinRate}. Those bodies are read with blocking reads on a request thread, each
 * bounded only by the container's read timeout: a client that sends a byte just before each timeout would hold its
 * upload slot ({@code max-uploads}, {@code max-firmware-updates}) and a thread for ever, and as many such clients as
 * slots would stop uploads altogether.
 * <p>
 * So once the reads of a body have waited longer than the grace in all, the bytes read must average at least the
 * minimum rate per second of that waiting, or the read fails with {@link TooSlowException}: the upload ends (408, on
 * which Tomcat closes the connection rather than read the rest of the body), its slot is released, and it is counted
 * ({@link #tooSlow()}). Only the time spent waiting for the client's bytes counts, not the time an upload waits for
 * its device: nothing is read meanwhile, so the client cannot send faster than that anyway.
 * <p>
 * The rate is checked when a read returns. A read that waits for bytes that do not come is bounded by the container's
 * read timeout (Tomcat's {@code connectionTimeout}, {@code server.tomcat.connection-timeout}), and answered 408 too.
 */
public final class UploadRate {

    private final MinimumRate rate;

    /**
     * @param minBytesPerSecond the bytes per second of waiting a body must average, at least
     * @param grace             how long the reads of a body may wait in all before its rate counts
     * @param nanoClock         the time, as {@link System#nanoTime()}
     */
    public UploadRate(long minBytesPerSecond, Duration grace, LongSupplier nanoClock) {
        this.rate = new MinimumRate(minBytesPerSecond, grace, nanoClock);
    }

    /** {@code body} (null for none), failing a read that leaves it below the minimum rate. */
    InputStream watch(InputStream body) {
        return body == null ? null : new Watched(body);
    }

    /** How many uploads failed for being slower than the minimum rate (for the metric). */
    public long tooSlow() {
        return rate.tooSlow();
    }

    /** A body that arrived slower than the minimum rate: 408. */
    static final class TooSlowException extends IOException {
        private static final long serialVersionUID = 1L;

        TooSlowException(String message) {
            super(message);
        }
    }

    /** A body whose reads are timed; one reader at a time, as an upload reads its body. */
    private final class Watched extends FilterInputStream {

        private final MinimumRate.Transfer transfer = rate.transfer();

        Watched(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            long start = start();
            int read = super.read();
            check(start, read < 0 ? -1 : 1);
            return read;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long start = start();
            int read = super.read(buffer, offset, length);
            check(start, read);
            return read;
        }

        private long start() throws IOException {
            if (transfer.failed()) {
                throw new TooSlowException("the body arrived too slowly");
            }
            return transfer.begin();
        }

        /** Counts a read that began at {@code start} and returned {@code read}; the end of the body is never slow. */
        private void check(long start, int read) throws IOException {
            if (read < 0) {
                transfer.ended(start);
                return;
            }
            long slowRate = transfer.moved(start, read);
            if (slowRate >= 0) {
                throw new TooSlowException("the body arrived at " + slowRate + " bytes/s, below the "
                                           + rate.minBytesPerSecond()
                                           + " bytes/s an upload must keep up after its first "
                                           + rate.graceMillis() + " ms (camel.iotmp.api.upload-min-rate)");
            }
        }
    }
}
