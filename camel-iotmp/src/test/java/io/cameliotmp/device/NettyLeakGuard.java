package io.cameliotmp.device;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.fail;

/**
 * Fails a test class when Netty's leak detector (paranoid in surefire) reports a leaked buffer while it ran.
 * <p>
 * Netty logs leaks through slf4j-simple, which writes to whatever {@code System.err} is at the time; the guard tees
 * that stream, so it works however early Netty's static leak detector was created. After the class it collects
 * garbage and allocates a few buffers, since the detector only reports on a later allocation.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {

    private static final Object LOCK = new Object();
    private static ByteArrayOutputStream captured;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (LOCK) {
            if (captured == null) {
                captured = new ByteArrayOutputStream();
                PrintStream original = System.err;
                System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
            }
            captured.reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20); // lets the collector enqueue the phantom references the detector polls
            for (int i = 0; i < 8; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(16);
                unpooled.release();
            }
        }
        String log;
        synchronized (LOCK) {
            log = captured.toString(StandardCharsets.UTF_8);
            captured.reset();
        }
        if (log.contains("LEAK:")) {
            fail("Netty reported a buffer leak in " + context.getDisplayName() + ":\n" + log);
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            synchronized (LOCK) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            synchronized (LOCK) {
                second.write(b, off, len);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
        }
    }
}
