package io.cameliotmp.testing;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Counts what is written to {@code System.err} until closed, passing it on: the bytes, the lines, and the lines a test
 * looks for. slf4j-simple, the tests' logger, writes every line to the {@code System.err} of the moment, so this is
 * how a test sees how much a peer made the server log.
 */
public final class StderrCapture implements AutoCloseable {

    /** Lines are matched on their start: a longer line is cut there, so that a flood does not fill the heap. */
    private static final int MAX_MATCHED_LINE = 8192;

    private final PrintStream original = System.err;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lines = new AtomicLong();
    private final List<Counted> counted = new CopyOnWriteArrayList<>();
    /** The line being written, guarded by this. */
    private final StringBuilder line = new StringBuilder();

    private StderrCapture() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                take(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    take(b[i]);
                }
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** Starts counting; {@link #close()} puts the previous {@code System.err} back. */
    public static StderrCapture start() {
        return new StderrCapture();
    }

    /** Lines written from now on for which {@code matching} holds (on the line without its end, as ISO-8859-1). */
    public AtomicLong count(Predicate<String> matching) {
        Counted lines = new Counted(matching);
        counted.add(lines);
        return lines.count;
    }

    public long bytes() {
        return bytes.get();
    }

    public long lines() {
        return lines.get();
    }

    private synchronized void take(int b) {
        bytes.incrementAndGet();
        if (b == '\n') {
            lines.incrementAndGet();
            String written = line.toString();
            line.setLength(0);
            for (Counted c : counted) {
                if (c.matching.test(written)) {
                    c.count.incrementAndGet();
                }
            }
        } else if (!counted.isEmpty() && line.length() < MAX_MATCHED_LINE) {
            line.append((char) (b & 0xff));
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    private record Counted(Predicate<String> matching, AtomicLong count) {
        Counted(Predicate<String> matching) {
            this(matching, new AtomicLong());
        }
    }
}
