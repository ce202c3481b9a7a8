package io.cameliotmp.api;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The minimum rate of upload bodies, on a clock of the test's own: each read of the fake body takes what it says. */
class UploadRateTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final AtomicLong now = new AtomicLong(1_000);
    private final UploadRate rate = new UploadRate(1000, Duration.ofSeconds(3), now::get);

    /** A body whose every read waits {@code nanosPerRead} and returns {@code bytesPerRead} bytes, endless. */
    private InputStream body(long nanosPerRead, int bytesPerRead) {
        return new InputStream() {
            @Override
            public int read() {
                now.addAndGet(nanosPerRead);
                return 'x';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                now.addAndGet(nanosPerRead);
                return Math.min(length, bytesPerRead);
            }
        };
    }

    @Test
    void aBodySlowerThanTheRateFailsOnceItsReadsHaveWaitedBeyondTheGrace() throws IOException {
        InputStream in = rate.watch(body(SECOND, 1));
        byte[] buffer = new byte[100];
        for (int i = 0; i < 3; i++) {
            assertThat(in.read(buffer)).as("within the grace").isEqualTo(1);
        }

        assertThatThrownBy(() -> in.read(buffer)).isInstanceOf(UploadRate.TooSlowException.class)
                .hasMessageContaining("at 1 bytes/s").hasMessageContaining("upload-min-rate");
        assertThatThrownBy(in::read).as("and stays failed").isInstanceOf(UploadRate.TooSlowException.class);
        assertThat(rate.tooSlow()).isEqualTo(1);
        assertThat(ApiError.of(new IOException(new UploadRate.TooSlowException("slow"))).status()).isEqualTo(408);
    }

    /** A read that waits long after many bytes fast: 10,000 bytes in 9 s of waiting keep the average. */
    @Test
    void theAverageCountsNotTheSlowestRead() throws IOException {
        InputStream in = rate.watch(new InputStream() {
            private int reads;

            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                reads++;
                now.addAndGet(reads == 1 ? 0 : 9 * SECOND);
                return reads == 1 ? 9_000 : 1000;
            }
        });
        byte[] buffer = new byte[10_000];

        assertThat(in.read(buffer)).isEqualTo(9_000);
        assertThat(in.read(buffer)).isEqualTo(1000);
        assertThat(rate.tooSlow()).isZero();
    }

    /** An upload waiting for its device reads nothing: that time is not the client's. */
    @Test
    void onlyTheTimeSpentInReadsCounts() throws IOException {
        InputStream in = rate.watch(body(0, 10));
        byte[] buffer = new byte[10];
        for (int i = 0; i < 100; i++) {
            now.addAndGet(60 * SECOND);
            assertThat(in.read(buffer)).isEqualTo(10);
        }
        assertThat(rate.tooSlow()).isZero();
    }

    @Test
    void theEndOfTheBodyIsNeverTooSlow() throws IOException {
        InputStream in = rate.watch(new InputStream() {
            @Override
            public int read() {
                now.addAndGet(60 * SECOND);
                return -1;
            }
        });
        assertThat(in.read()).isEqualTo(-1);
        assertThat(rate.tooSlow()).isZero();
        assertThat(rate.watch(null)).isNull();
    }
}
