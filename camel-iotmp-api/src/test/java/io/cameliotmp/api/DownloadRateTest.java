package io.cameliotmp.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rate a download's client must keep up, on a clock of the test's: a client is as slow as the clock says each
 * write took, so nothing here depends on the machine's speed.
 */
class DownloadRateTest {

    private final AtomicLong now = new AtomicLong();
    private final DownloadRate rate = new DownloadRate(1000, Duration.ofSeconds(10), now::get);
    private final ByteArrayOutputStream taken = new ByteArrayOutputStream();

    /** A client that takes a byte every {@code nanosPerByte} of the test's clock. */
    private OutputStream client(long nanosPerByte) {
        return rate.watch(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) {
                now.addAndGet(length * nanosPerByte);
                taken.write(buffer, offset, length);
            }
        });
    }

    @Test
    void aClientSlowerThanTheRateFailsTheDownloadOnceItsWritesHaveWaitedTheGrace() throws IOException {
        OutputStream slow = client(2_000_000); // 500 bytes a second

        slow.write(new byte[4000]); // 8 s: within the grace
        assertThatThrownBy(() -> slow.write(new byte[4000])).isInstanceOf(DownloadRate.TooSlowException.class)
                .hasMessageContaining("500 bytes/s").hasMessageContaining("camel.iotmp.api.download-min-rate");
        assertThat(rate.tooSlow()).isEqualTo(1);
        assertThatThrownBy(() -> slow.write(1)).as("failed for good").isInstanceOf(IOException.class);
        assertThat(rate.tooSlow()).as("counted once").isEqualTo(1);
    }

    @Test
    void oneLargeWriteIsCheckedPieceByPiece() {
        OutputStream slow = client(2_000_000);

        assertThatThrownBy(() -> slow.write(new byte[1 << 20])).isInstanceOf(DownloadRate.TooSlowException.class);
        assertThat(taken.size()).as("failed after its first pieces, not after the whole write")
                .isLessThanOrEqualTo(2 * DownloadRate.PIECE);
    }

    @Test
    void aClientAsFastAsTheRateAndTheTimeBetweenWritesDoNotCount() throws IOException {
        OutputStream fast = client(1_000_000); // 1000 bytes a second: the minimum
        for (int i = 0; i < 100; i++) {
            fast.write(new byte[1000]);
            now.addAndGet(Duration.ofHours(1).toNanos()); // waiting for the device: not the client's time
        }
        assertThat(taken.size()).isEqualTo(100_000);
        assertThat(rate.tooSlow()).isZero();
    }
}
