package io.cameliotmp.server.ota;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.InflaterInputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zlib encoder frees its deflater's native memory when closed, on every path: a deflater it leaves open waits
 * for the garbage collector, once per compressed image. An ended deflater refuses {@link Deflater#getTotalIn()}.
 */
class OtaCompressionTest {

    private static final byte[] IMAGE = image();

    @Test
    void zlibEndsItsDeflaterWhenClosed() throws IOException {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = OtaCompression.zlib(sink, deflater)) {
            out.write(IMAGE);
        }

        assertEnded(deflater);
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(sink.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(IMAGE);
        }
    }

    @Test
    void zlibEndsItsDeflaterWhenWritingFails() {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);

        assertThatThrownBy(() -> {
            try (OutputStream out = OtaCompression.zlib(new FailingStream(), deflater)) {
                out.write(IMAGE);
            }
        }).isInstanceOf(IOException.class).hasMessage("disk full");

        assertEnded(deflater);
    }

    @Test
    void zlibEndsItsDeflaterWhenFinishingFails() throws IOException {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        FailingStream disk = new FailingStream();
        disk.full = false;
        OutputStream out = OtaCompression.zlib(disk, deflater);
        out.write(IMAGE);
        disk.full = true;

        assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessage("disk full");
        assertEnded(deflater);
        // closing again, as try-with-resources does after a failed explicit close, neither finishes nor throws
        out.close();
    }

    private static void assertEnded(Deflater deflater) {
        assertThatThrownBy(deflater::getTotalIn).as("the deflater was ended")
                .isInstanceOf(NullPointerException.class);
    }

    private static byte[] image() {
        byte[] bytes = new byte[64 * 1024];
        new Random(7).nextBytes(bytes);
        // half random, half runs: some of it compresses, and the random half fills the buffer during the write
        Arrays.fill(bytes, bytes.length / 2, bytes.length, (byte) 0x5a);
        return bytes;
    }

    /** A disk that is full from the start, unless told otherwise. */
    private static final class FailingStream extends OutputStream {
        boolean full = true;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (full) {
                throw new IOException("disk full");
            }
        }
    }
}
