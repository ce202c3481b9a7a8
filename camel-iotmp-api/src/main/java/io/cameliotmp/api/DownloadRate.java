package io.cameliotmp.api;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The rate at which a client must take a file download, at least: the counterpart of {@link UploadRate} for the
 * other direction. A download holds its place ({@code max-downloads}) and a thread of the task executor while it
 * streams, and writes with blocking writes, each bounded only by the container's write timeout, which any progress
 * restarts: a client that reads a little now and then, just before each timeout, held its place and the thread for
 * as long as the file lasted at that pace (days, for a large one), and as many such clients as places stopped
 * downloads altogether.
 * <p>
 * So once the writes of a download have waited longer than the grace in all, the bytes written must average at least
 * the minimum rate per second of that waiting, or the write fails with {@link TooSlowException}: the download ends
 * (its client gets fewer bytes than its {@code Content-Length}, and the connection is closed), its place is given
 * back, and it is counted ({@link #tooSlow()}). Only the time spent waiting for the client counts, not the time a
 * download waits for its device. Writes are made in pieces of at most {@value #PIECE} bytes, so that the rate is
 * checked as often as a slow client takes a piece; a write that waits for a client that takes nothing is bounded by
 * the container's write timeout ({@code server.tomcat.connection-timeout}).
 */
public final class DownloadRate {

    /** The most bytes one write hands the container: the rate is checked as each returns. */
    static final int PIECE = 8 * 1024;

    private final MinimumRate rate;

    /**
     * @param minBytesPerSecond the bytes per second of waiting a download must average, at least
     * @param grace             how long the writes of a download may wait in all before its rate counts
     * @param nanoClock         the time, as {@link System#nanoTime()}
     */
    public DownloadRate(long minBytesPerSecond, Duration grace, LongSupplier nanoClock) {
        this.rate = new MinimumRate(minBytesPerSecond, grace, nanoClock);
    }

    /** {@code out}, failing a write that leaves the download below the minimum rate. */
    OutputStream watch(OutputStream out) {
        return new Watched(out);
    }

    /** How many downloads failed for being taken slower than the minimum rate (for the metric). */
    public long tooSlow() {
        return rate.tooSlow();
    }

    /** A download its client took slower than the minimum rate. */
    static final class TooSlowException extends IOException {
        private static final long serialVersionUID = 1L;

        TooSlowException(String message) {
            super(message);
        }
    }

    /** A download's content whose writes are timed; one writer at a time, as a download writes. */
    private final class Watched extends FilterOutputStream {

        private final MinimumRate.Transfer transfer = rate.transfer();

        Watched(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            for (int done = 0; done < length; ) {
                int piece = Math.min(PIECE, length - done);
                if (transfer.failed()) {
                    throw new TooSlowException("the client takes the download too slowly");
                }
                long start = transfer.begin();
                out.write(buffer, offset + done, piece);
                check(start, piece);
                done += piece;
            }
        }

        /** Counts a write of {@code written} bytes that began at {@code start}. */
        private void check(long start, int written) throws IOException {
            long slowRate = transfer.moved(start, written);
            if (slowRate >= 0) {
                throw new TooSlowException("the client took the download at " + slowRate + " bytes/s, below the "
                                           + rate.minBytesPerSecond()
                                           + " bytes/s a download must keep up after its first "
                                           + rate.graceMillis() + " ms (camel.iotmp.api.download-min-rate)");
            }
        }
    }
}
